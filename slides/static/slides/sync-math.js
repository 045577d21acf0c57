/*
 * Keeping two slide views in step, in physical units.
 *
 * A view is {x, y, imageZoom, rotation}: the level-0 pixel at the centre of the screen, screen
 * (CSS) pixels per level-0 pixel, and degrees. A slide's `unit` = {x, y} converts its pixels to
 * the shared unit: micrometres per pixel when both slides know their pixel size, otherwise
 * 1 / image width (so positions are shares of the slide's width on both axes).
 *
 * At lock time `captureOffset` records where B's centre sits relative to A's (in shared units)
 * and how much more B is rotated; `follow` then places the follower so that the offset holds and
 * both show the same shared units per screen pixel (the same magnification when the units are µm).
 *
 * Pure functions: a plain script defines `window.PortalSyncMath`; under Node it is a CommonJS
 * module for the tests in slides/static/slides/tests/.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.PortalSyncMath = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /**
   * Units for two slides {width, mppX, mppY} (mpp null when unknown):
   * {physical: true, a: {x, y}, b: {x, y}} in µm per pixel, or the width-share fallback.
   */
  function units(slideA, slideB) {
    if (slideA.mppX && slideA.mppY && slideB.mppX && slideB.mppY) {
      return {
        physical: true,
        a: { x: slideA.mppX, y: slideA.mppY },
        b: { x: slideB.mppX, y: slideB.mppY },
      };
    }
    return {
      physical: false,
      a: { x: 1 / slideA.width, y: 1 / slideA.width },
      b: { x: 1 / slideB.width, y: 1 / slideB.width },
    };
  }

  /** A view in shared units: centre (ux, uy), units per screen pixel, rotation. */
  function toShared(view, unit) {
    return {
      ux: view.x * unit.x,
      uy: view.y * unit.y,
      perScreenPixel: unit.x / view.imageZoom,
      rotation: view.rotation,
    };
  }

  /** How B sits relative to A: {dx, dy} in shared units and {rotation} in degrees. */
  function captureOffset(viewA, unitA, viewB, unitB) {
    var a = toShared(viewA, unitA);
    var b = toShared(viewB, unitB);
    return { dx: b.ux - a.ux, dy: b.uy - a.uy, rotation: b.rotation - a.rotation };
  }

  /**
   * Where the follower must look when the leader shows `leaderView`. `leaderIsA` says which side
   * of the offset the leader is on (the offset is always B relative to A).
   */
  function follow(leaderView, leaderUnit, followerUnit, offset, leaderIsA) {
    var shared = toShared(leaderView, leaderUnit);
    var sign = leaderIsA ? 1 : -1;
    var ux = shared.ux + sign * offset.dx;
    var uy = shared.uy + sign * offset.dy;
    return {
      x: ux / followerUnit.x,
      y: uy / followerUnit.y,
      imageZoom: followerUnit.x / shared.perScreenPixel,
      rotation: shared.rotation + sign * offset.rotation,
    };
  }

  return { units: units, toShared: toShared, captureOffset: captureOffset, follow: follow };
});
