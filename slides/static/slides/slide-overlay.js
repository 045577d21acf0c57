/*
 * An SVG layer over an OpenSeadragon viewer, drawn in level-0 image pixels, plus the pointer
 * gestures the drawing and measuring tools share.
 *
 *   var overlay = PortalOverlay.of(ctx)   one per viewer (ctx from PortalSlideKit.context)
 *   overlay.image    <g> whose children use image pixels; strokes stay 2 CSS px (non-scaling)
 *   overlay.screen   <g> in screen pixels, for markers, arrow heads, handles and labels
 *   overlay.onUpdate(fn)   called after every redraw of the viewport (move, zoom, rotate, flip)
 *   overlay.toScreen([x, y]) / overlay.toImage([sx, sy]) / overlay.clientToImage(event)
 *   overlay.setInput(handler|null)  route canvas gestures to a tool (see below)
 *   overlay.hit(clientX, clientY)   the nearest element under the pointer with data-hit-key
 *
 * The transform comes from OpenSeadragon's own image -> element mapping, so rotation, zoom and
 * the horizontal flip are followed exactly. OpenSeadragon's canvas events give positions that
 * are not flip-corrected, so gestures use the DOM event's client position and our inverse.
 *
 * A gesture handler is {drags: bool, tap(p), doubleTap(p), dragStart(p), dragMove(p),
 * dragEnd(p), hover(p)} (all optional; p in image pixels). With `drags` a one-finger/mouse drag
 * draws instead of panning; without it drags still pan and only taps reach the tool. Wheel and
 * pinch zoom always work.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var TAP_SLOP = 6; // CSS px a press may wander and still count as a tap
  var CLOSE_DISTANCE = 12; // CSS px from the first vertex that closes a polygon
  var DOUBLE_TAP_TIME = 400; // ms between the taps of a double tap
  var DOUBLE_TAP_DISTANCE = 20; // CSS px between them

  function Overlay(ctx) {
    var self = this;
    var viewer = ctx.viewer;
    this.ctx = ctx;
    this.viewer = viewer;
    this.matrix = [1, 0, 0, 1, 0, 0];
    this.listeners = [];
    this.input = null;
    this.root = Kit.svg("svg", { class: "slide-overlay", "aria-hidden": "true", focusable: "false" });
    this.image = Kit.svg("g", { class: "slide-overlay__image" });
    this.screen = Kit.svg("g", { class: "slide-overlay__screen" });
    this.root.appendChild(this.image);
    this.root.appendChild(this.screen);
    viewer.canvas.appendChild(this.root);

    var update = function () {
      self.update();
    };
    ["update-viewport", "viewport-change", "resize", "open", "rotate", "flip"].forEach(function (name) {
      viewer.addHandler(name, update);
    });
    this.bindGestures();
    ctx.whenOpen(update);
  }

  Overlay.prototype.update = function () {
    var viewer = this.viewer;
    var item = viewer.world.getItemAt(0);
    if (!item) return;
    var size = item.getContentSize();
    var vp = viewer.viewport;
    var OSD = window.OpenSeadragon;
    var origin = vp.imageToViewerElementCoordinates(new OSD.Point(0, 0));
    var alongX = vp.imageToViewerElementCoordinates(new OSD.Point(size.x, 0));
    var alongY = vp.imageToViewerElementCoordinates(new OSD.Point(0, size.y));
    var a = (alongX.x - origin.x) / size.x;
    var b = (alongX.y - origin.y) / size.x;
    var c = (alongY.x - origin.x) / size.y;
    var d = (alongY.y - origin.y) / size.y;
    var e = origin.x;
    var f = origin.y;
    if (vp.getFlip && vp.getFlip()) {
      // The drawer mirrors the finished picture about the container's vertical centre line.
      var width = vp.getContainerSize().x;
      a = -a;
      c = -c;
      e = width - e;
    }
    this.matrix = [a, b, c, d, e, f];
    this.image.setAttribute("transform", "matrix(" + this.matrix.join(" ") + ")");
    for (var i = 0; i < this.listeners.length; i++) this.listeners[i]();
  };

  Overlay.prototype.onUpdate = function (fn) {
    this.listeners.push(fn);
    if (this.viewer.world.getItemAt(0)) fn();
  };

  Overlay.prototype.toScreen = function (p) {
    var m = this.matrix;
    return [m[0] * p[0] + m[2] * p[1] + m[4], m[1] * p[0] + m[3] * p[1] + m[5]];
  };

  Overlay.prototype.toImage = function (s) {
    var m = this.matrix;
    var det = m[0] * m[3] - m[1] * m[2];
    var x = s[0] - m[4];
    var y = s[1] - m[5];
    return [(m[3] * x - m[2] * y) / det, (-m[1] * x + m[0] * y) / det];
  };

  /** Screen (CSS) pixels per image pixel. */
  Overlay.prototype.scale = function () {
    var m = this.matrix;
    return Math.sqrt(m[0] * m[0] + m[1] * m[1]);
  };

  Overlay.prototype.clientToScreen = function (clientX, clientY) {
    var rect = this.root.getBoundingClientRect();
    return [clientX - rect.left, clientY - rect.top];
  };

  Overlay.prototype.clientToImage = function (event) {
    return this.toImage(this.clientToScreen(event.clientX, event.clientY));
  };

  /** Screen distance between two image positions. */
  Overlay.prototype.screenDistance = function (p, q) {
    var a = this.toScreen(p);
    var b = this.toScreen(q);
    return Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]));
  };

  /** The `data-hit-key` of the shape under a client position (in this overlay), or null. */
  Overlay.prototype.hit = function (clientX, clientY) {
    if (!document.elementsFromPoint) return null;
    var elements = document.elementsFromPoint(clientX, clientY);
    for (var i = 0; i < elements.length; i++) {
      var node = elements[i];
      if (!this.root.contains(node)) continue;
      var keyed = node.closest ? node.closest("[data-hit-key]") : null;
      if (keyed) return keyed.getAttribute("data-hit-key");
    }
    return null;
  };

  Overlay.prototype.setInput = function (handler) {
    this.input = handler || null;
    this.press = null;
    this.lastTap = null;
  };

  Overlay.prototype.bindGestures = function () {
    var self = this;
    var viewer = this.viewer;

    function screenOf(event) {
      var original = event.originalEvent;
      if (original && typeof original.clientX === "number") return self.clientToScreen(original.clientX, original.clientY);
      return [event.position.x, event.position.y];
    }

    viewer.addHandler("canvas-press", function (event) {
      if (!self.input) return;
      self.press = { start: screenOf(event), moved: false, dragging: false };
    });
    viewer.addHandler("canvas-drag", function (event) {
      var input = self.input;
      if (!input) return;
      if (input.drags) event.preventDefaultAction = true;
      var press = self.press;
      if (!press) return;
      var here = screenOf(event);
      if (!press.moved && Math.hypot(here[0] - press.start[0], here[1] - press.start[1]) > TAP_SLOP) {
        press.moved = true;
      }
      if (!input.drags || !press.moved) return;
      if (!press.dragging) {
        press.dragging = true;
        if (input.dragStart) input.dragStart(self.toImage(press.start));
      }
      if (input.dragMove) input.dragMove(self.toImage(here));
    });
    viewer.addHandler("canvas-drag-end", function (event) {
      if (self.input && self.input.drags) event.preventDefaultAction = true; // no flick
    });
    viewer.addHandler("canvas-release", function (event) {
      var input = self.input;
      var press = self.press;
      self.press = null;
      if (!input || !press) return;
      var here = screenOf(event);
      if (press.dragging) {
        if (input.dragEnd) input.dragEnd(self.toImage(here));
      } else if (!press.moved) {
        // Double taps are recognised here rather than by OpenSeadragon, which pairs clicks by
        // count and so misses a double-click that follows quick single clicks.
        var now = Date.now();
        var last = self.lastTap;
        var double = last && now - last.time < DOUBLE_TAP_TIME &&
          Math.hypot(here[0] - last.at[0], here[1] - last.at[1]) < DOUBLE_TAP_DISTANCE;
        self.lastTap = double ? null : { time: now, at: here };
        if (input.tap) input.tap(self.toImage(here));
        if (double && input.doubleTap && self.input === input) input.doubleTap(self.toImage(here));
      }
    });
    viewer.addHandler("canvas-click", function (event) {
      if (self.input) event.preventDefaultAction = true;
    });
    viewer.addHandler("canvas-double-click", function (event) {
      if (!self.input) return;
      event.preventDefaultAction = true; // no zoom while drawing
    });
    viewer.canvas.addEventListener("pointermove", function (event) {
      if (self.input && self.input.hover) self.input.hover(self.clientToImage(event));
    });
  };

  /* Gestures shared by the tools --------------------------------------------------------------- */

  /**
   * Two positions by dragging from one to the other, or by two taps.
   * options: {preview(a, b|null), done(a, b), minScreenDistance}
   */
  function twoPointGesture(overlay, options) {
    var start = null;
    var min = options.minScreenDistance || 3;
    function finish(end) {
      var a = start;
      start = null;
      if (overlay.screenDistance(a, end) < min) {
        options.preview(null, null);
        if (options.tooSmall) options.tooSmall();
        return;
      }
      options.preview(null, null);
      options.done(a, end);
    }
    return {
      drags: true,
      tap: function (p) {
        if (!start) {
          start = p;
          options.preview(start, start);
        } else {
          finish(p);
        }
      },
      hover: function (p) {
        if (start) options.preview(start, p);
      },
      dragStart: function (p) {
        start = p;
      },
      dragMove: function (p) {
        if (start) options.preview(start, p);
      },
      dragEnd: function (p) {
        if (start) finish(p);
      },
      busy: function () {
        return Boolean(start);
      },
      cancel: function () {
        start = null;
        options.preview(null, null);
      },
    };
  }

  /**
   * A polygon by tapping its corners; closed by tapping the first corner again, double-tapping,
   * or finish() (Enter). Drags pan the view between taps.
   * options: {preview(points, hoverPoint|null), done(points)}; undo() drops the last corner.
   */
  function polygonGesture(overlay, options) {
    var points = [];
    var hovering = null;
    var closedAt = 0;
    function show() {
      options.preview(points.length ? points : null, hovering);
    }
    function finish() {
      if (points.length < 3) {
        if (options.needMore) options.needMore(points.length);
        return false;
      }
      var done = points;
      points = [];
      hovering = null;
      closedAt = Date.now();
      options.preview(null, null);
      options.done(done);
      return true;
    }
    return {
      drags: false,
      tap: function (p) {
        // The second tap of the double-tap that closed a polygon must not start a new one.
        if (Date.now() - closedAt < 400) return;
        if (points.length && overlay.screenDistance(points[points.length - 1], p) < TAP_SLOP) return;
        if (points.length >= 3 && overlay.screenDistance(points[0], p) < CLOSE_DISTANCE) {
          finish();
          return;
        }
        points.push(p);
        show();
      },
      doubleTap: function () {
        finish();
      },
      hover: function (p) {
        hovering = p;
        if (points.length) show();
      },
      finish: finish,
      undo: function () {
        points.pop();
        show();
      },
      busy: function () {
        return points.length > 0;
      },
      cancel: function () {
        points = [];
        hovering = null;
        options.preview(null, null);
      },
    };
  }

  /** A closed outline traced by dragging. options: {preview(points|null), done(points)} */
  function freehandGesture(overlay, options) {
    var points = null;
    return {
      drags: true,
      dragStart: function (p) {
        points = [p];
        options.preview(points);
      },
      dragMove: function (p) {
        if (!points) return;
        if (overlay.screenDistance(points[points.length - 1], p) >= 2) {
          points.push(p);
          options.preview(points);
        }
      },
      dragEnd: function (p) {
        if (!points) return;
        points.push(p);
        var done = points;
        points = null;
        options.preview(null);
        options.done(done);
      },
      tap: function () {
        if (options.hint) options.hint();
      },
      busy: function () {
        return Boolean(points);
      },
      cancel: function () {
        points = null;
        options.preview(null);
      },
    };
  }

  function of(ctx) {
    if (!ctx.overlay) ctx.overlay = new Overlay(ctx);
    return ctx.overlay;
  }

  window.PortalOverlay = {
    of: of,
    twoPointGesture: twoPointGesture,
    polygonGesture: polygonGesture,
    freehandGesture: freehandGesture,
    TAP_SLOP: TAP_SLOP,
  };
})();
