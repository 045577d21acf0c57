/*
 * Answers on the slide: the shared layer, window.PortalAnswers. Used by every assessment page
 * (courses/_quiz_scripts.html): answer-tools.js, answer-viewer.js, attempt.js, marking.js and
 * reference-editor.js all build on it, so load it first, after slides/slide-kit.js,
 * slide-overlay.js, geojson-shapes.js and measurement.js. On a page without those (no slide)
 * only the helpers work and PortalAnswers.layer is null.
 *
 *   PortalAnswers.layer(ctx)        the viewer's answer layer: named sets of GeoJSON geometries
 *                                   (level-0 pixels) drawn over the slide, each shown or
 *                                   hidden on its own: layer.set(key, geometries, style),
 *                                   layer.setVisible(key, bool), layer.preview(...),
 *                                   layer.picture(key, url, bounds): an image stretched over
 *                                   [minX, minY, maxX, maxY] (level-0 px), e.g. a heatmap
 *   PortalAnswers.showReference(ctx, geometry)   the reference answer (orange, dashed)
 *   PortalAnswers.showComment(ctx, [x, y] | null)   the examiner's pin
 *   PortalAnswers.bindToggles(element, layer)   checkboxes [data-layer-toggle=answer|reference|
 *                                   comment] in the viewer's [data-answer-figure] show and hide
 *                                   those layers
 *   PortalAnswers.currentView(ctx) / goToView(ctx, view) / fitTo(ctx, geometries) /
 *                 startView(element)   views as {center_x, center_y, view_width}
 *   PortalAnswers.readJson(id), canonical(value), isEmptyPayload(payload), el(tag, attributes,
 *                 children), finite(value), parts(geometry), payloadGeometries(type, payload),
 *                 lengthText(ctx, a, b), areaText(ctx, ring), describe(ctx, type, payload, whose)
 *
 * courses/answer-tools.js adds the drawing tools (addTool, addAction, pointGesture,
 * polygonGesture, lineGesture) to the same object.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Overlays = window.PortalOverlay;
  var Measurement = window.PortalMeasurement;
  var hasSlideTools = Boolean(Kit && Shapes && Overlays && Measurement);
  var SVG_NS = "http://www.w3.org/2000/svg";
  // Bottom to top; "heatmap" and "clusters" are answer-map.js's.
  var ORDER = ["heatmap", "reference", "answer", "clusters", "comment", "preview"];

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
        // Two halos under the line (overlay-styles.js): it stands out on pale and dark tissue.
        set.image.appendChild(svg("path", { class: cls + " quiz-shape__outer", d: d }));
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

  /**
   * An image (a data: or same-origin URL) over the rectangle `bounds` = [minX, minY, maxX, maxY]
   * in level-0 pixels, in the image group: it follows zoom, rotation and flip like the shapes.
   * The browser's smoothing blends its pixels, so a coarse grid reads as a smooth map.
   */
  Layer.prototype.picture = function (key, url, bounds) {
    var set = this.group(key);
    set.geometries = [];
    set.markers = [];
    set.labels = [];
    set.screen.replaceChildren();
    set.image.replaceChildren(svg("image", {
      class: "quiz-picture",
      href: url,
      x: bounds[0],
      y: bounds[1],
      width: bounds[2] - bounds[0],
      height: bounds[3] - bounds[1],
      preserveAspectRatio: "none",
    }));
    this.setVisible(key, set.visible);
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

  /** A marker shape over an outer halo of the same shape (its own stroke is the inner halo). */
  function haloed(group, tag, attributes) {
    var outer = {};
    Object.keys(attributes).forEach(function (name) {
      outer[name] = name === "class" ? "quiz-marker__outer" : attributes[name];
    });
    group.appendChild(svg(tag, outer));
    group.appendChild(svg(tag, attributes));
  }

  function markerNode(kind, number) {
    var group = svg("g", { class: "quiz-marker quiz-marker--" + kind });
    if (kind === "pin") {
      haloed(group, "path", { class: "quiz-marker__pin", d: "M0 0C-2-6-10-10-10-18a10 10 0 1 1 20 0C10-10 2-6 0 0Z" });
      group.appendChild(svg("circle", { class: "quiz-marker__hole", cx: 0, cy: -18, r: 4 }));
      return group;
    }
    if (kind === "ring") {
      group.appendChild(svg("circle", { class: "quiz-marker__ring-outer", r: 11 }));
      group.appendChild(svg("circle", { class: "quiz-marker__halo", r: 11 }));
      group.appendChild(svg("circle", { class: "quiz-marker__ring", r: 11 }));
      group.appendChild(svg("circle", { class: "quiz-marker__centre", r: 2.5 }));
    } else if (kind === "vertex") {
      haloed(group, "circle", { class: "quiz-marker__vertex", r: 4.5 });
    } else if (kind === "end") {
      haloed(group, "circle", { class: "quiz-marker__end", r: 3.5 });
    } else {
      haloed(group, "circle", { class: "quiz-marker__dot", r: number === null ? 7 : 10 });
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

  /* Reference, examiner's pin, layer toggles ------------------------------------------------------ */

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

  window.PortalAnswers = {
    layer: hasSlideTools ? layer : null,
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
    el: el,
    finite: finite,
  };
})();
