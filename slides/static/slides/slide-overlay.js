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
    this.bindKeyboard();
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
    if (this.cursor) this.moveCursor(0, 0);
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
    if (!this.input) this.hideCursor();
    else if (document.activeElement === this.viewer.canvas && this.viewer.canvas.matches(":focus-visible")) this.showCursor();
  };

  /** Where an image position lies in the visible field, in words ("40% across, 25% down …"). */
  Overlay.prototype.where = function (p) {
    var size = this.viewer.viewport.getContainerSize();
    return window.PortalKeyboardCursor.where(this.toScreen(p), { width: size.x, height: size.y });
  };

  /* The keyboard crosshair ---------------------------------------------------------------------- */

  /**
   * While a tool takes input and the slide has keyboard focus, a crosshair stands in for the
   * pointer: arrow keys move it (Shift: further), Enter or Space taps there, Backspace undoes
   * (input.undo), C closes (input.finish). The tool's gesture announces what it placed;
   * input.spoken() (optional) says what a drawing in progress has so far.
   */
  Overlay.prototype.bindKeyboard = function () {
    var self = this;
    var Cursor = window.PortalKeyboardCursor;
    var canvas = this.viewer.canvas;
    this.cursor = null;
    this.crosshair = Kit.svg("g", { class: "slide-crosshair" });
    var d = "M-16 0H-5M5 0H16M0-16V-5M0 5V16";
    this.crosshair.appendChild(Kit.svg("path", { class: "slide-crosshair__outer", d: d }));
    this.crosshair.appendChild(Kit.svg("path", { class: "slide-crosshair__halo", d: d }));
    this.crosshair.appendChild(Kit.svg("path", { class: "slide-crosshair__line", d: d }));
    this.crosshair.appendChild(Kit.svg("circle", { class: "slide-crosshair__centre", r: 1.5 }));
    this.crosshair.style.display = "none";
    this.root.appendChild(this.crosshair);
    if (!Cursor) return;

    canvas.addEventListener("focus", function () {
      if (self.input && canvas.matches(":focus-visible")) self.showCursor();
    });
    canvas.addEventListener("blur", function () {
      self.hideCursor();
    });
    // Capturing, on the viewer element: before OpenSeadragon's own keys on the canvas, which
    // skip a key whose default is prevented.
    this.viewer.element.addEventListener("keydown", function (event) {
      if (event.target !== canvas) return;
      if (event.key === " ") event.preventDefault(); // Space on the slide never scrolls the page
      var input = self.input;
      var key = input && Cursor.keyAction(event);
      if (!key) return;
      var busy = Boolean(input.busy && input.busy());
      // A pointer user drawing an outline still closes it with Enter and undoes with Backspace.
      if (!self.cursor && key.action !== "move" && busy) return;
      event.preventDefault();
      if (!self.cursor) {
        self.showCursor();
        if (key.action !== "move") {
          self.ctx.announce("Crosshair in the middle of the view: arrow keys move it, Enter places.");
          return;
        }
      }
      if (key.action === "move") self.moveCursor(key.dx, key.dy);
      else if (key.action === "place") self.keyboardTap(input);
      else if (key.action === "undo") {
        // Points (no busy()) drop the last point; drawings in progress their last corner or end.
        if (input.undo && (busy || !input.busy)) input.undo();
        else if (busy && input.cancel) input.cancel();
        else self.ctx.announce("Nothing to remove.");
        if (self.input === input && input.spoken) self.ctx.announce(input.spoken());
      } else if (key.action === "close") {
        if (input.finish) input.finish();
        else self.ctx.announce("There is no outline to close.");
      }
    }, true);
  };

  Overlay.prototype.keyboardTap = function (input) {
    var p = this.toImage(this.cursor);
    if (input.tap) input.tap(p);
    if (this.input === input && input.busy && input.busy() && input.spoken) this.ctx.announce(input.spoken());
  };

  Overlay.prototype.showCursor = function () {
    if (this.cursor) return;
    var size = this.viewer.viewport.getContainerSize();
    this.cursor = window.PortalKeyboardCursor.centre({ width: size.x, height: size.y });
    this.crosshair.style.display = "";
    this.ctx.element.setAttribute("data-crosshair", "shown");
    this.moveCursor(0, 0);
  };

  Overlay.prototype.hideCursor = function () {
    if (!this.crosshair) return;
    this.cursor = null;
    this.crosshair.style.display = "none";
    this.ctx.element.removeAttribute("data-crosshair");
  };

  /** Move the crosshair by (dx, dy) screen px, kept inside the view; drafts follow it. */
  Overlay.prototype.moveCursor = function (dx, dy) {
    if (!this.cursor) return;
    var size = this.viewer.viewport.getContainerSize();
    this.cursor = window.PortalKeyboardCursor.move(this.cursor, dx, dy, { width: size.x, height: size.y });
    this.crosshair.setAttribute("transform", "translate(" + this.cursor[0].toFixed(1) + " " + this.cursor[1].toFixed(1) + ")");
    if ((dx || dy) && this.input && this.input.hover) this.input.hover(this.toImage(this.cursor));
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
      spoken: function () {
        if (!start) return "No end set yet: move the crosshair to one end and press Enter.";
        return "One end set at " + overlay.where(start) + "; move to the other end and press Enter.";
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
      spoken: function () {
        var last = points.length ? overlay.where(points[points.length - 1]) : "";
        return window.PortalKeyboardCursor.cornersSoFar(points.length, last);
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
