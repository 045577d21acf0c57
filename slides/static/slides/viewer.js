/*
 * The slide viewer island.
 *
 * Every element with a `data-slide-viewer` attribute becomes an OpenSeadragon viewer, configured
 * from its data attributes (all written by slides/_viewer.html):
 *   data-dzi-url            Deep Zoom descriptor; tiles live in "<name>_files/" next to it
 *   data-renew-url          where a fresh tile token comes from (tile-renewal.js)
 *   data-width/-height      full-resolution size in pixels
 *   data-mpp                micrometres per pixel at full resolution ("" when unknown)
 *   data-objective-power    magnification of full resolution, e.g. 40 ("" when unknown)
 *   data-title              the slide's title, for labels
 *   data-osd-images         URL prefix of OpenSeadragon's images folder
 *
 * Magnification follows the microscope convention used by slide viewers: at M× one
 * full-resolution pixel covers M / objective_power CSS pixels. devicePixelRatio is ignored on
 * purpose, so "40×" looks the same size on a laptop and on a tablet with a dense screen.
 *
 * API for later features (annotations):
 *   PortalViewer.create(element) -> OpenSeadragon.Viewer (idempotent)
 *   window.portalViewers         -> every viewer created on the page
 *   element "portal-viewer:ready" event, detail {viewer, slide}; viewer.portalSlide holds
 *   {width, height, mpp, objectivePower, title}.
 */
