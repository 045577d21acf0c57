/*
 * Ruler and area measurements on a slide (never saved).
 *
 * Activated by `data-measure` on a [data-slide-viewer] element. Pixel size from data-mpp-x and
 * data-mpp-y when both are set, else data-mpp (µm per level-0 pixel).
 *
 *   [data-tool=ruler]  drag, or click/tap both ends: "123.4 µm" ("1.23 mm" from 1000 µm)
 *   [data-tool=area]   click/tap each corner; close by clicking the first corner, double-clicking
 *                      or pressing Enter: "456 µm²" or "0.123 mm²"
 *   [data-measure-clear] or Escape clears the measurements.
 *
 * element.dataset.lastMeasurement holds the last result as a number in µm or µm², and
 * element.dataset.lastMeasurementUnit says which ("um" | "um2"). Without a pixel size the tools
 * are disabled and say why.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Overlays = window.PortalOverlay;
  var Measurement = window.PortalMeasurement;
  if (!Kit || !Overlays || !Measurement) {
    if (window.console) window.console.error("measure.js needs measurement.js, slide-kit.js and slide-overlay.js first.");
    return;
  }
  var el = Kit.el;
  var svg = Kit.svg;
  var NO_PIXEL_SIZE = "This slide has no pixel size, so it cannot be measured.";
  var TICK = 7; // CSS px, half the length of the end ticks

  function Measurer(ctx) {
    var self = this;
    this.ctx = ctx;
    this.mpp = ctx.mpp;
    this.results = [];
    var group = ctx.toolGroup("measure", "Measure");
    if (!this.mpp) {
      var noteId = ctx.id + "-measure-note";
      [["ruler", "Measure a length"], ["area", "Measure an area"]].forEach(function (entry) {
        group.appendChild(Kit.iconButton(entry[0], entry[1] + " (unavailable)", {
          "data-tool": entry[0],
          disabled: true,
          "aria-describedby": noteId,
        }));
      });
      group.appendChild(el("span", { class: "viewer-note slide-measure-note", id: noteId, text: NO_PIXEL_SIZE }));
      ctx.element.dataset.measureDisabled = "true";
      return;
    }

    this.overlay = Overlays.of(ctx);
    this.layer = svg("g", { class: "measure-layer" });
    this.overlay.screen.appendChild(this.layer);
    this.overlay.onUpdate(function () {
      self.render();
    });
    this.draft = null; // {type, points, hover}

    this.register("ruler", "Measure a length: drag, or click both ends", function () {
      return Overlays.twoPointGesture(self.overlay, {
        preview: function (a, b) {
          self.draft = a ? { type: "length", points: [a, b] } : null;
          self.render();
        },
        done: function (a, b) {
          self.add({ type: "length", points: [a, b] });
        },
      });
    });
    this.register("area", "Measure an area: click each corner, then the first corner, double-click or Enter", function () {
      return Overlays.polygonGesture(self.overlay, {
        preview: function (points, hover) {
          self.draft = points ? { type: "area", points: points, hover: hover } : null;
          self.render();
        },
        done: function (points) {
          self.add({ type: "area", points: points });
        },
        needMore: function (count) {
          ctx.announce("An area needs at least 3 corners; it has " + count + ".");
        },
      });
    });
    var clear = Kit.iconButton("clear", "Clear measurements", { "data-measure-clear": true });
    clear.addEventListener("click", function () {
      self.clear();
    });
    group.appendChild(clear);
    ctx.onKey(function (event) {
      if (event.key === "Escape" && self.results.length) {
        self.clear();
        return true;
      }
      return false;
    });
  }

  Measurer.prototype.register = function (name, label, makeGesture) {
    var self = this;
    var ctx = this.ctx;
    var gesture = null;
    ctx.tools.register(name, {
      drawing: true,
      activate: function () {
        gesture = makeGesture();
        self.overlay.setInput(gesture);
      },
      deactivate: function () {
        if (gesture) gesture.cancel();
        gesture = null;
        self.overlay.setInput(null);
      },
      keydown: function (event) {
        if (!gesture) return false;
        if (event.key === "Escape") {
          if (gesture.busy()) gesture.cancel();
          else if (self.results.length) self.clear();
          else ctx.tools.activate(ctx.tools.fallback);
          return true;
        }
        // Enter and Backspace on a button of the tool strip belong to the button.
        if (event.target !== ctx.viewer.canvas) return false;
        if (event.key === "Enter" && gesture.finish) return gesture.finish() || true;
        if (event.key === "Backspace" && gesture.undo && gesture.busy()) {
          gesture.undo();
          return true;
        }
        return false;
      },
    });
    this.ctx.toolGroup("measure", "Measure").appendChild(ctx.tools.button(name, name, label));
  };

  Measurer.prototype.value = function (result) {
    if (result.type === "length") return Measurement.lengthUm(result.points[0], result.points[1], this.mpp.x, this.mpp.y);
    return Measurement.areaUm2(result.points, this.mpp.x, this.mpp.y);
  };

  Measurer.prototype.text = function (result) {
    var value = this.value(result);
    return result.type === "length" ? Measurement.formatLength(value) : Measurement.formatArea(value);
  };

  Measurer.prototype.add = function (result) {
    this.results.push(result);
    var value = this.value(result);
    var element = this.ctx.element;
    element.dataset.lastMeasurement = String(Math.round(value * 1000) / 1000);
    element.dataset.lastMeasurementUnit = result.type === "length" ? "um" : "um2";
    this.ctx.announce((result.type === "length" ? "Length " : "Area ") + this.text(result));
    this.render();
  };

  Measurer.prototype.clear = function () {
    this.results = [];
    this.draft = null;
    this.render();
    this.ctx.announce("Measurements cleared.");
  };

  /** Everything is redrawn in screen pixels on each frame: there are only ever a few. */
  Measurer.prototype.render = function () {
    var self = this;
    var overlay = this.overlay;
    var layer = this.layer;
    layer.replaceChildren();
    var all = this.results.slice();
    if (this.draft) all.push(this.draft);
    all.forEach(function (result) {
      var isDraft = result === self.draft;
      var points = result.points.map(function (p) {
        return overlay.toScreen(p);
      });
      var group = svg("g", { class: "measure" + (isDraft ? " measure--draft" : "") });
      var d;
      var anchor;
      if (result.type === "length") {
        var a = points[0];
        var b = points[1];
        var dx = b[0] - a[0];
        var dy = b[1] - a[1];
        var length = Math.sqrt(dx * dx + dy * dy) || 1;
        var nx = (-dy / length) * TICK;
        var ny = (dx / length) * TICK;
        d = "M" + a[0] + " " + a[1] + "L" + b[0] + " " + b[1] +
          "M" + (a[0] + nx) + " " + (a[1] + ny) + "L" + (a[0] - nx) + " " + (a[1] - ny) +
          "M" + (b[0] + nx) + " " + (b[1] + ny) + "L" + (b[0] - nx) + " " + (b[1] - ny);
        // Beside the middle of the line, on its upper side, far enough that the text clears it.
        var ux = -dy / length;
        var uy = dx / length;
        if (uy > 0 || (uy === 0 && ux > 0)) {
          ux = -ux;
          uy = -uy;
        }
        var halfWidth = self.text(result).length * 3.8;
        var clearance = 8 + Math.abs(ux) * halfWidth + Math.abs(uy) * 7;
        anchor = [(a[0] + b[0]) / 2 + ux * clearance, (a[1] + b[1]) / 2 + uy * clearance];
      } else {
        var outline = points.slice();
        if (isDraft && result.hover) outline.push(overlay.toScreen(result.hover));
        d = outline.map(function (p, i) {
          return (i ? "L" : "M") + p[0] + " " + p[1];
        }).join("") + (isDraft ? "" : "Z");
        var sx = 0;
        var sy = 0;
        points.forEach(function (p) {
          sx += p[0];
          sy += p[1];
        });
        anchor = [sx / points.length, sy / points.length];
      }
      group.appendChild(svg("path", { class: "measure__outer", d: d }));
      group.appendChild(svg("path", { class: "measure__halo", d: d }));
      group.appendChild(svg("path", { class: "measure__line" + (result.type === "area" ? " measure__line--area" : ""), d: d }));
      var showLabel = !isDraft || (result.type === "length" && self.overlay.screenDistance(result.points[0], result.points[1]) > 2) ||
        (result.type === "area" && result.points.length >= 3);
      if (showLabel) {
        var label = svg("text", {
          class: "measure__label",
          x: anchor[0].toFixed(1),
          y: anchor[1].toFixed(1),
          "text-anchor": "middle",
          "dominant-baseline": "middle",
          "data-measure-label": true,
        });
        label.textContent = self.text(result);
        group.appendChild(label);
      }
      layer.appendChild(group);
    });
  };

  Kit.onViewer("measure", function (element) {
    if (!element.hasAttribute("data-measure")) return;
    var ctx = Kit.context(element);
    ctx.measure = new Measurer(ctx);
  });
})();
