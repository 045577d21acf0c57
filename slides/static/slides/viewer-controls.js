/*
 * The pieces of the slide viewer's interface (slides/static/slides/viewer.js puts them together):
 * the toolbar (zoom, magnification, rotation, full screen, help), the scale bar and the
 * formatting of magnifications and lengths. Nothing here creates a viewer.
 *
 *   window.PortalViewerControls = {el, icon, iconButton, buildScaleBar, buildMagnification,
 *     buildToolbar, formatMagnification, roundLength, MAGNIFICATIONS}
 *
 * Builders take the OpenSeadragon viewer, its `portalSlide` and the viewer's index on the page
 * (for unique ids); `update()` functions are called by viewer.js whenever the view changes.
 */
(function () {
  "use strict";

  var MAGNIFICATIONS = [1.25, 2.5, 5, 10, 20, 40];
  var SCALE_BAR_MAX_PX = 200;

  var SVG_NS = "http://www.w3.org/2000/svg";
  // 20×20 line icons, drawn with currentColor.
  var ICONS = {
    zoomIn: "M4 10h12M10 4v12",
    zoomOut: "M4 10h12",
    home: "M3 9.5 10 3.5l7 6M5.5 8v8.5h9V8",
    rotateLeft: "M4.5 8.5A6 6 0 1 1 6 14.5M4.5 3.5v5h5",
    rotateRight: "M15.5 8.5A6 6 0 1 0 14 14.5M15.5 3.5v5h-5",
    fullScreen: "M3 7.5V3h4.5M12.5 3H17v4.5M17 12.5V17h-4.5M7.5 17H3v-4.5",
    exitFullScreen: "M7.5 3v4.5H3M17 7.5h-4.5V3M12.5 17v-4.5H17M3 12.5h4.5V17",
    menu: "M3.5 5.5h13M3.5 10h13M3.5 14.5h13",
    contrast: "M10 3a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM10 3v14M10 6h5M10 10h7M10 14h5",
    help: "M7.5 7.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5v.7M10 14.5v.5",
  };

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function icon(name) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  /** Buttons jump rather than glide when the reader asks for reduced motion (viewer-motion.js). */
  function still() {
    return Boolean(window.PortalViewerMotion && window.PortalViewerMotion.reduced());
  }

  function iconButton(iconName, label, onClick) {
    var button = el("button", { type: "button", class: "viewer-button", "aria-label": label, title: label }, [
      icon(iconName),
    ]);
    button.addEventListener("click", onClick);
    return button;
  }

  /* Formatting ------------------------------------------------------------------------------ */

  function trimZeros(text) {
    return text.indexOf(".") === -1 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }

  function formatMagnification(magnification) {
    return trimZeros(magnification.toFixed(magnification < 2 ? 2 : 1)) + "×";
  }

  /** The longest 1, 2 or 5 × 10^k micrometres that is at most `maxMicrometres`. */
  function roundLength(maxMicrometres) {
    var base = Math.pow(10, Math.floor(Math.log10(maxMicrometres)));
    var steps = [5, 2, 1];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * base <= maxMicrometres) return Number((steps[i] * base).toPrecision(1));
    }
    return Number(base.toPrecision(1));
  }

  function formatLength(micrometres) {
    if (micrometres >= 1000) return trimZeros(String(micrometres / 1000)) + " mm";
    return trimZeros(String(micrometres)) + " µm";
  }

  /* Pieces of the interface ----------------------------------------------------------------- */

  /** Screen (CSS) pixels per full-resolution image pixel, as currently drawn. */
  function imageZoom(viewer) {
    return viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom(true));
  }

  function buildScaleBar(viewer, slide) {
    var box;
    if (!slide.mpp) {
      box = el("div", { class: "viewer-scale viewer-scale--none" }, [
        "no scale: this slide has no pixel size",
      ]);
      return { element: box, update: function () {} };
    }
    var bar = el("div", { class: "viewer-scale__bar" });
    var label = el("span", { class: "viewer-scale__label" });
    box = el("div", { class: "viewer-scale", "aria-hidden": "true" }, [bar, label]);
    var shown = null;
    return {
      element: box,
      update: function () {
        var zoom = imageZoom(viewer);
        if (!(zoom > 0)) return;
        var micrometresPerPx = slide.mpp / zoom;
        var length = roundLength(micrometresPerPx * SCALE_BAR_MAX_PX);
        var pixels = length / micrometresPerPx;
        var key = length + ":" + pixels.toFixed(1);
        if (key === shown) return;
        shown = key;
        bar.style.width = pixels.toFixed(1) + "px";
        label.textContent = formatLength(length);
      },
    };
  }

  function buildMagnification(viewer, slide, index) {
    var readout = el("span", { class: "viewer-readout", title: "Current magnification" });
    var group = el("div", { class: "viewer-group viewer-group--magnification", role: "group", "aria-label": "Magnification" }, [
      readout,
    ]);
    var buttons = [];

    if (!slide.objectivePower) {
      var note = el("span", {
        class: "viewer-note",
        id: "viewer-mag-note-" + index,
        text: "Magnification unknown: no objective power recorded",
      });
      MAGNIFICATIONS.forEach(function (magnification) {
        var button = el("button", {
          type: "button",
          class: "viewer-button viewer-button--text",
          disabled: true,
          "aria-describedby": note.id,
          text: formatMagnification(magnification),
        });
        group.appendChild(button);
      });
      group.appendChild(note);
    } else {
      MAGNIFICATIONS.forEach(function (magnification) {
        if (magnification > slide.maxPixelRatio * slide.objectivePower) return;
        var button = el("button", {
          type: "button",
          class: "viewer-button viewer-button--text",
          "aria-pressed": "false",
          "aria-label": "Zoom to " + formatMagnification(magnification),
          text: formatMagnification(magnification),
        });
        button.addEventListener("click", function () {
          var target = viewer.viewport.imageToViewportZoom(magnification / slide.objectivePower);
          viewer.viewport.zoomTo(target, null, still());
          viewer.viewport.applyConstraints(still());
        });
        buttons.push({ button: button, magnification: magnification });
        group.appendChild(button);
      });
    }

    var shown = null;
    return {
      element: group,
      update: function () {
        var zoom = imageZoom(viewer);
        if (!(zoom > 0)) return;
        var text = slide.objectivePower
          ? formatMagnification(zoom * slide.objectivePower)
          : trimZeros((zoom * 100).toFixed(zoom < 0.1 ? 1 : 0)) + "% of full size";
        if (text === shown) return;
        shown = text;
        readout.textContent = text;
        if (!slide.objectivePower) return;
        var current = zoom * slide.objectivePower;
        buttons.forEach(function (entry) {
          var near = Math.abs(current - entry.magnification) / entry.magnification < 0.02;
          entry.button.setAttribute("aria-pressed", near ? "true" : "false");
        });
      },
    };
  }

  function buildHelp(viewer, index) {
    var id = "viewer-help-" + index;
    var toggle = el("button", {
      type: "button",
      class: "viewer-button",
      "aria-label": "Keyboard, mouse and touch help",
      title: "Keyboard, mouse and touch help",
      "aria-expanded": "false",
      "aria-controls": id,
    }, [icon("help")]);
    var rows = [
      ["W A S D, or arrow keys", "pan"],
      ["+ or =, Shift+W", "zoom in"],
      ["−, Shift+S", "zoom out"],
      ["0", "whole slide"],
      ["R / Shift+R", "rotate 90° clockwise / anticlockwise"],
      ["F", "mirror the image"],
      ["Contrast button", "high-contrast overlays: wider lines and halos (remembered)"],
      ["Mouse wheel or pinch", "zoom"],
      ["Drag", "pan"],
      ["Double-click or double-tap", "zoom in"],
    ];
    var drawing = [
      ["Arrow keys (Shift: bigger steps)", "move the crosshair"],
      ["Enter or Space", "place a point, a corner or a ruler end there"],
      ["Backspace", "remove the last"],
      ["C", "close an outline"],
      ["Escape", "cancel, then turn the tool off"],
      ["Click or tap", "place at the pointer; drag to pan"],
    ];
    function keyList(entries) {
      var list = el("dl", { class: "viewer-help__keys" });
      entries.forEach(function (row) {
        list.appendChild(el("dt", { text: row[0] }));
        list.appendChild(el("dd", { text: row[1] }));
      });
      return list;
    }
    var panel = el("div", { class: "viewer-help", id: id, hidden: true }, [
      el("h2", { class: "viewer-help__title", text: "Moving around the slide" }),
      el("p", { class: "viewer-help__intro", text: "Click or tap the image (or Tab to it) first, then:" }),
      keyList(rows),
      el("h2", { class: "viewer-help__title", text: "Drawing and answering" }),
      el("p", { class: "viewer-help__intro", text: "With a drawing tool on, the focused slide shows a crosshair:" }),
      keyList(drawing),
      el("p", { class: "viewer-help__intro", text: "The overview in the corner shows where you are; drag in it to move." }),
    ]);

    function setOpen(open) {
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      setOpen(panel.hidden);
    });
    document.addEventListener("click", function (event) {
      if (!panel.hidden && !panel.contains(event.target) && !toggle.contains(event.target)) setOpen(false);
    });
    viewer.element.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) {
        setOpen(false);
        toggle.focus();
        event.preventDefault(); // handled: the Tools menu stays as it is
      }
    });
    return { toggle: toggle, panel: panel };
  }

  /**
   * The high-contrast overlay toggle (overlay-styles.js keeps the setting for every viewer on the
   * page and in this browser); the change is announced in `status`.
   */
  function buildContrastToggle(status) {
    var Styles = window.PortalOverlayStyles;
    if (!Styles) return null;
    var label = "High-contrast overlays";
    var button = el("button", { type: "button", class: "viewer-button", "aria-label": label, title: label,
      "aria-pressed": "false", "data-overlay-contrast-toggle": true }, [icon("contrast")]);
    function show(mode) {
      button.setAttribute("aria-pressed", mode === "high-contrast" ? "true" : "false");
    }
    show(Styles.current());
    button.addEventListener("click", function () {
      var mode = Styles.choose(Styles.current() === "high-contrast" ? "standard" : "high-contrast");
      status.textContent = mode === "high-contrast"
        ? "High-contrast overlays on: wider lines and halos."
        : "High-contrast overlays off.";
    });
    document.addEventListener(Styles.CHANGED, function (event) {
      show(event.detail.mode);
    });
    return button;
  }

  /**
   * On a narrow viewer (a phone, or 200% zoom) the toolbars would cover most of the slide, so
   * they fold behind one "Tools" disclosure button (portal.css shows it only below 36rem of
   * viewer width). The viewer element carries the state as `slide-viewer--tools-open`; the
   * answer tools' strip (slide-kit.js) folds with the toolbar.
   */
  function buildMenuButton(viewer, toolbarId) {
    var button = el("button", {
      type: "button",
      class: "viewer-button viewer-button--text viewer-menu-button",
      "aria-expanded": "false",
      "aria-controls": toolbarId,
      "data-viewer-menu": true,
    }, [icon("menu"), el("span", { text: "Tools" })]);
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      viewer.element.classList.toggle("slide-viewer--tools-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape from inside the open menu folds it and goes back to its button.
    viewer.element.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (button.getAttribute("aria-expanded") !== "true" || !button.offsetParent) return;
      if (!event.target.closest || !event.target.closest(".viewer-toolbar, .slide-toolstrip")) return;
      setOpen(false);
      button.focus();
    });
    return button;
  }

  function buildToolbar(viewer, slide, magnification, index) {
    var viewport = viewer.viewport;
    var fullScreen = iconButton("fullScreen", "Full screen", function () {
      viewer.setFullScreen(!viewer.isFullPage());
    });
    fullScreen.setAttribute("aria-pressed", "false");
    viewer.addHandler("full-page", function (event) {
      var on = event.fullPage;
      fullScreen.setAttribute("aria-pressed", on ? "true" : "false");
      fullScreen.setAttribute("aria-label", on ? "Leave full screen" : "Full screen");
      fullScreen.title = on ? "Leave full screen (Esc)" : "Full screen";
      fullScreen.replaceChildren(icon(on ? "exitFullScreen" : "fullScreen"));
    });
    // Without the Fullscreen API (e.g. iPhone) OpenSeadragon falls back to filling the page;
    // let Escape leave that mode too.
    viewer.element.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && viewer.isFullPage() && !document.fullscreenElement) {
        viewer.setFullPage(false);
      }
    });

    var help = buildHelp(viewer, index);
    var status = el("p", { class: "visually-hidden", role: "status", "data-viewer-status": true });
    var contrast = buildContrastToggle(status);
    var toolbarId = "viewer-toolbar-" + index;
    var toolbar = el("div", { class: "viewer-toolbar", id: toolbarId, role: "toolbar", "aria-label": "Viewer controls" }, [
      el("div", { class: "viewer-group", role: "group", "aria-label": "Zoom" }, [
        iconButton("zoomOut", "Zoom out", function () {
          viewport.zoomBy(1 / viewer.zoomPerClick, null, still());
          viewport.applyConstraints(still());
        }),
        iconButton("zoomIn", "Zoom in", function () {
          viewport.zoomBy(viewer.zoomPerClick, null, still());
          viewport.applyConstraints(still());
        }),
        iconButton("home", "Show the whole slide", function () {
          viewport.goHome(still());
        }),
      ]),
      magnification.element,
      el("div", { class: "viewer-group", role: "group", "aria-label": "Rotate and view" }, [
        iconButton("rotateLeft", "Rotate 90° anticlockwise", function () {
          viewport.rotateBy(-90, null, still());
        }),
        iconButton("rotateRight", "Rotate 90° clockwise", function () {
          viewport.rotateBy(90, null, still());
        }),
        fullScreen,
        contrast,
        help.toggle,
      ].filter(Boolean)),
    ]);
    var menu = buildMenuButton(viewer, toolbarId);
    return el("div", { class: "viewer-toolbar-wrap" }, [menu, toolbar, help.panel, status]);
  }

  window.PortalViewerControls = {
    el: el,
    icon: icon,
    iconButton: iconButton,
    buildScaleBar: buildScaleBar,
    buildMagnification: buildMagnification,
    buildToolbar: buildToolbar,
    formatMagnification: formatMagnification,
    roundLength: roundLength,
    MAGNIFICATIONS: MAGNIFICATIONS,
  };
})();