(function () {
  "use strict";

  var MAGNIFICATIONS = [1.25, 2.5, 5, 10, 20, 40];
  // OpenSeadragon's maxZoomPixelRatio: how far past full resolution the viewer may zoom, unless
  // the page gives the slide's own limit (data-max-pixel-ratio, from slides/zoom.py).
  var MAX_PIXEL_RATIO = 2;
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
    help: "M7.5 7.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5v.7M10 14.5v.5",
  };

  var viewers = (window.portalViewers = window.portalViewers || []);

  function positiveNumber(value) {
    if (value === undefined || value === null || String(value).trim() === "") return null;
    var number = parseFloat(value);
    return isFinite(number) && number > 0 ? number : null;
  }

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

  /**
   * OpenSeadragon lets the home (whole slide) view override maxZoomPixelRatio, so a slide
   * smaller than the viewer would open far past its limit: cap home and the maximum together.
   */
  function capHomeZoom(viewer, slide, goHome) {
    var viewport = viewer.viewport;
    viewport.defaultZoomLevel = 0;
    viewport.maxZoomLevel = 0;
    var limit = viewport.imageToViewportZoom(slide.maxPixelRatio);
    if (viewport.getHomeZoom() <= limit) return;
    viewport.defaultZoomLevel = limit;
    viewport.maxZoomLevel = limit;
    if (goHome) viewport.goHome(true);
    else viewport.applyConstraints(true);
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

  function buildMagnification(viewer, slide) {
    var readout = el("span", { class: "viewer-readout", title: "Current magnification" });
    var group = el("div", { class: "viewer-group viewer-group--magnification", role: "group", "aria-label": "Magnification" }, [
      readout,
    ]);
    var buttons = [];

    if (!slide.objectivePower) {
      var note = el("span", {
        class: "viewer-note",
        id: "viewer-mag-note-" + viewers.length,
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
          viewer.viewport.zoomTo(target);
          viewer.viewport.applyConstraints();
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

  function buildHelp(viewer) {
    var id = "viewer-help-" + viewers.length;
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
      }
    });
    return { toggle: toggle, panel: panel };
  }

  function buildToolbar(viewer, slide, magnification) {
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

    var help = buildHelp(viewer);
    var toolbar = el("div", { class: "viewer-toolbar", role: "toolbar", "aria-label": "Viewer controls" }, [
      el("div", { class: "viewer-group", role: "group", "aria-label": "Zoom" }, [
        iconButton("zoomOut", "Zoom out", function () {
          viewport.zoomBy(1 / viewer.zoomPerClick);
          viewport.applyConstraints();
        }),
        iconButton("zoomIn", "Zoom in", function () {
          viewport.zoomBy(viewer.zoomPerClick);
          viewport.applyConstraints();
        }),
        iconButton("home", "Show the whole slide", function () {
          viewport.goHome();
        }),
      ]),
      magnification.element,
      el("div", { class: "viewer-group", role: "group", "aria-label": "Rotate and view" }, [
        iconButton("rotateLeft", "Rotate 90° anticlockwise", function () {
          viewport.rotateBy(-90);
        }),
        iconButton("rotateRight", "Rotate 90° clockwise", function () {
          viewport.rotateBy(90);
        }),
        fullScreen,
        help.toggle,
      ]),
    ]);
    return el("div", { class: "viewer-toolbar-wrap" }, [toolbar, help.panel]);
  }

  function showMessage(element, text, isError) {
    var message = element.querySelector("[data-viewer-message]");
    if (!message) {
      message = el("p", { class: "slide-viewer__message", "data-viewer-message": true });
      element.appendChild(message);
    }
    message.textContent = text;
    message.classList.toggle("slide-viewer__message--error", Boolean(isError));
    message.hidden = !text;
  }

  /* The viewer ------------------------------------------------------------------------------ */

  function create(element) {
    if (element.portalViewer) return element.portalViewer;
    if (!window.OpenSeadragon) {
      showMessage(element, "The viewer could not start: its library did not load.", true);
      return null;
    }

    var slide = {
      dziUrl: element.dataset.dziUrl,
      width: positiveNumber(element.dataset.width),
      height: positiveNumber(element.dataset.height),
      mpp: positiveNumber(element.dataset.mpp),
      objectivePower: positiveNumber(element.dataset.objectivePower),
      title: element.dataset.title || "slide",
      maxPixelRatio: positiveNumber(element.dataset.maxPixelRatio) || MAX_PIXEL_RATIO,
    };

    var viewer = window.OpenSeadragon({
      element: element,
      tileSources: slide.dziUrl,
      prefixUrl: element.dataset.osdImages || window.PORTAL_OSD_IMAGES || "",
      // The canvas drawer raises "tile-drawn" (the WebGL drawer does not), which tests and the
      // page use to know the slide is on screen; it is also what OpenSeadragon picks on iPads.
      drawer: "canvas",
      crossOriginPolicy: false,
      showNavigator: true,
      navigatorPosition: "TOP_RIGHT",
      navigatorAutoFade: false,
      navigatorBackground: "#ffffff",
      navigatorOpacity: 1,
      navigatorBorderColor: "#9aa8b5",
      navigatorDisplayRegionColor: "#0a7ea4",
      // Our own toolbar replaces the image buttons so every control is a real, labelled button.
      showNavigationControl: false,
      autoHideControls: false,
      maxZoomPixelRatio: slide.maxPixelRatio,
      immediateRender: false,
      animationTime: 0.6,
      springStiffness: 8,
      visibilityRatio: 0.5,
      zoomPerClick: 2,
      zoomPerScroll: 1.25,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      gestureSettingsTouch: { pinchRotate: false, dblClickToZoom: true },
      keyboardNavEnabled: true,
    });
    viewer.portalSlide = slide;
    element.portalViewer = viewer;
    // Tokens live an hour at most: renew before the tiles stop (tile-renewal.js).
    if (window.PortalTileRenewal) window.PortalTileRenewal.attach(viewer, element);
    viewers.push(viewer);

    element.classList.add("slide-viewer--ready");
    viewer.canvas.setAttribute("role", "application");
    viewer.canvas.setAttribute("aria-roledescription", "slide image");
    viewer.canvas.setAttribute(
      "aria-label",
      "Slide: " + slide.title + ". Arrow keys pan, plus and minus zoom, 0 shows the whole slide, R rotates. " +
        "With a drawing tool on, arrow keys move a crosshair and Enter places."
    );

    // Space on the focused slide never scrolls the page (drawing tools use it to place).
    viewer.canvas.addEventListener("keydown", function (event) {
      if (event.key === " ") event.preventDefault();
    });

    var magnification = buildMagnification(viewer, slide);
    var scaleBar = buildScaleBar(viewer, slide);
    // addControl overwrites the position and padding of the element it is given, so each
    // control goes in a plain wrapper and keeps its own styling.
    viewer.addControl(el("div", {}, [buildToolbar(viewer, slide, magnification)]), {
      anchor: window.OpenSeadragon.ControlAnchor.TOP_LEFT,
      autoFade: false,
    });
    viewer.addControl(el("div", {}, [scaleBar.element]), {
      anchor: window.OpenSeadragon.ControlAnchor.BOTTOM_LEFT,
      autoFade: false,
    });

    function update() {
      if (!viewer.world.getItemCount()) return;
      magnification.update();
      scaleBar.update();
    }
    viewer.addHandler("open", function () {
      showMessage(element, "");
      capHomeZoom(viewer, slide, false);
      update();
    });
    viewer.addHandler("update-viewport", update);
    viewer.addHandler("resize", function () {
      capHomeZoom(viewer, slide, false);
      update();
    });
    viewer.addHandler("open-failed", function () {
      showMessage(
        element,
        "The slide image could not be loaded. Reload the page to try again.",
        true
      );
    });

    function onFirstTile() {
      element.dataset.tilesDrawn = "true";
      viewer.removeHandler("tile-drawn", onFirstTile);
    }
    viewer.addHandler("tile-drawn", onFirstTile);

    element.dispatchEvent(
      new CustomEvent("portal-viewer:ready", { bubbles: true, detail: { viewer: viewer, slide: slide } })
    );
    return viewer;
  }

  function createAll() {
    document.querySelectorAll("[data-slide-viewer]").forEach(function (element) {
      try {
        create(element);
      } catch (error) {
        showMessage(element, "The viewer could not start.", true);
        if (window.console) window.console.error(error);
      }
    });
  }

  window.PortalViewer = {
    create: create,
    viewers: viewers,
    magnifications: MAGNIFICATIONS.slice(),
    formatMagnification: formatMagnification,
    roundLength: roundLength,
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", createAll);
  } else {
    createAll();
  }
})();
