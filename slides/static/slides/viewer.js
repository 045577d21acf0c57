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
 * The toolbar and scale bar come from viewer-controls.js, the motion settings from
 * viewer-motion.js (both loaded first); this file creates the viewer and wires them to it.
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

  var Controls = window.PortalViewerControls;
  var el = Controls.el;
  // OpenSeadragon's maxZoomPixelRatio: how far past full resolution the viewer may zoom, unless
  // the page gives the slide's own limit (data-max-pixel-ratio, from slides/zoom.py).
  var MAX_PIXEL_RATIO = 2;

  var viewers = (window.portalViewers = window.portalViewers || []);

  function positiveNumber(value) {
    if (value === undefined || value === null || String(value).trim() === "") return null;
    var number = parseFloat(value);
    return isFinite(number) && number > 0 ? number : null;
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

    var motion = window.PortalViewerMotion ? window.PortalViewerMotion.options() : {};
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
      // Zoom and pan glide, or jump under prefers-reduced-motion (viewer-motion.js).
      animationTime: motion.animationTime,
      springStiffness: motion.springStiffness,
      blendTime: motion.blendTime,
      visibilityRatio: 0.5,
      zoomPerClick: 2,
      zoomPerScroll: 1.25,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      gestureSettingsTouch: { pinchRotate: false, dblClickToZoom: true },
      keyboardNavEnabled: true,
    });
    viewer.portalSlide = slide;
    element.portalViewer = viewer;
    if (window.PortalViewerMotion) window.PortalViewerMotion.attach(viewer);
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

    var index = viewers.length;
    var magnification = Controls.buildMagnification(viewer, slide, index);
    var scaleBar = Controls.buildScaleBar(viewer, slide);
    // addControl overwrites the position and padding of the element it is given, so each
    // control goes in a plain wrapper and keeps its own styling.
    viewer.addControl(el("div", {}, [Controls.buildToolbar(viewer, slide, magnification, index)]), {
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
    magnifications: Controls.MAGNIFICATIONS.slice(),
    formatMagnification: Controls.formatMagnification,
    roundLength: Controls.roundLength,
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", createAll);
  } else {
    createAll();
  }
})();
