/*
 * Answers on the slide, and the attempt page.
 *
 * 1. window.PortalAnswers, shared with reference-editor.js and marking.js (load this first,
 *    after slides/slide-kit.js, slide-overlay.js, geojson-shapes.js and measurement.js):
 *      PortalAnswers.layer(ctx)        the viewer's answer layer: named sets of GeoJSON geometries
 *                                      (level-0 pixels) drawn over the slide, each shown or
 *                                      hidden on its own: layer.set(key, geometries, style),
 *                                      layer.setVisible(key, bool), layer.preview(...)
 *      PortalAnswers.addTool(ctx, name, options)   a drawing tool in the viewer's tool strip
 *      PortalAnswers.pointGesture / polygonGesture / lineGesture   the gestures behind them
 *      PortalAnswers.currentView(ctx) / goToView(ctx, view)   {center_x, center_y, view_width}
 *      PortalAnswers.readJson(id), canonical(value), lengthText(ctx, a, b), describe(...)
 *
 * 2. Every [data-slide-viewer][data-answer-type] (courses/_quiz_viewer.html) opens on its
 *    data-start-* view and draws the answer payload in the json_script named by
 *    data-answer-source (blue), the reference geometry named by data-reference-source (orange,
 *    dashed) and the examiner's pin at data-comment-x/-y. Checkboxes [data-layer-toggle=answer|
 *    reference|comment] in the same [data-answer-figure] show and hide those layers. With
 *    data-answer-mode="edit" the trainee draws the answer:
 *      point    [data-answer-tool=point] (on by default): click to place a numbered point,
 *               click a point to remove it
 *      outline  [data-answer-tool=outline] (on by default): click each corner; close on the
 *               first corner, by double-click or Enter; a new outline replaces the old one
 *      measure  [data-answer-tool=measure]: drag, or click both ends; shows the length in µm
 *      [data-answer-clear] removes the answer. element.portalAnswerEditor is the editor.
 *
 * 3. The attempt page, [data-attempt] with data-answers-url (the attempt's API URL):
 *    - countdown [data-attempt-timer] to data-deadline on the server's clock (data-server-now
 *      gives the offset); warns at 5 and 1 minutes; at 0 saves what it can and reloads (the
 *      server submits).
 *    - autosave: each section[data-question] PUTs {payload, version} to
 *      <answers-url>answers/<question>/ 600 ms after a change; unsent answers wait in
 *      localStorage ("portal-attempt:<attempt>:<question>") until the server has them, and are
 *      sent again after a reload. Failed saves retry with backoff. A 409 for a different answer
 *      stops that question ("changed in another tab"); a 403 {closed} reloads the page.
 *      section.dataset.savedVersion = the version after each successful save;
 *      section.dataset.saveState = saved | pending | saving | retrying | error | conflict | locked.
 *    - [data-check-answer] (feedback after each question) locks the answer and shows feedback.
 *    - submit: a confirmation dialog [data-submit-dialog], pending saves flushed first.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Overlays = window.PortalOverlay;
  var Measurement = window.PortalMeasurement;
  var hasSlideTools = Boolean(Kit && Shapes && Overlays && Measurement);
  var SVG_NS = "http://www.w3.org/2000/svg";
  var REMOVE_DISTANCE = 12; // CSS px: a click this close to a point removes it
  var ORDER = ["reference", "answer", "comment", "preview"];

  /* Small helpers ------------------------------------------------------------------------------ */

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
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
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function readJson(id) {
    var node = id && document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  /** JSON with object keys sorted, so equal payloads give equal strings. */
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (key) {
        return JSON.stringify(key) + ":" + canonical(value[key]);
      }).join(",") + "}";
    }
    return JSON.stringify(value === undefined ? null : value);
  }

  function isEmptyPayload(payload) {
    if (!payload || typeof payload !== "object") return true;
    return !Object.keys(payload).some(function (key) {
      var value = payload[key];
      if (value === null || value === undefined || value === "") return false;
      if (Array.isArray(value)) return value.length > 0;
      return true;
    });
  }

  function positive(value) {
    if (value === undefined || value === null || String(value).trim() === "") return null;
    var number = Number(value);
    return isFinite(number) && number > 0 ? number : null;
  }

  function finite(value) {
    if (value === undefined || value === null || String(value).trim() === "") return null;
    var number = Number(value);
    return isFinite(number) ? number : null;
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clockTime(date) {
    return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }

  /** Date.parse for Django's "c" format, whose microseconds some engines refuse. */
  function parseIso(text) {
    if (!text) return NaN;
    return Date.parse(String(text).replace(/(\.\d{3})\d+/, "$1"));
  }

  /* Geometry helpers ----------------------------------------------------------------------------- */

  /** The drawable parts of a geometry: GeometryCollections are opened up. */
  function parts(geometry) {
    if (!geometry || typeof geometry !== "object") return [];
    if (geometry.type === "GeometryCollection") {
      return [].concat.apply([], (geometry.geometries || []).map(parts));
    }
    return geometry.coordinates ? [geometry] : [];
  }

  /** The geometries of an answer payload of a point, outline or measure question. */
  function payloadGeometries(type, payload) {
    if (!payload) return [];
    if (type === "point") {
      var points = Array.isArray(payload.points) ? payload.points : [];
      return points.length ? [{ type: "MultiPoint", coordinates: points }] : [];
    }
    return parts(payload.geometry);
  }

  function lengthText(ctx, a, b) {
    if (ctx.mpp) return Measurement.formatLength(Measurement.lengthUm(a, b, ctx.mpp.x, ctx.mpp.y));
    var dx = b[0] - a[0];
    var dy = b[1] - a[1];
    return Math.round(Math.sqrt(dx * dx + dy * dy)) + " px";
  }

  function areaText(ctx, ring) {
    if (ctx.mpp) return Measurement.formatArea(Measurement.areaUm2(ring, ctx.mpp.x, ctx.mpp.y));
    return Math.round(Shapes.ringArea(ring)) + " px²";
  }

  /** One sentence about an answer, for the line under the viewer. */
  function describe(ctx, type, payload, whose) {
    var geometries = payloadGeometries(type, payload);
    whose = whose || "You";
    if (type === "point") {
      var count = geometries.length ? geometries[0].coordinates.length : 0;
      if (!count) return whose + " placed no points.";
      return whose + " placed " + count + (count === 1 ? " point." : " points.");
    }
    if (!geometries.length) return type === "outline" ? "No outline drawn." : "No line drawn.";
    var g = geometries[0];
    if (type === "measure" && g.type === "LineString") {
      var c = g.coordinates;
      return "Line: " + lengthText(ctx, c[0], c[c.length - 1]) + ".";
    }
    if (g.type === "Polygon") {
      return "Outline drawn: " + (g.coordinates[0].length - 1) + " corners, " + areaText(ctx, g.coordinates[0]) + ".";
    }
    return "Outline drawn.";
  }

  /* The answer layer ----------------------------------------------------------------------------- */

  /**
   * Named sets of geometries over the slide. Lines and areas live in the overlay's image group
   * (they follow zoom and rotation for free); point markers and labels are placed in screen
   * pixels after every redraw, so they keep their size.
   * style: {marker: "dot" | "ring" | "pin" | "vertex" for points, numbered (1, 2, … beside
   * them), lengths (a label on each line), ends (dots on the ends of lines)}
   */
  function Layer(ctx) {
    var self = this;
    this.ctx = ctx;
    this.overlay = Overlays.of(ctx);
    this.sets = {};
    this.imageRoot = svg("g", { class: "quiz-layer" });
    this.screenRoot = svg("g", { class: "quiz-layer quiz-layer--screen" });
    this.overlay.image.appendChild(this.imageRoot);
    this.overlay.screen.appendChild(this.screenRoot);
    this.overlay.onUpdate(function () {
      self.place();
    });
  }

  Layer.prototype.group = function (key) {
    var set = this.sets[key];
    if (set) return set;
    set = this.sets[key] = {
      key: key,
      geometries: [],
      style: {},
      visible: true,
      image: svg("g", { class: "quiz-set quiz-set--" + key, "data-quiz-set": key }),
      screen: svg("g", { class: "quiz-set quiz-set--" + key, "data-quiz-set": key }),
      markers: [],
      labels: [],
    };
    // Keep a fixed stacking order: reference under the answer, the pin and drafts on top.
    var rank = ORDER.indexOf(key);
    var self = this;
    function insert(root, node, which) {
      var before = null;
      for (var i = rank + 1; i > 0 && i < ORDER.length; i++) {
        var later = self.sets[ORDER[i]];
        if (later && later !== set) {
          before = later[which];
          break;
        }
      }
      root.insertBefore(node, before && before.parentNode === root ? before : null);
    }
    insert(this.imageRoot, set.image, "image");
    insert(this.screenRoot, set.screen, "screen");
    return set;
  };

  Layer.prototype.set = function (key, geometries, style) {
    var set = this.group(key);
    set.geometries = [].concat.apply([], (geometries || []).map(parts));
    set.style = style || {};
    set.image.replaceChildren();
    set.screen.replaceChildren();
    set.markers = [];
    set.labels = [];
    var number = 0;
    var ctx = this.ctx;
    set.geometries.forEach(function (geometry) {
      var d = Shapes.svgPath(geometry);
      if (d) {
        var area = geometry.type === "Polygon" || geometry.type === "MultiPolygon";
        var cls = "quiz-shape" + (area ? " quiz-shape--area" : " quiz-shape--line");
        set.image.appendChild(svg("path", { class: cls + " quiz-shape__halo", d: d }));
        set.image.appendChild(svg("path", { class: cls + " quiz-shape__line", d: d }));
      }
      Shapes.markerPositions(geometry).forEach(function (position) {
        number += 1;
        set.markers.push({ at: position, node: markerNode(set.style.marker || "dot", set.style.numbered ? number : null) });
      });
      if (geometry.type === "LineString" && set.style.ends) {
        [geometry.coordinates[0], geometry.coordinates[geometry.coordinates.length - 1]].forEach(function (end) {
          set.markers.push({ at: end, node: markerNode("end", null) });
        });
      }
      if (geometry.type === "LineString" && set.style.lengths && geometry.coordinates.length >= 2) {
        var c = geometry.coordinates;
        var text = svg("text", { class: "quiz-label", "text-anchor": "middle", "dominant-baseline": "middle", "data-length-label": "" });
        text.textContent = lengthText(ctx, c[0], c[c.length - 1]);
        set.labels.push({ from: c[0], to: c[c.length - 1], node: text });
      }
    });
    set.markers.forEach(function (marker) {
      set.screen.appendChild(marker.node);
    });
    set.labels.forEach(function (label) {
      set.screen.appendChild(label.node);
    });
    this.setVisible(key, set.visible);
    this.place();
    return set;
  };

  Layer.prototype.geometries = function (key) {
    return this.sets[key] ? this.sets[key].geometries.slice() : [];
  };

  Layer.prototype.setVisible = function (key, visible) {
    var set = this.group(key);
    set.visible = Boolean(visible);
    set.image.style.display = set.visible ? "" : "none";
    set.screen.style.display = set.visible ? "" : "none";
    this.ctx.element.setAttribute("data-layer-" + key, set.visible ? "shown" : "hidden");
  };

  /** A draft: the corners so far (and the pointer) of an outline, or a ruler being drawn. */
  Layer.prototype.preview = function (points, hover, style) {
    if (!points || !points.length) {
      this.set("preview", []);
      return;
    }
    var line = points.slice();
    if (hover) line.push(hover);
    var geometries = [];
    if (line.length >= 2) geometries.push({ type: "LineString", coordinates: line });
    geometries.push({ type: "MultiPoint", coordinates: points });
    this.set("preview", geometries, style || { marker: "vertex" });
  };

  Layer.prototype.place = function () {
    var overlay = this.overlay;
    var self = this;
    Object.keys(this.sets).forEach(function (key) {
      var set = self.sets[key];
      set.markers.forEach(function (marker) {
        var p = overlay.toScreen(marker.at);
        marker.node.setAttribute("transform", "translate(" + p[0].toFixed(1) + " " + p[1].toFixed(1) + ")");
      });
      set.labels.forEach(function (label) {
        var a = overlay.toScreen(label.from);
        var b = overlay.toScreen(label.to);
        var dx = b[0] - a[0];
        var dy = b[1] - a[1];
        var length = Math.sqrt(dx * dx + dy * dy) || 1;
        // Beside the middle of the line, on its upper side.
        var ux = -dy / length;
        var uy = dx / length;
        if (uy > 0 || (uy === 0 && ux > 0)) {
          ux = -ux;
          uy = -uy;
        }
        var clearance = 10 + Math.abs(ux) * label.node.textContent.length * 3.8 + Math.abs(uy) * 7;
        label.node.setAttribute("x", ((a[0] + b[0]) / 2 + ux * clearance).toFixed(1));
        label.node.setAttribute("y", ((a[1] + b[1]) / 2 + uy * clearance).toFixed(1));
      });
    });
  };

  function markerNode(kind, number) {
    var group = svg("g", { class: "quiz-marker quiz-marker--" + kind });
    if (kind === "pin") {
      group.appendChild(svg("path", { class: "quiz-marker__pin", d: "M0 0C-2-6-10-10-10-18a10 10 0 1 1 20 0C10-10 2-6 0 0Z" }));
      group.appendChild(svg("circle", { class: "quiz-marker__hole", cx: 0, cy: -18, r: 4 }));
      return group;
    }
    if (kind === "ring") {
      group.appendChild(svg("circle", { class: "quiz-marker__halo", r: 11 }));
      group.appendChild(svg("circle", { class: "quiz-marker__ring", r: 11 }));
      group.appendChild(svg("circle", { class: "quiz-marker__centre", r: 2.5 }));
    } else if (kind === "vertex") {
      group.appendChild(svg("circle", { class: "quiz-marker__vertex", r: 4.5 }));
    } else if (kind === "end") {
      group.appendChild(svg("circle", { class: "quiz-marker__end", r: 3.5 }));
    } else {
      group.appendChild(svg("circle", { class: "quiz-marker__dot", r: number === null ? 7 : 10 }));
    }
    if (number !== null && number !== undefined) {
      var text = svg("text", { class: "quiz-marker__number", "text-anchor": "middle", "dominant-baseline": "central", y: kind === "ring" ? -19 : 0.5 });
      text.textContent = String(number);
      group.appendChild(text);
    }
    return group;
  }

  function layer(ctx) {
    if (!ctx.answerLayer) ctx.answerLayer = new Layer(ctx);
    return ctx.answerLayer;
  }

  /* Tools and gestures --------------------------------------------------------------------------- */

  /**
   * A drawing tool in the viewer's tool strip (one active at a time, per PortalSlideKit).
   * options: {icon, text, label, gesture(): a PortalOverlay gesture, attributes, group}
   * Escape cancels a drawing (then turns the tool off), Enter closes an outline, Backspace drops
   * its last corner. Returns the button.
   */
  function addTool(ctx, name, options) {
    var overlay = Overlays.of(ctx);
    var gesture = null;
    ctx.tools.register(name, {
      drawing: true,
      activate: function () {
        gesture = options.gesture();
        overlay.setInput(gesture);
      },
      deactivate: function () {
        if (gesture && gesture.cancel) gesture.cancel();
        gesture = null;
        overlay.setInput(null);
      },
      keydown: function (event) {
        if (!gesture) return false;
        if (event.key === "Escape") {
          if (gesture.busy && gesture.busy()) gesture.cancel();
          else ctx.tools.activate(ctx.tools.fallback);
          return true;
        }
        if (event.key === "Enter" && gesture.finish) {
          gesture.finish();
          return true;
        }
        if (event.key === "Backspace" && gesture.undo && gesture.busy && gesture.busy()) {
          gesture.undo();
          return true;
        }
        return false;
      },
    });
    var button = ctx.tools.button(name, options.icon, options.label, options.attributes);
    button.classList.add("viewer-button--text", "slide-toggle");
    button.appendChild(el("span", { class: "slide-toggle__text", text: options.text }));
    ctx.toolGroup("draw", options.group || "Answer").appendChild(button);
    return button;
  }

  /** A text button in the tool strip, beside the tools. */
  function addAction(ctx, iconName, text, label, attributes, onClick) {
    var button = Kit.iconButton(iconName, label, attributes);
    button.classList.add("viewer-button--text", "slide-toggle");
    button.appendChild(el("span", { class: "slide-toggle__text", text: text }));
    button.addEventListener("click", onClick);
    ctx.toolGroup("draw", "Answer").appendChild(button);
    return button;
  }

  /** Taps add points; a tap on an existing point (within 12 px) removes it. */
  function pointGesture(ctx, options) {
    var overlay = Overlays.of(ctx);
    return {
      drags: false,
      tap: function (p) {
        var points = options.points();
        for (var i = points.length - 1; i >= 0; i--) {
          if (overlay.screenDistance(points[i], p) < REMOVE_DISTANCE) {
            options.remove(i);
            return;
          }
        }
        options.add(Shapes.position(p[0], p[1], ctx.size));
      },
    };
  }

  /** One closed outline; done(Polygon geometry). */
  function polygonGesture(ctx, options) {
    var answerLayer = layer(ctx);
    return Overlays.polygonGesture(Overlays.of(ctx), {
      preview: function (points, hover) {
        answerLayer.preview(points, hover);
      },
      done: function (points) {
        var geometry = Shapes.shapeToGeometry(Shapes.polygonShape(points), "polygon", ctx.size);
        if (!geometry) {
          ctx.announce("That outline has no area. Try again.", true);
          return;
        }
        options.done(geometry);
      },
      needMore: function (count) {
        ctx.announce("An outline needs at least 3 corners; it has " + count + ".");
      },
    });
  }

  /** One straight line; done(LineString geometry). The draft shows its length. */
  function lineGesture(ctx, options) {
    var answerLayer = layer(ctx);
    return Overlays.twoPointGesture(Overlays.of(ctx), {
      preview: function (a, b) {
        if (!a) answerLayer.set("preview", []);
        else answerLayer.set("preview", [{ type: "LineString", coordinates: [a, b] }], { lengths: true, ends: true });
      },
      done: function (a, b) {
        var geometry = Shapes.shapeToGeometry(Shapes.lineShape(a, b), "line", ctx.size);
        if (!geometry) {
          ctx.announce("That line is too short. Try again.", true);
          return;
        }
        options.done(geometry);
      },
      tooSmall: function () {
        ctx.announce("That line is too short. Drag further, or click both ends.");
      },
    });
  }

  /* Views ----------------------------------------------------------------------------------------- */

  function viewportPerPixel(viewport) {
    var OSD = window.OpenSeadragon;
    var a = viewport.imageToViewportCoordinates(new OSD.Point(0, 0));
    var b = viewport.imageToViewportCoordinates(new OSD.Point(1000, 0));
    return (b.x - a.x) / 1000;
  }

  /** The view as {center_x, center_y, view_width} in level-0 pixels (like a tour stop). */
  function currentView(ctx) {
    var viewport = ctx.viewer.viewport;
    var center = viewport.viewportToImageCoordinates(viewport.getCenter(true));
    var width = 1 / viewport.getZoom(true) / viewportPerPixel(viewport);
    var round = function (value) {
      return Math.round(value * 100) / 100;
    };
    return {
      center_x: round(Math.min(Math.max(center.x, 0), ctx.size.width)),
      center_y: round(Math.min(Math.max(center.y, 0), ctx.size.height)),
      view_width: round(Math.min(width, 4 * Math.max(ctx.size.width, ctx.size.height))),
    };
  }

  function goToView(ctx, view, animate) {
    if (!view || !(view.view_width > 0)) return;
    var viewport = ctx.viewer.viewport;
    var OSD = window.OpenSeadragon;
    var immediately = !animate || Kit.prefersReducedMotion();
    viewport.zoomTo(1 / (view.view_width * viewportPerPixel(viewport)), null, immediately);
    viewport.panTo(viewport.imageToViewportCoordinates(new OSD.Point(view.center_x, view.center_y)), immediately);
  }

  function startView(element) {
    var width = positive(element.dataset.startViewWidth);
    var x = finite(element.dataset.startCenterX);
    var y = finite(element.dataset.startCenterY);
    return width && x !== null && y !== null ? { center_x: x, center_y: y, view_width: width } : null;
  }

  /** Show every geometry given, with a margin; at least 300 µm (or a tenth of the slide) wide. */
  function fitTo(ctx, geometries) {
    var bounds = null;
    geometries.forEach(function (geometry) {
      var b = Shapes.geometryBounds(geometry);
      if (!b) return;
      if (!bounds) bounds = { minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY };
      else {
        bounds.minX = Math.min(bounds.minX, b.minX);
        bounds.minY = Math.min(bounds.minY, b.minY);
        bounds.maxX = Math.max(bounds.maxX, b.maxX);
        bounds.maxY = Math.max(bounds.maxY, b.maxY);
      }
    });
    if (!bounds) return false;
    var minimum = ctx.mpp ? 300 / ctx.mpp.x : ctx.size.width / 10;
    var width = Math.max(bounds.maxX - bounds.minX, minimum);
    var height = Math.max(bounds.maxY - bounds.minY, minimum);
    var margin = Math.max(width, height) * 0.25;
    var cx = (bounds.minX + bounds.maxX) / 2;
    var cy = (bounds.minY + bounds.maxY) / 2;
    var viewport = ctx.viewer.viewport;
    var rect = viewport.imageToViewportRectangle(cx - width / 2 - margin, cy - height / 2 - margin, width + 2 * margin, height + 2 * margin);
    viewport.fitBoundsWithConstraints(rect, true);
    return true;
  }

  /* The trainee's editor ----------------------------------------------------------------------------- */

  var TOOL_OF_TYPE = {
    point: { name: "answer-point", icon: "point", text: "Points", label: "Place points: click the slide; click a point to remove it", on: true },
    outline: { name: "answer-outline", icon: "polygon", text: "Outline", label: "Outline: click each corner, then the first corner, double-click or press Enter", on: true },
    measure: { name: "answer-measure", icon: "ruler", text: "Ruler", label: "Ruler: drag across, or click both ends", on: false },
  };

  function Editor(ctx, type, payload) {
    var self = this;
    this.ctx = ctx;
    this.type = type;
    this.layer = layer(ctx);
    this.payload = payload || {};
    this.locked = false;
    this.onChange = null;
    var tool = TOOL_OF_TYPE[type];
    this.toolName = tool.name;
    var gesture;
    if (type === "point") {
      gesture = function () {
        return pointGesture(ctx, {
          points: function () {
            return (self.payload.points || []).slice();
          },
          add: function (p) {
            var points = (self.payload.points || []).concat([p]);
            if (points.length > 50) {
              ctx.announce("At most 50 points.", true);
              return;
            }
            self.change({ points: points });
            ctx.announce("Point " + points.length + " placed.");
          },
          remove: function (index) {
            var points = (self.payload.points || []).slice();
            points.splice(index, 1);
            self.change(points.length ? { points: points } : {});
            ctx.announce("Point removed; " + points.length + " left.");
          },
        });
      };
    } else if (type === "outline") {
      gesture = function () {
        return polygonGesture(ctx, {
          done: function (geometry) {
            self.change({ geometry: geometry });
            ctx.announce("Outline saved. Drawing again replaces it.");
          },
        });
      };
    } else {
      gesture = function () {
        return lineGesture(ctx, {
          done: function (geometry) {
            self.change({ geometry: geometry });
            ctx.announce("Line: " + lengthText(ctx, geometry.coordinates[0], geometry.coordinates[1]) + ".");
          },
        });
      };
    }
    this.toolButton = addTool(ctx, tool.name, {
      icon: tool.icon,
      text: tool.text,
      label: tool.label,
      gesture: gesture,
      attributes: { "data-answer-tool": type },
    });
    this.clearButton = addAction(ctx, "clear", "Clear", "Clear my answer on this slide", { "data-answer-clear": true }, function () {
      if (self.locked) return;
      var tools = ctx.tools;
      // Restart the active gesture so a half-drawn outline goes too.
      if (tools.active === self.toolName) {
        tools.activate(null);
        tools.activate(self.toolName);
      }
      self.change({});
      ctx.announce("Answer cleared.");
    });
    if (tool.on) ctx.tools.activate(tool.name);
    this.render();
  }

  Editor.prototype.render = function () {
    this.layer.set("answer", payloadGeometries(this.type, this.payload), answerStyle(this.type));
    var element = this.ctx.element;
    var geometries = payloadGeometries(this.type, this.payload);
    element.dataset.answerCount = String(
      this.type === "point" ? (geometries.length ? geometries[0].coordinates.length : 0) : geometries.length
    );
    var summary = summaryFor(element);
    if (summary) summary.textContent = describe(this.ctx, this.type, this.payload);
  };

  Editor.prototype.change = function (payload) {
    if (this.locked) return;
    this.payload = payload;
    this.render();
    if (this.onChange) this.onChange(payload);
  };

  /** Show a payload without reporting a change (restoring a saved answer). */
  Editor.prototype.set = function (payload) {
    this.payload = payload || {};
    this.render();
  };

  Editor.prototype.lock = function () {
    this.locked = true;
    this.ctx.tools.activate(null);
    this.toolButton.disabled = true;
    this.clearButton.disabled = true;
    this.layer.set("preview", []);
  };

  function answerStyle(type) {
    return { marker: "dot", numbered: type === "point", lengths: type === "measure", ends: type === "measure" };
  }

  function summaryFor(element) {
    var figure = element.closest("[data-answer-figure]");
    var scope = figure ? figure.parentNode : element.parentNode;
    return scope ? scope.querySelector("[data-answer-summary]") : null;
  }

  /* Viewer set-up: answer, reference, pin, toggles ------------------------------------------------------ */

  function bindToggles(element, answerLayer) {
    var figure = element.closest("[data-answer-figure]");
    if (!figure) return;
    figure.querySelectorAll("[data-layer-toggle]").forEach(function (input) {
      if (input.portalBound) return;
      input.portalBound = true;
      var key = input.getAttribute("data-layer-toggle");
      answerLayer.setVisible(key, input.checked);
      input.addEventListener("change", function () {
        answerLayer.setVisible(key, input.checked);
      });
    });
  }

  function showReference(ctx, geometry) {
    layer(ctx).set("reference", parts(geometry), { marker: "ring", lengths: true, ends: true });
  }

  function showComment(ctx, at) {
    layer(ctx).set("comment", at ? [{ type: "Point", coordinates: at }] : [], { marker: "pin" });
  }

  function setUpViewer(element) {
    var type = element.dataset.answerType;
    var mode = element.dataset.answerMode || "display";
    if (!TOOL_OF_TYPE[type] || mode === "reference") return;
    var ctx = Kit.context(element);
    var answerLayer = layer(ctx);
    var payload = readJson(element.dataset.answerSource) || {};
    var reference = readJson(element.dataset.referenceSource);
    if (reference) showReference(ctx, reference);
    var cx = finite(element.dataset.commentX);
    var cy = finite(element.dataset.commentY);
    if (cx !== null && cy !== null) showComment(ctx, [cx, cy]);

    if (mode === "edit") {
      element.portalAnswerEditor = new Editor(ctx, type, payload);
    } else {
      answerLayer.set("answer", payloadGeometries(type, payload), answerStyle(type));
      var summary = summaryFor(element);
      if (summary && !isEmptyPayload(payload)) {
        summary.textContent = describe(ctx, type, payload, element.dataset.answerWho || "You");
      }
    }
    bindToggles(element, answerLayer);

    var start = startView(element);
    ctx.whenOpen(function () {
      // Reviewing: show the answer with the reference. Answering: where the educator chose.
      var shown = mode === "display" && fitTo(ctx, answerLayer.geometries("answer").concat(answerLayer.geometries("reference")));
      if (!shown && start) goToView(ctx, start);
    });
  }

  window.PortalAnswers = {
    layer: hasSlideTools ? layer : null,
    addTool: addTool,
    addAction: addAction,
    pointGesture: pointGesture,
    polygonGesture: polygonGesture,
    lineGesture: lineGesture,
    currentView: currentView,
    goToView: goToView,
    fitTo: fitTo,
    startView: startView,
    readJson: readJson,
    canonical: canonical,
    parts: parts,
    payloadGeometries: payloadGeometries,
    lengthText: lengthText,
    areaText: areaText,
    describe: describe,
    showReference: showReference,
    showComment: showComment,
    bindToggles: bindToggles,
    isEmptyPayload: isEmptyPayload,
  };

  if (hasSlideTools) Kit.onViewer("quiz-answers", setUpViewer);

  /* ============================================================================================
     The attempt page
     ============================================================================================ */

  var SAVE_DELAY = 600;
  var MAX_RETRY_DELAY = 30000;

  function storage() {
    try {
      var probe = "portal-attempt-probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private browsing or storage turned off: autosave still works
    }
  }

  function request(method, url, body, options) {
    if (Kit) return Kit.request(method, url, body, options);
    // Pages without slides still save: the same contract as PortalSlideKit.request.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var token = match ? decodeURIComponent(match[1]) : "";
    if (!token) {
      try {
        token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
      } catch (error) {
        token = "";
      }
    }
    var init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": token },
      keepalive: Boolean(options && options.keepalive),
    };
    if (body !== undefined && body !== null) init.body = JSON.stringify(body);
    return fetch(url, init).then(
      function (response) {
        return response.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (error) {
            data = null;
          }
          return { ok: response.ok, status: response.status, data: data };
        });
      },
      function () {
        return { ok: false, status: 0, data: null };
      }
    );
  }

  function detailText(response) {
    var data = response.data;
    var detail = data && data.detail;
    if (Array.isArray(detail)) return detail.join(" ");
    if (typeof detail === "string") return detail;
    if (Kit) return Kit.errorText(response);
    return "The request failed (error " + response.status + ").";
  }

  /* One question ------------------------------------------------------------------------------------ */

  function Question(page, section) {
    this.page = page;
    this.section = section;
    this.uuid = section.dataset.question;
    this.type = section.dataset.type;
    this.version = Number(section.dataset.version) || 0;
    this.url = page.answersUrl + "answers/" + this.uuid + "/";
    this.payload = readJson(section.dataset.payloadSource) || {};
    this.savedJson = canonical(this.payload);
    this.locked = section.dataset.checked === "true";
    this.stopped = false;
    this.timer = null;
    this.inflight = null;
    this.retryDelay = 0;
    this.status = section.querySelector("[data-save-status]");
    this.key = "portal-attempt:" + page.attempt + ":" + this.uuid;
    this.editor = null;
    this.bind();
    this.state(this.locked ? "locked" : isEmptyPayload(this.payload) && !this.version ? "empty" : "saved");
    if (this.locked) this.lockWidget();
    this.restore();
  }

  Question.prototype.state = function (state, text) {
    this.section.dataset.saveState = state;
    if (text !== undefined && this.status) {
      this.status.textContent = text;
      this.status.classList.toggle("quiz-save--error", state === "error" || state === "conflict" || state === "retrying");
    }
    this.page.updateSummary();
  };

  Question.prototype.hasUnsaved = function () {
    return !this.locked && !this.stopped && canonical(this.payload) !== this.savedJson;
  };

  /* Widgets */

  Question.prototype.inputs = function () {
    return Array.prototype.slice.call(this.section.querySelectorAll("[data-answer-widget] input, [data-answer-widget] textarea"));
  };

  Question.prototype.bind = function () {
    var self = this;
    var section = this.section;
    if (this.type === "single" || this.type === "multiple") {
      this.inputs().forEach(function (input) {
        input.addEventListener("change", function () {
          self.changed(self.read());
        });
      });
      var clear = section.querySelector("[data-choice-clear]");
      if (clear) {
        clear.addEventListener("click", function () {
          self.inputs().forEach(function (input) {
            input.checked = false;
          });
          self.changed({});
        });
      }
    } else if (this.type === "text" || this.type === "numeric") {
      this.inputs().forEach(function (input) {
        input.addEventListener("input", function () {
          var payload = self.read();
          if (payload === null) {
            self.state("error", "Type a number, e.g. 12.5: this is not saved yet.");
            return;
          }
          self.changed(payload);
        });
      });
    } else {
      var viewerElement = section.querySelector("[data-slide-viewer]");
      this.editor = viewerElement && viewerElement.portalAnswerEditor;
      if (this.editor) {
        this.editor.onChange = function (payload) {
          self.changed(payload);
        };
      }
    }
    var check = section.querySelector("[data-check-answer]");
    if (check) {
      check.addEventListener("click", function () {
        self.check(check);
      });
    }
  };

  /** The widget's answer as a payload; null while a number field holds something else. */
  Question.prototype.read = function () {
    var inputs = this.inputs();
    if (this.type === "single") {
      var picked = inputs.filter(function (input) {
        return input.checked;
      })[0];
      return picked ? { choice: picked.value } : {};
    }
    if (this.type === "multiple") {
      var keys = inputs.filter(function (input) {
        return input.checked;
      }).map(function (input) {
        return input.value;
      });
      return keys.length ? { choices: keys.sort() } : {};
    }
    var input = inputs[0];
    if (!input) return this.payload;
    if (this.type === "text") return input.value ? { text: input.value } : {};
    if (input.validity && input.validity.badInput) return null;
    if (input.value.trim() === "") return {};
    var value = Number(input.value);
    return isFinite(value) ? { value: value } : null;
  };

  Question.prototype.show = function (payload) {
    var inputs = this.inputs();
    if (this.type === "single") {
      inputs.forEach(function (input) {
        input.checked = input.value === payload.choice;
      });
    } else if (this.type === "multiple") {
      var chosen = payload.choices || [];
      inputs.forEach(function (input) {
        input.checked = chosen.indexOf(input.value) !== -1;
      });
    } else if (this.type === "text") {
      if (inputs[0]) inputs[0].value = payload.text || "";
    } else if (this.type === "numeric") {
      if (inputs[0]) inputs[0].value = payload.value === undefined || payload.value === null ? "" : String(payload.value);
    } else if (this.editor) {
      this.editor.set(payload);
    }
  };

  Question.prototype.lockWidget = function () {
    this.inputs().forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") input.disabled = true;
      else input.readOnly = true;
    });
    var fieldset = this.section.querySelector("fieldset[data-answer-widget]");
    if (fieldset) fieldset.disabled = true;
    ["[data-choice-clear]", "[data-check-answer]"].forEach(function (selector) {
      var node = this.section.querySelector(selector);
      if (node) {
        var box = node.closest(".quiz-check") || node;
        box.parentNode.removeChild(box);
      }
    }, this);
    if (this.editor) this.editor.lock();
  };

  /* Local copies */

  Question.prototype.store = function () {
    var local = this.page.storage;
    if (!local) return;
    try {
      // `expect`: the newest server version that does not yet hold this change. A save in
      // flight will make one more, which does not hold it either.
      local.setItem(this.key, JSON.stringify({
        payload: this.payload,
        expect: this.version + (this.inflight ? 1 : 0),
        at: Date.now(),
      }));
    } catch (error) {
      /* storage full: the server copy is what we have */
    }
  };

  Question.prototype.forget = function () {
    if (!this.page.storage) return;
    try {
      this.page.storage.removeItem(this.key);
    } catch (error) {
      /* nothing to do */
    }
  };

  /** After a reload or a crash: an unsent answer newer than the server's goes out again. */
  Question.prototype.restore = function () {
    var local = this.page.storage;
    if (!local) return;
    var stored = null;
    try {
      stored = JSON.parse(local.getItem(this.key) || "null");
    } catch (error) {
      stored = null;
    }
    if (!stored || typeof stored !== "object" || !stored.payload) return;
    if (this.locked || canonical(stored.payload) === this.savedJson || this.version > Number(stored.expect)) {
      this.forget(); // already saved, or the server has something newer (another tab)
      return;
    }
    this.payload = stored.payload;
    this.show(this.payload);
    this.state("pending", "Restoring an answer that was not saved…");
    this.save();
  };

  /* Saving */

  Question.prototype.changed = function (payload) {
    if (this.locked || this.stopped) return;
    this.payload = payload;
    this.store();
    this.state("pending", "Not saved yet…");
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.save();
    }, SAVE_DELAY);
    this.page.updateCount();
  };

  /** Send the current answer now. Resolves true once the server holds it. */
  Question.prototype.save = function (options) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.locked) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    if (this.inflight) {
      return this.inflight.then(function () {
        return self.save(options);
      });
    }
    var sent = canonical(this.payload);
    if (sent === this.savedJson) {
      this.forget();
      if (this.section.dataset.saveState !== "saved") this.state("saved", this.savedText || "Saved");
      return Promise.resolve(true);
    }
    this.state("saving", "Saving…");
    this.inflight = request("PUT", this.url, { payload: this.payload, version: this.version }, options).then(function (response) {
      self.inflight = null;
      return self.handle(response, sent);
    });
    return this.inflight;
  };

  Question.prototype.saved = function (version, sent) {
    this.version = version;
    this.savedJson = sent;
    this.retryDelay = 0;
    this.section.dataset.version = String(version);
    this.section.dataset.savedVersion = String(version);
    this.page.online(true);
    if (canonical(this.payload) === sent) {
      this.forget();
      this.savedText = "Saved " + clockTime(new Date());
      this.state("saved", this.savedText);
    } else {
      // Changed while the save was on its way: that change goes next.
      var self = this;
      this.store();
      this.timer = setTimeout(function () {
        self.save();
      }, SAVE_DELAY);
    }
    return true;
  };

  Question.prototype.handle = function (response, sent) {
    var data = response.data || {};
    if (response.ok) return this.saved(Number(data.version), sent);
    if (response.status === 409 && data.current) {
      // Our own earlier save may have arrived without its answer reaching us.
      if (canonical(data.current.payload) === sent) return this.saved(Number(data.current.version), sent);
      this.conflict();
      return false;
    }
    if (response.status === 403 && data.closed) {
      this.page.closed(this);
      return false;
    }
    if (response.status === 400) {
      this.forget(); // the server will never take it; do not send it after a reload either
      this.state("error", "Not saved: " + detailText(response));
      return false;
    }
    if (response.status === 404) {
      this.page.closed();
      return false;
    }
    this.retry(response);
    return false;
  };

  Question.prototype.retry = function (response) {
    var self = this;
    var offline = response.status === 0 || navigator.onLine === false;
    if (offline) this.page.online(false);
    this.retryDelay = Math.min(MAX_RETRY_DELAY, this.retryDelay ? this.retryDelay * 2 : 1000);
    var text = "Not saved — retrying";
    if (response.status === 403) text = "Not saved — your session may have ended; retrying. Sign in again in another tab if this lasts.";
    else if (!offline) text = "Not saved — retrying (" + detailText(response) + ")";
    this.state("retrying", text);
    this.store();
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.save();
    }, this.retryDelay);
  };

  Question.prototype.conflict = function () {
    var self = this;
    this.stopped = true;
    clearTimeout(this.timer);
    this.forget();
    this.state("conflict", "This answer was changed in another tab; reload to see it.");
    if (this.status && !this.status.querySelector("button")) {
      var button = el("button", { type: "button", class: "button button--small", "data-reload": true, text: "Reload" });
      button.addEventListener("click", function () {
        self.page.reload();
      });
      this.status.appendChild(document.createTextNode(" "));
      this.status.appendChild(button);
    }
  };

  /* Checking (feedback after each question) */

  Question.prototype.check = function (button) {
    var self = this;
    button.disabled = true;
    var original = button.textContent;
    button.textContent = "Checking…";
    this.save().then(function (saved) {
      if (!saved) {
        button.disabled = false;
        button.textContent = original;
        self.state(self.section.dataset.saveState, self.status ? self.status.textContent : "");
        return;
      }
      return request("POST", self.url + "check/", {}).then(function (response) {
        var data = response.data || {};
        if (response.ok && data.question) {
          self.locked = true;
          self.forget();
          self.section.dataset.checked = "true";
          self.lockWidget();
          self.state("locked", "Checked: this answer is locked.");
          renderFeedback(self, data.question);
          return;
        }
        if (response.status === 403 && data.closed) {
          self.page.closed(self);
          return;
        }
        button.disabled = false;
        button.textContent = original;
        self.state("error", "Could not check: " + detailText(response));
      });
    });
  };

  function formatNumber(value, decimals) {
    var number = Number(value);
    if (!isFinite(number)) return String(value);
    var text = number.toFixed(decimals === undefined ? 2 : decimals);
    return text.indexOf(".") === -1 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }

  /** The feedback of a checked answer, as courses/_quiz_feedback.html draws it. */
  function renderFeedback(question, data) {
    var fb = data.feedback;
    var section = question.section;
    var slot = section.querySelector("[data-feedback-slot]");
    if (!fb || !slot) return;
    var points = Number(data.points);
    var score = Number(fb.score);
    var kind = fb.pending ? "pending" : score >= points ? "full" : score > 0 ? "part" : "none";
    var box = el("div", { class: "quiz-feedback quiz-feedback--" + kind, "data-feedback": true, tabindex: "-1" }, [
      el("h3", { class: "quiz-feedback__title", text: "Feedback" }),
    ]);
    box.appendChild(fb.pending
      ? el("p", { class: "quiz-feedback__score", "data-feedback-score": true, text: "Awaiting marking by an examiner." })
      : el("p", { class: "quiz-feedback__score", "data-feedback-score": true }, [
        el("strong", { text: formatNumber(score) }),
        " of " + formatNumber(points) + (points === 1 ? " mark" : " marks"),
      ]));
    var measures = fb.measures || {};
    if (measures.feedback) box.appendChild(el("p", { class: "quiz-feedback__sentence", text: measures.feedback }));
    if (data.type === "point" && measures.targets) {
      box.appendChild(el("p", { class: "small", text: "Targets found: " + measures.hits + " of " + measures.targets + "." }));
    } else if (data.type === "outline" && measures.dice !== undefined && measures.dice !== null) {
      box.appendChild(el("p", { class: "small", text: "Overlap with the reference region (Dice): " + Number(measures.dice).toFixed(2) + ", where 1 is a perfect match." }));
    } else if (data.type === "measure") {
      var sentences = [];
      if (measures.length_um !== undefined && measures.length_um !== null) sentences.push("Your line: " + Number(measures.length_um).toFixed(1) + " µm.");
      if (fb.reference_value !== undefined && fb.reference_value !== null) sentences.push("Reference length: " + Number(fb.reference_value).toFixed(1) + " µm.");
      if (sentences.length) box.appendChild(el("p", { class: "small", text: sentences.join(" ") }));
    } else if (data.type === "numeric" && fb.reference_value !== undefined && fb.reference_value !== null) {
      box.appendChild(el("p", { class: "small", text: "The accepted answer is " + formatNumber(fb.reference_value, 4) + "." }));
    }
    if (fb.model_answer) {
      box.appendChild(el("div", { class: "quiz-feedback__block" }, [
        el("h4", { text: "Model answer" }),
        el("p", { class: "quiz-feedback__pre", text: fb.model_answer }),
      ]));
    }
    if (fb.comment) {
      box.appendChild(el("div", { class: "quiz-feedback__block quiz-feedback__comment", "data-examiner-comment": true }, [
        el("h4", { text: "Examiner’s comment" }),
        el("p", { class: "quiz-feedback__pre", text: fb.comment }),
      ]));
    }
    slot.replaceChildren(box);

    // Correct options and their feedback, in the option list.
    var correct = fb.correct_choices || [];
    var notes = fb.choice_feedback || {};
    section.querySelectorAll("[data-choice]").forEach(function (node) {
      var key = node.getAttribute("data-choice");
      if (correct.indexOf(key) !== -1) {
        node.classList.add("quiz-choice--correct");
        node.appendChild(el("span", { class: "quiz-choice__verdict", text: "Correct option" }));
      }
      if (notes[key]) node.appendChild(el("p", { class: "quiz-choice__feedback", text: notes[key] }));
    });

    // The reference on the slide, with a key to the layers.
    var viewerElement = section.querySelector("[data-slide-viewer]");
    if (viewerElement && viewerElement.portalKit && fb.reference_geometry) {
      var ctx = viewerElement.portalKit;
      showReference(ctx, fb.reference_geometry);
      if (fb.comment_at) showComment(ctx, fb.comment_at);
      var figure = viewerElement.closest("[data-answer-figure]");
      if (figure && !figure.querySelector(".quiz-legend")) {
        figure.appendChild(legend(question.uuid, Boolean(fb.comment_at)));
        bindToggles(viewerElement, layer(ctx));
      }
    }
    box.focus();
  }

  function legend(prefix, withComment) {
    var list = el("ul", { class: "quiz-legend", "aria-label": "Layers on the slide" });
    [["answer", "quiz-swatch--answer", "Your answer"], ["reference", "quiz-swatch--reference", "Reference answer (dashed)"]]
      .concat(withComment ? [["comment", "quiz-swatch--comment", "Examiner’s comment"]] : [])
      .forEach(function (entry) {
        var id = prefix + "-layer-" + entry[0];
        list.appendChild(el("li", { class: "checkbox quiz-legend__item" }, [
          el("input", { type: "checkbox", id: id, "data-layer-toggle": entry[0], checked: true }),
          el("label", { for: id }, [el("span", { class: "quiz-swatch " + entry[1], "aria-hidden": "true" }), entry[2]]),
        ]));
      });
    return list;
  }

  /* The countdown ------------------------------------------------------------------------------------- */

  function formatRemaining(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    return hours ? hours + ":" + pad(minutes) + ":" + pad(seconds) : pad(minutes) + ":" + pad(seconds);
  }

  function spokenRemaining(ms) {
    var minutes = Math.floor(ms / 60000);
    if (minutes >= 60) {
      var hours = Math.floor(minutes / 60);
      minutes %= 60;
      return hours + (hours === 1 ? " hour " : " hours ") + minutes + (minutes === 1 ? " minute" : " minutes");
    }
    if (minutes >= 1) return minutes + (minutes === 1 ? " minute" : " minutes");
    return Math.max(0, Math.round(ms / 1000)) + " seconds";
  }

  function Countdown(page, element) {
    this.page = page;
    this.element = element;
    this.value = element.querySelector("[data-timer-value]");
    this.announcer = page.root.querySelector("[data-timer-announce]");
    this.deadline = parseIso(element.dataset.deadline);
    var serverNow = parseIso(element.dataset.serverNow);
    // The server's clock is the one that counts: remember how far this device's clock is off.
    this.offset = isFinite(serverNow) ? serverNow - Date.now() : 0;
    this.warned = {};
    this.done = false;
    if (!isFinite(this.deadline)) return;
    var self = this;
    this.tick();
    this.interval = setInterval(function () {
      self.tick();
    }, 250);
  }

  Countdown.prototype.remaining = function () {
    return this.deadline - (Date.now() + this.offset);
  };

  Countdown.prototype.announce = function (text) {
    if (this.announcer) this.announcer.textContent = text;
  };

  Countdown.prototype.tick = function () {
    var left = this.remaining();
    var text = formatRemaining(left);
    if (this.value.textContent !== text) this.value.textContent = text;
    this.element.dataset.remaining = String(Math.max(0, Math.ceil(left / 1000)));
    if (left <= 5 * 60000 && !this.warned.five) {
      this.warned.five = true;
      this.element.classList.add("quiz-timer--warn");
      if (left > 60000) this.announce(spokenRemaining(left) + " left. Your answers are saved as you go.");
    }
    if (left <= 60000 && !this.warned.one) {
      this.warned.one = true;
      this.element.classList.add("quiz-timer--urgent");
      if (left > 0) this.announce("1 minute left. Whatever is saved when time is up is submitted.");
    }
    if (left <= 0 && !this.done) {
      this.done = true;
      clearInterval(this.interval);
      this.announce("Time is up. Your saved answers are being submitted.");
      this.page.timeUp();
    }
  };

  /* The page ----------------------------------------------------------------------------------------- */

  function AttemptPage(root) {
    var self = this;
    this.root = root;
    this.attempt = root.dataset.attempt;
    this.answersUrl = root.dataset.answersUrl.replace(/\/?$/, "/");
    this.storage = storage();
    this.reloading = false;
    this.questions = [];
    this.summary = root.querySelector("[data-save-summary]");
    this.answered = root.querySelector("[data-answered-count]");
    this.offlineBanner = root.querySelector("[data-offline-banner]");
    root.querySelectorAll("section[data-question]").forEach(function (section) {
      self.questions.push(new Question(self, section));
    });
    this.updateCount();
    this.updateSummary();
    var timer = root.querySelector("[data-attempt-timer]");
    if (timer) this.countdown = new Countdown(this, timer);
    this.bindSubmit();

    window.addEventListener("online", function () {
      self.online(true);
      self.questions.forEach(function (q) {
        if (q.hasUnsaved() && !q.inflight) q.save();
      });
    });
    window.addEventListener("offline", function () {
      self.online(false);
    });
    if (navigator.onLine === false) this.online(false);
    // Leaving, switching tab or app, or the phone locking: send what is pending now.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") self.flushNow();
    });
    window.addEventListener("pagehide", function () {
      self.flushNow();
    });
    root.dataset.attemptReady = "true";
  }

  AttemptPage.prototype.flushNow = function () {
    this.questions.forEach(function (q) {
      if (q.hasUnsaved() && !q.inflight) {
        q.store();
        q.save({ keepalive: true });
      }
    });
  };

  /** Save everything pending; resolves to the questions that could not be saved. */
  AttemptPage.prototype.flush = function () {
    var self = this;
    return Promise.all(this.questions.map(function (q) {
      return q.hasUnsaved() || q.inflight ? q.save() : Promise.resolve(!q.stopped);
    })).then(function (results) {
      return self.questions.filter(function (q, i) {
        return !results[i] && !q.locked;
      });
    });
  };

  AttemptPage.prototype.online = function (isOnline) {
    if (this.offlineBanner) this.offlineBanner.hidden = isOnline;
  };

  AttemptPage.prototype.updateCount = function () {
    if (!this.answered) return;
    var count = this.questions.filter(function (q) {
      return !isEmptyPayload(q.payload);
    }).length;
    this.answered.textContent = String(count);
    this.root.dataset.answered = String(count);
  };

  AttemptPage.prototype.updateSummary = function () {
    if (!this.summary || !this.questions) return;
    var states = this.questions.map(function (q) {
      return q.section.dataset.saveState;
    });
    var failing = states.filter(function (s) {
      return s === "retrying" || s === "error" || s === "conflict";
    }).length;
    var busy = states.filter(function (s) {
      return s === "saving" || s === "pending";
    }).length;
    var text = failing
      ? failing + (failing === 1 ? " answer is" : " answers are") + " not saved"
      : busy
        ? "Saving…"
        : "All answers saved";
    if (this.summary.textContent !== text) this.summary.textContent = text;
    this.summary.classList.toggle("quiz-save--error", failing > 0);
  };

  AttemptPage.prototype.reload = function () {
    if (this.reloading) return;
    this.reloading = true;
    window.location.reload();
  };

  /**
   * The server refused a save or a check because the attempt is over, or because that answer
   * was checked in another tab: the reload shows which. Other questions' unsent changes stay in
   * localStorage and go out again if the attempt is still open.
   */
  AttemptPage.prototype.closed = function (question) {
    if (question) question.forget();
    this.reload();
  };

  AttemptPage.prototype.timeUp = function () {
    var self = this;
    this.root.classList.add("quiz-attempt--over");
    // Saves arriving after the deadline are refused, so do not wait long for them.
    var reload = function () {
      self.questions.forEach(function (q) {
        q.forget(); // the server submits what it has; nothing later can count
      });
      self.reload();
    };
    this.flush().then(function () {
      setTimeout(reload, 1000);
    });
    setTimeout(reload, 4000);
  };

  AttemptPage.prototype.bindSubmit = function () {
    var self = this;
    var form = this.root.querySelector("[data-submit-form]");
    var dialog = this.root.querySelector("[data-submit-dialog]");
    if (!form) return;
    var confirmed = false;
    var summary = dialog && dialog.querySelector("[data-submit-summary]");
    var problem = dialog && dialog.querySelector("[data-submit-problem]");
    var confirm = dialog && dialog.querySelector("[data-submit-confirm]");
    var cancel = dialog && dialog.querySelector("[data-submit-cancel]");
    var anyway = false;

    function send() {
      confirmed = true;
      self.questions.forEach(function (q) {
        q.forget();
      });
      form.submit();
    }

    function submitAfterSaving() {
      confirm.disabled = true;
      confirm.textContent = "Saving your answers…";
      self.flush().then(function (failed) {
        if (!failed.length || anyway) {
          confirm.textContent = "Submitting…";
          send();
          return;
        }
        var numbers = failed.map(function (q) {
          return q.section.dataset.number;
        });
        problem.textContent = (failed.length === 1 ? "Question " : "Questions ") + numbers.join(", ") +
          (failed.length === 1 ? " is" : " are") + " not saved. Check your connection and try again. " +
          "If you submit anyway, " + (failed.length === 1 ? "that change is" : "those changes are") + " lost.";
        problem.hidden = false;
        anyway = true;
        confirm.disabled = false;
        confirm.textContent = "Submit anyway";
      });
    }

    form.addEventListener("submit", function (event) {
      if (confirmed) return;
      event.preventDefault();
      var total = self.questions.length;
      var answered = self.questions.filter(function (q) {
        return !isEmptyPayload(q.payload);
      }).length;
      var text = "You have answered " + answered + " of " + total + " question" + (total === 1 ? "" : "s") + ".";
      if (answered < total) text += " Unanswered questions score nothing.";
      if (!dialog || typeof dialog.showModal !== "function") {
        if (window.confirm(text + " Submit now? You cannot change your answers afterwards.")) {
          self.flush().then(send);
        }
        return;
      }
      summary.textContent = text;
      problem.hidden = true;
      anyway = false;
      confirm.disabled = false;
      confirm.textContent = "Submit now";
      dialog.showModal();
      confirm.focus();
    });
    if (confirm) confirm.addEventListener("click", submitAfterSaving);
    if (cancel) {
      cancel.addEventListener("click", function () {
        dialog.close();
      });
    }
  };

  function startAttemptPage() {
    var root = document.querySelector("[data-attempt]");
    if (root && !root.portalAttempt) root.portalAttempt = new AttemptPage(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAttemptPage);
  else startAttemptPage();
})();
