/*
 * Lengths and areas on a slide in micrometres, and how to write them.
 *
 * Positions are level-0 pixels; `mppX`/`mppY` are micrometres per pixel along x and y (they may
 * differ). Pure functions: a plain script defines `window.PortalMeasurement`; under Node it is a
 * CommonJS module for the tests in slides/static/slides/tests/.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.PortalMeasurement = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /** Micrometres between pixel positions a and b: sqrt((dx·mppX)² + (dy·mppY)²). */
  function lengthUm(a, b, mppX, mppY) {
    var dx = (b[0] - a[0]) * mppX;
    var dy = (b[1] - a[1]) * mppY;
    return Math.sqrt(dx * dx + dy * dy);
  }

  /** Square micrometres inside a ring of pixel positions (shoelace; closing point optional). */
  function areaUm2(points, mppX, mppY) {
    var sum = 0;
    for (var i = 0, n = points.length; i < n; i++) {
      var a = points[i];
      var b = points[(i + 1) % n];
      sum += a[0] * b[1] - b[0] * a[1];
    }
    return (Math.abs(sum) / 2) * mppX * mppY;
  }

  function trimZeros(text) {
    return text.indexOf(".") === -1 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }

  /** "0.42 µm", "123.4 µm", "1.25 mm" (millimetres from 1000 µm). */
  function formatLength(micrometres) {
    if (micrometres >= 1000) return (micrometres / 1000).toFixed(micrometres >= 10000 ? 1 : 2) + " mm";
    if (micrometres >= 10) return micrometres.toFixed(1) + " µm";
    return micrometres.toFixed(2) + " µm";
  }

  /**
   * "456 µm²", "45.6 µm²" below 10 000 µm² (a 100 µm square); "0.0123 mm²", "0.123 mm²",
   * "12.3 mm²" (3 significant figures) from there up.
   */
  function formatArea(squareMicrometres) {
    if (squareMicrometres >= 10000) {
      var mm2 = squareMicrometres / 1e6;
      return (mm2 >= 100 ? mm2.toFixed(0) : trimZeros(mm2.toPrecision(3))) + " mm²";
    }
    if (squareMicrometres >= 100) return squareMicrometres.toFixed(0) + " µm²";
    if (squareMicrometres >= 1) return squareMicrometres.toFixed(1) + " µm²";
    return squareMicrometres.toFixed(2) + " µm²";
  }

  /**
   * Micrometres per pixel from an element's data attributes: data-mpp-x / data-mpp-y when both
   * are positive numbers, otherwise data-mpp for both axes; null when unknown.
   */
  function pixelSize(dataset) {
    function positive(value) {
      if (value === undefined || value === null || String(value).trim() === "") return null;
      var number = Number(value);
      return isFinite(number) && number > 0 ? number : null;
    }
    var x = positive(dataset.mppX);
    var y = positive(dataset.mppY);
    if (x && y) return { x: x, y: y };
    var both = positive(dataset.mpp);
    return both ? { x: both, y: both } : null;
  }

  return {
    lengthUm: lengthUm,
    areaUm2: areaUm2,
    formatLength: formatLength,
    formatArea: formatArea,
    pixelSize: pixelSize,
  };
});
