/*
 * The keyboard crosshair's arithmetic: what a key does, where the crosshair goes, and the words
 * that say where something lies in the visible field. slide-overlay.js draws the crosshair and
 * routes keys; the drawing tools say what was placed.
 *
 * Positions here are screen pixels inside the viewer ([x, y] from its top-left corner); turning
 * them into image pixels is the overlay's job (through OpenSeadragon's viewport). Pure functions:
 * a plain script defines `window.PortalKeyboardCursor`; under Node it is a CommonJS module for
 * the tests in slides/static/slides/tests/.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.PortalKeyboardCursor = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var STEP = 10; // CSS px per arrow key press
  var BIG_STEP = 60; // with Shift held
  var MARGIN = 4; // the crosshair stays this far inside the view's edges

  var ARROWS = {
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
    ArrowUp: [0, -1],
    ArrowDown: [0, 1],
  };

  /**
   * What a key press means to a drawing tool, or null when it is not the crosshair's key (so
   * W A S D, + and − still pan and zoom). event: {key, shiftKey, ctrlKey, altKey, metaKey}.
   * Returns {action: "move", dx, dy} | {action: "place" | "undo" | "close"}.
   */
  function keyAction(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return null;
    var arrow = ARROWS[event.key];
    if (arrow) {
      var step = event.shiftKey ? BIG_STEP : STEP;
      return { action: "move", dx: arrow[0] * step, dy: arrow[1] * step };
    }
    if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") return { action: "place" };
    if (event.key === "Backspace" || event.key === "Delete") return { action: "undo" };
    if (event.key === "c" || event.key === "C") return { action: "close" };
    return null;
  }

  /** p kept inside a view of `size` {width, height}, MARGIN px from every edge. */
  function clamp(p, size) {
    var inside = function (value, length) {
      if (length <= 2 * MARGIN) return length / 2;
      return Math.min(Math.max(value, MARGIN), length - MARGIN);
    };
    return [inside(p[0], size.width), inside(p[1], size.height)];
  }

  /** The crosshair moved by (dx, dy), still inside the view. */
  function move(p, dx, dy, size) {
    return clamp([p[0] + dx, p[1] + dy], size);
  }

  /** The middle of the view: where the crosshair starts. */
  function centre(size) {
    return [size.width / 2, size.height / 2];
  }

  /** "40% across, 25% down the visible field" for a screen position in a view of `size`. */
  function where(p, size) {
    var percent = function (value, length) {
      if (!(length > 0)) return 0;
      return Math.round(Math.min(Math.max(value / length, 0), 1) * 100);
    };
    var across = percent(p[0], size.width);
    var down = percent(p[1], size.height);
    var outside = p[0] < 0 || p[1] < 0 || p[0] > size.width || p[1] > size.height;
    return across + "% across, " + down + "% down the visible field" + (outside ? " (out of view)" : "");
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  /** "3 points placed; the last at 40% across, 25% down the visible field." */
  function pointsPlaced(count, lastWhere) {
    if (!count) return "No points placed.";
    return plural(count, "point", "points") + " placed; the last at " + lastWhere + ".";
  }

  /** What an outline being drawn has so far, and how to go on. */
  function cornersSoFar(count, lastWhere) {
    if (!count) return "No corners yet: move the crosshair and press Enter for the first.";
    var text = "Outline: " + plural(count, "corner", "corners") + "; the last at " + lastWhere + ".";
    return text + (count >= 3 ? " Press C to close it." : " Move and press Enter for the next corner.");
  }

  /** One line of the list of placed items under a viewer, e.g. "Outline: 4 corners, 0.12 mm²". */
  function itemLabel(kind, index, detail) {
    var names = { point: "Point " + (index + 1), outline: "Outline", line: "Ruler" };
    var name = names[kind] || "Item " + (index + 1);
    return detail ? name + ": " + detail : name;
  }

  return {
    STEP: STEP,
    BIG_STEP: BIG_STEP,
    keyAction: keyAction,
    clamp: clamp,
    move: move,
    centre: centre,
    where: where,
    pointsPlaced: pointsPlaced,
    cornersSoFar: cornersSoFar,
    itemLabel: itemLabel,
  };
});
