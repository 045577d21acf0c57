/*
 * Shared plumbing for the viewer's features (annotations.js, measure.js, tour.js): one context
 * per viewer with its tool bar, exclusive drawing tools, side panel, messages and JSON requests.
 *
 *   PortalSlideKit.onViewer(name, setup)  run setup(element, viewer) once per [data-slide-viewer],
 *                                         whether viewer.js made it before or after this script
 *   PortalSlideKit.context(element)       the viewer's context (see makeContext)
 *   PortalSlideKit.request(method, url, body) -> Promise<{ok, status, data}>, with the CSRF header
 *   PortalSlideKit.errorText(response)    one readable sentence for a failed request
 *
 * Needs viewer.js (window.PortalViewer) and OpenSeadragon. Load after measurement.js.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var contexts = 0;

  // 20×20 line icons, drawn with currentColor like viewer.js's.
  var ICONS = {
    select: "M5.5 3v12.5l3.2-3.1 2.3 5 2-.9-2.3-4.9 4.3-.2z",
    point: "M10 6.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 1 0 0-7zM10 9.5v1",
    line: "M4 16 16 4",
    arrow: "M4 16 16 4M9 4h7v7",
    rectangle: "M3.5 5.5h13v9h-13z",
    ellipse: "M10 5c3.9 0 7 2.2 7 5s-3.1 5-7 5-7-2.2-7-5 3.1-5 7-5z",
    polygon: "M4 7.5 10 3.5l6 4.5-2 8.5H6z",
    freehand: "M3 13.5c1.5-5.5 3.5-8 5.5-4s3.5 5 5-.5 3-4 3.5-2.5",
    ruler: "m2.5 13.5 11-11 4 4-11 11zM6 10l1.5 1.5M8.5 7.5 10 9M11 5l1.5 1.5",
    area: "M3.5 3.5h13v13h-13zM3.5 10 10 3.5M3.5 16.5l13-13M10 16.5l6.5-6.5",
    clear: "M5 5l10 10M15 5 5 15",
    eye: "M2 10s3-5.5 8-5.5 8 5.5 8 5.5-3 5.5-8 5.5S2 10 2 10zM10 7.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z",
    previous: "M12.5 4.5 7 10l5.5 5.5",
    next: "M7.5 4.5 13 10l-5.5 5.5",
    up: "M10 15.5v-11M5.5 9 10 4.5 14.5 9",
    down: "M10 4.5v11M5.5 11l4.5 4.5 4.5-4.5",
    trash: "M4 6h12M8 6V4h4v2M5.5 6l1 10.5h7l1-10.5M8.5 9v5M11.5 9v5",
    target: "M10 3v3M10 14v3M3 10h3M14 10h3M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6z",
    lock: "M5.5 9h9v8h-9zM7.5 9V6.5a2.5 2.5 0 0 1 5 0V9",
    unlock: "M5.5 9h9v8h-9zM7.5 9V6.5a2.5 2.5 0 0 1 5 0",
  };

  /* DOM helpers ----------------------------------------------------------------------------- */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    setAttributes(node, attributes);
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    setAttributes(node, attributes);
    return node;
  }

  function setAttributes(node, attributes) {
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    return node;
  }

  function icon(name) {
    var node = svg("svg", { viewBox: "0 0 20 20", "aria-hidden": "true", focusable: "false" });
    node.appendChild(svg("path", { d: ICONS[name] }));
    return node;
  }

  /** A labelled icon button in the viewer's style. */
  function iconButton(iconName, label, attributes) {
    var button = el("button", { type: "button", class: "viewer-button", "aria-label": label, title: label });
    setAttributes(button, attributes);
    button.appendChild(icon(iconName));
    return button;
  }

  function textButton(text, attributes, iconName) {
    var button = el("button", { type: "button", class: "button button--small" });
    setAttributes(button, attributes);
    if (iconName) button.appendChild(icon(iconName));
    button.appendChild(document.createTextNode(text));
    return button;
  }

  function positiveNumber(value) {
    if (value === undefined || value === null || String(value).trim() === "") return null;
    var number = Number(value);
    return isFinite(number) && number > 0 ? number : null;
  }

  function prefersReducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  /** Whether a key press belongs to a text field rather than to the viewer. */
  function isTyping(event) {
    var target = event.target;
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  /* Requests -------------------------------------------------------------------------------- */

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var headers = document.body && document.body.getAttribute("hx-headers");
    if (headers) {
      try {
        var parsed = JSON.parse(headers);
        if (parsed && parsed["X-CSRFToken"]) return parsed["X-CSRFToken"];
      } catch (error) {
        /* not JSON: no token from here */
      }
    }
    return "";
  }

  /**
   * fetch() with the session cookie and CSRF header. `body` is sent as JSON unless it is a
   * FormData. Resolves (never rejects) to {ok, status, data}; status 0 means no answer.
   */
  function request(method, url, body, options) {
    var headers = { Accept: "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" };
    var init = { method: method, credentials: "same-origin", headers: headers };
    if (options && options.keepalive) init.keepalive = true;
    if (body !== undefined && body !== null) {
      if (typeof FormData !== "undefined" && body instanceof FormData) {
        init.body = body;
      } else {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
    }
    return fetch(url, init).then(
      function (response) {
        if (response.status === 204) return { ok: response.ok, status: response.status, data: null };
        return response.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (error) {
            data = null;
          }
          return { ok: response.ok, status: response.status, data: data };
        });
      },
      function () {
        return { ok: false, status: 0, data: null };
      }
    );
  }

  function flatten(value) {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) return [].concat.apply([], value.map(flatten));
    if (typeof value === "object") {
      return [].concat.apply(
        [],
        Object.keys(value).map(function (key) {
          return flatten(value[key]).map(function (message) {
            return key === "detail" || key === "non_field_errors" ? message : key + ": " + message;
          });
        })
      );
    }
    return [String(value)];
  }

  /** One readable sentence (or a few) for a failed request. */
  function errorText(response) {
    if (response.status === 0) return "The server could not be reached. Check your connection and try again.";
    if (response.status === 403) {
      return "You are not allowed to do this, or your session has ended. Reload the page and sign in again.";
    }
    if (response.status === 404) return "This item no longer exists. Reload the page.";
    var data = response.data;
    var messages = data && typeof data === "object" ? flatten(data.detail !== undefined ? data.detail : data) : [];
    if (messages.length) return messages.join(" ");
    if (response.status >= 500) return "The server had a problem (error " + response.status + "). Try again in a moment.";
    return "The request failed (error " + response.status + ").";
  }

  /* The per-viewer context ------------------------------------------------------------------ */

  /**
   * {element, viewer, slide, size: {width, height}, mpp: {x, y}|null, id,
   *  toolbar(): the tool strip inside the viewer, toolGroup(label): a group in it,
   *  tools: the exclusive drawing-tool switch (register/activate/active/button),
   *  panel(): the side panel beside the viewer, section(title, attrs): a section in it,
   *  announce(text): polite message shown over the viewer,
   *  banner(text, actionText, action): an alert with one button; returns a remove function,
   *  whenOpen(fn): run fn once the slide image has opened,
   *  onKey(fn): keydown anywhere in the viewer (fn returns true when it used the key)}
   */
  function makeContext(element) {
    var viewer = element.portalViewer;
    var slide = viewer.portalSlide || {};
    var Measurement = window.PortalMeasurement;
    var ctx = {
      element: element,
      viewer: viewer,
      slide: slide,
      id: "slide-tools-" + ++contexts,
      size: {
        width: slide.width || positiveNumber(element.dataset.width) || 0,
        height: slide.height || positiveNumber(element.dataset.height) || 0,
      },
      mpp: Measurement ? Measurement.pixelSize(element.dataset) : null,
    };

    /* Tool strip: a second row under viewer.js's toolbar, inside the viewer (so it stays
       available in full screen). */
    var strip = null;
    ctx.toolbar = function () {
      if (strip) return strip;
      var stripId = "slide-tools-" + Math.random().toString(36).slice(2, 9);
      strip = el("div", { class: "slide-toolstrip", id: stripId, role: "toolbar", "aria-label": "Slide tools" });
      // On a narrow viewer the strip folds behind viewer-controls.js's "Tools" button too.
      var menu = element.querySelector("[data-viewer-menu]");
      if (menu) menu.setAttribute("aria-controls", menu.getAttribute("aria-controls") + " " + stripId);
      var wrapper = el("div", { class: "slide-toolstrip-wrap" }, [strip]);
      viewer.addControl(wrapper, { anchor: window.OpenSeadragon.ControlAnchor.TOP_LEFT, autoFade: false });
      // OpenSeadragon puts controls side by side; this row belongs under the main toolbar.
      var parent = wrapper.parentNode;
      if (parent && parent !== viewer.container) parent.style.display = "block";
      return strip;
    };
    var groups = {};
    ctx.toolGroup = function (key, label) {
      if (groups[key]) return groups[key];
      groups[key] = el("div", { class: "viewer-group slide-toolgroup", role: "group", "aria-label": label, "data-tool-group": key });
      // Keep a stable order whatever order the scripts run in.
      var order = ["annotations", "draw", "measure"];
      var toolbar = ctx.toolbar();
      var before = null;
      for (var i = order.indexOf(key) + 1; i > 0 && i < order.length; i++) {
        if (groups[order[i]]) {
          before = groups[order[i]];
          break;
        }
      }
      toolbar.insertBefore(groups[key], before);
      return groups[key];
    };

    /* Exclusive tools: at most one drawing or measuring tool is active per viewer. */
    var tools = {
      active: null,
      // The tool a toggled-off tool falls back to (the annotation editor sets "select").
      fallback: null,
      defs: {},
      buttons: {},
      register: function (name, def) {
        tools.defs[name] = def;
      },
      activate: function (name) {
        if (name && !tools.defs[name]) return;
        if (tools.active === name) return;
        var previous = tools.active;
        tools.active = null;
        if (previous && tools.defs[previous].deactivate) tools.defs[previous].deactivate();
        tools.active = name || null;
        Object.keys(tools.buttons).forEach(function (key) {
          tools.buttons[key].setAttribute("aria-pressed", key === tools.active ? "true" : "false");
        });
        if (tools.active) element.setAttribute("data-active-tool", tools.active);
        else element.removeAttribute("data-active-tool");
        var def = tools.active && tools.defs[tools.active];
        element.classList.toggle("slide-viewer--drawing", Boolean(def && def.drawing));
        if (def && def.activate) def.activate();
      },
      /** A toggle button for tool `name`; pressing the active tool again turns it off. */
      button: function (name, iconName, label, attributes) {
        var button = iconButton(iconName, label, { "data-tool": name, "aria-pressed": "false" });
        setAttributes(button, attributes);
        button.addEventListener("click", function () {
          var def = tools.defs[name];
          if (tools.active !== name) tools.activate(name);
          else if (!(def && def.sticky)) tools.activate(tools.fallback);
        });
        tools.buttons[name] = button;
        return button;
      },
    };
    ctx.tools = tools;

    /* Keyboard: the active tool first, then other listeners, newest last. */
    var keyListeners = [];
    ctx.onKey = function (fn) {
      keyListeners.push(fn);
    };
    element.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || isTyping(event)) return;
      var def = tools.active && tools.defs[tools.active];
      if (def && def.keydown && def.keydown(event)) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      for (var i = 0; i < keyListeners.length; i++) {
        if (keyListeners[i](event)) {
          event.preventDefault();
          event.stopPropagation();
          return;
        }
      }
    });

    /* Messages over the viewer. */
    var toast = el("div", { class: "slide-toast", role: "status", "aria-live": "polite", "data-slide-announce": true });
    viewer.container.appendChild(toast);
    var toastTimer = null;
    ctx.announce = function (text, isError) {
      toast.textContent = text || "";
      toast.classList.toggle("slide-toast--error", Boolean(isError));
      toast.classList.toggle("slide-toast--shown", Boolean(text));
      clearTimeout(toastTimer);
      if (text) {
        toastTimer = setTimeout(function () {
          toast.classList.remove("slide-toast--shown");
        }, isError ? 9000 : 4500);
      }
    };

    /* Side panel: the viewer and the panel go into a workspace wrapper, side by side on wide
       screens and stacked on narrow ones. */
    var panel = null;
    ctx.panel = function () {
      if (panel) return panel;
      var workspace = el("div", { class: "slide-workspace" });
      if (element.classList.contains("slide-viewer--fill")) workspace.classList.add("slide-workspace--fill");
      panel = el("aside", { class: "slide-panel", id: ctx.id + "-panel", "aria-label": "Slide tools" });
      element.parentNode.insertBefore(workspace, element);
      workspace.appendChild(element);
      workspace.appendChild(panel);
      return panel;
    };
    var sectionOrder = ["annotations", "tour"];
    ctx.section = function (key, title, attributes) {
      var container = ctx.panel();
      var heading = el("h2", { class: "slide-panel__title", id: ctx.id + "-" + key + "-title", text: title });
      var section = el("section", { class: "slide-panel__section", "aria-labelledby": heading.id, "data-panel-section": key }, [heading]);
      setAttributes(section, attributes);
      var before = null;
      for (var i = sectionOrder.indexOf(key) + 1; i > 0 && i < sectionOrder.length; i++) {
        before = container.querySelector('[data-panel-section="' + sectionOrder[i] + '"]');
        if (before) break;
      }
      container.insertBefore(section, before);
      return section;
    };

    /** An alert with one action button, placed at the top of `container`; returns remove(). */
    ctx.banner = function (container, text, actionText, action, attributes) {
      var button = textButton(actionText, attributes);
      var banner = el("div", { class: "slide-banner", role: "alert" }, [el("p", { text: text }), button]);
      button.addEventListener("click", function () {
        remove();
        action();
      });
      container.insertBefore(banner, container.firstChild);
      function remove() {
        if (banner.parentNode) banner.parentNode.removeChild(banner);
      }
      return remove;
    };

    ctx.whenOpen = function (fn) {
      if (viewer.world && viewer.world.getItemCount() > 0) fn();
      else viewer.addOnceHandler("open", fn);
    };

    return ctx;
  }

  function context(element) {
    if (!element.portalKit) element.portalKit = makeContext(element);
    return element.portalKit;
  }

  /**
   * Run `setup(element, viewer)` once for every slide viewer, now for those viewer.js has already
   * made and later for any it makes after this call. `name` keeps each feature to one run.
   */
  function onViewer(name, setup) {
    function run(element) {
      if (!element || !element.portalViewer) return;
      element.portalFeatures = element.portalFeatures || {};
      if (element.portalFeatures[name]) return;
      element.portalFeatures[name] = true;
      try {
        setup(element, element.portalViewer);
      } catch (error) {
        if (window.console) window.console.error(error);
      }
    }
    document.addEventListener("portal-viewer:ready", function (event) {
      run(event.target);
    });
    function existing() {
      document.querySelectorAll("[data-slide-viewer]").forEach(run);
    }
    existing();
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", existing);
  }

  window.PortalSlideKit = {
    el: el,
    svg: svg,
    icon: icon,
    iconButton: iconButton,
    textButton: textButton,
    setAttributes: setAttributes,
    positiveNumber: positiveNumber,
    prefersReducedMotion: prefersReducedMotion,
    isTyping: isTyping,
    csrfToken: csrfToken,
    request: request,
    errorText: errorText,
    context: context,
    onViewer: onViewer,
  };
})();
