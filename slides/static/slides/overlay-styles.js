/*
 * How every overlay on a slide is drawn: its colour, line width, dash pattern and the two halos
 * around it (the one source of truth: portal.css and assessment.css read the custom properties
 * this script sets on <html>; annotations.js asks it for each annotation's halos).
 *
 * Tissue runs from pale background to dark nuclei, so no single colour reaches 3:1 against all
 * of it (WCAG 2.2, 1.4.11). Every line therefore has a double halo: an inner band in black or
 * white (whichever stands out more from the line's colour) and an outer band in the other, each
 * `ring` CSS px wide on both sides. Against any tissue colour one of black and white reaches at
 * least 4.58:1, and the bands touch each other and the line. The high-contrast setting widens
 * lines and bands. slides/static/slides/tests/overlay-styles.test.js measures every style against
 * the demo's H&E and IHC palettes (fixtures/tissue-palettes.json).
 *
 * Information is never in colour alone: the reference is dashed, the trainee's answer solid,
 * pinned comments are pins, and the legends under the viewers name each.
 *
 * A plain script defines `window.PortalOverlayStyles` and applies the remembered setting at once;
 * under Node it is a CommonJS module for the tests.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else {
    root.PortalOverlayStyles = api;
    api.start(root);
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var DARK = "#000000";
  var LIGHT = "#ffffff";
  var STORAGE_KEY = "portal:overlay-contrast";
  var CHANGED = "portal-overlay-contrast";

  /** Line width and halo band width (CSS px) in each setting. */
  var MODES = {
    standard: { width: 2.5, ring: 1.5 },
    "high-contrast": { width: 4, ring: 2.5 },
  };

  /**
   * The named overlays of the assessment and slide tools. `dash` is the SVG dash array ("none" =
   * solid); `label` is what the legend calls it (colour is never the only difference).
   */
  var STYLES = {
    answer: { colour: "#1570ef", dash: "none", label: "answer: solid blue line" },
    reference: { colour: "#f08c00", dash: "8 5", label: "reference: dashed orange line" },
    comment: { colour: "#1b2631", dash: "none", label: "comment: a pin" },
    draft: { colour: "#ffe14d", dash: "6 4", label: "being drawn: dashed yellow line" },
    measure: { colour: "#ffe14d", dash: "none", label: "ruler: yellow line with end ticks" },
    crosshair: { colour: "#111111", dash: "none", label: "keyboard crosshair" },
    cluster: { colour: "#d6336c", dash: "none", label: "answer map cluster: numbered ring" },
  };

  /** The colours an educator picks for a teaching annotation (annotation-editor-form.js). */
  var ANNOTATION_COLOURS = [
    ["#1f77b4", "Blue"],
    ["#d62728", "Red"],
    ["#2ca02c", "Green"],
    ["#ff7f0e", "Orange"],
    ["#9467bd", "Purple"],
    ["#17becf", "Cyan"],
    ["#ffd700", "Yellow"],
    ["#111111", "Black"],
  ];

  /* WCAG 2.2 contrast ----------------------------------------------------------------------- */

  function parseColour(text) {
    var hex = String(text).trim().replace(/^#/, "");
    if (hex.length === 3) hex = hex.replace(/./g, "$&$&");
    if (!/^[0-9a-fA-F]{6}$/.test(hex)) return null;
    return [0, 2, 4].map(function (i) {
      return parseInt(hex.slice(i, i + 2), 16);
    });
  }

  function luminance(colour) {
    var rgb = parseColour(colour);
    if (!rgb) throw new Error("not a #rrggbb colour: " + colour);
    var linear = rgb.map(function (value) {
      var c = value / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  /* Styles ---------------------------------------------------------------------------------- */

  /** [inner, outer] halo colours for a line of `colour`: the inner one stands out from it. */
  function haloColours(colour) {
    if (!parseColour(colour)) colour = STYLES.answer.colour;
    return contrast(colour, DARK) >= contrast(colour, LIGHT) ? [DARK, LIGHT] : [LIGHT, DARK];
  }

  function modeName(mode) {
    return MODES[mode] ? mode : "standard";
  }

  /**
   * The drawn layers of a line of `colour` in `mode`, innermost first: the line, then each halo.
   * Widths are total stroke widths in CSS px (each band shows `ring` px either side).
   */
  function layers(colour, mode) {
    var size = MODES[modeName(mode)];
    var halos = haloColours(colour);
    return [
      { role: "line", colour: colour, width: size.width },
      { role: "halo", colour: halos[0], width: size.width + 2 * size.ring },
      { role: "outer", colour: halos[1], width: size.width + 4 * size.ring },
    ];
  }

  /** A named style (STYLES) resolved for `mode`: {colour, dash, label, layers}. */
  function resolve(name, mode) {
    var style = STYLES[name];
    return { colour: style.colour, dash: style.dash, label: style.label, layers: layers(style.colour, mode) };
  }

  /** The custom properties that the style sheets read, for `mode`. */
  function cssVariables(mode) {
    var size = MODES[modeName(mode)];
    var variables = {
      "--overlay-width": size.width + "px",
      "--overlay-halo-width": size.width + 2 * size.ring + "px",
      "--overlay-outer-width": size.width + 4 * size.ring + "px",
      "--overlay-ring": size.ring + "px",
    };
    Object.keys(STYLES).forEach(function (name) {
      var style = resolve(name, mode);
      variables["--overlay-" + name] = style.colour;
      variables["--overlay-" + name + "-halo"] = style.layers[1].colour;
      variables["--overlay-" + name + "-outer"] = style.layers[2].colour;
      variables["--overlay-" + name + "-dash"] = style.dash;
    });
    return variables;
  }

  /* The setting ----------------------------------------------------------------------------- */

  var win = null;

  function storedMode() {
    try {
      var stored = win.localStorage.getItem(STORAGE_KEY);
      if (MODES[stored]) return stored;
    } catch (error) {
      // storage refused (private mode): fall through to the system preference
    }
    var prefersMore = win.matchMedia && win.matchMedia("(prefers-contrast: more)").matches;
    return prefersMore ? "high-contrast" : "standard";
  }

  function apply(mode) {
    mode = modeName(mode);
    var html = win.document.documentElement;
    var variables = cssVariables(mode);
    Object.keys(variables).forEach(function (name) {
      html.style.setProperty(name, variables[name]);
    });
    html.setAttribute("data-overlay-contrast", mode);
    return mode;
  }

  /** The current setting ("standard" or "high-contrast"). */
  function current() {
    return win ? win.document.documentElement.getAttribute("data-overlay-contrast") || "standard" : "standard";
  }

  /** Choose a setting: applied at once, remembered in this browser, told to every toggle. */
  function choose(mode) {
    mode = apply(mode);
    try {
      win.localStorage.setItem(STORAGE_KEY, mode);
    } catch (error) {
      // not remembered, still applied
    }
    win.document.dispatchEvent(new win.CustomEvent(CHANGED, { detail: { mode: mode } }));
    return mode;
  }

  function start(root) {
    if (!root || !root.document) return;
    win = root;
    apply(storedMode());
  }

  return {
    DARK: DARK,
    LIGHT: LIGHT,
    MODES: MODES,
    STYLES: STYLES,
    ANNOTATION_COLOURS: ANNOTATION_COLOURS,
    CHANGED: CHANGED,
    STORAGE_KEY: STORAGE_KEY,
    contrast: contrast,
    luminance: luminance,
    haloColours: haloColours,
    layers: layers,
    resolve: resolve,
    cssVariables: cssVariables,
    current: current,
    choose: choose,
    start: start,
  };
});
