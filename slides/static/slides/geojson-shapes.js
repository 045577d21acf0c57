/*
 * Annotation shapes in the browser  <->  GeoJSON geometry on the server.
 *
 * The server stores every annotation as a GeoJSON geometry in LEVEL-0 PIXEL coordinates of the
 * slide (x right, y down, 0 <= x <= width, 0 <= y <= height) plus `properties.kind`. In the
 * browser a shape is edited in the form Annotorious 3 uses for `target.selector`:
 *
 *   {type: "RECTANGLE", geometry: {x, y, w, h, bounds}}
 *   {type: "ELLIPSE",   geometry: {cx, cy, rx, ry, bounds}}
 *   {type: "POLYGON",   geometry: {points: [[x, y], ...], bounds}}      (ring not repeated)
 *   {type: "LINE",      geometry: {points: [[x1, y1], [x2, y2]], bounds}}
 *   {type: "POINT",     geometry: {x, y, bounds}}                       (ours; Annotorious has none)
 *
 * with `bounds` = {minX, minY, maxX, maxY}. Kinds map onto shapes and geometries like this:
 *
 *   point      POINT      Point
 *   line       LINE       LineString (2 positions)
 *   arrow      LINE       LineString (2 positions; drawn with a head at the second)
 *   rectangle  RECTANGLE  Polygon, closed ring of 5 positions
 *   ellipse    ELLIPSE    Polygon, closed ring of 64 vertices (+ the first repeated); editing an
 *                        ellipse back fits it to the polygon's bounding box
 *   polygon    POLYGON    Polygon, closed ring
 *   freehand   POLYGON    Polygon, closed ring
 *
 * Every position leaving this module is clamped into the slide and rounded to 2 decimals, and
 * every ring is closed (first position == last), as slides/geometry.py expects.
 *
 * Pure functions, no DOM: loaded as a plain script it defines `window.PortalShapes`; under Node
 * it is a CommonJS module (tests: `node --test slides/static/slides/tests/`).
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.PortalShapes = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var ELLIPSE_SEGMENTS = 64;
  var KINDS = ["point", "line", "arrow", "rectangle", "ellipse", "polygon", "freehand"];
  var SHAPE_OF_KIND = {
    point: "POINT",
    line: "LINE",
    arrow: "LINE",
    rectangle: "RECTANGLE",
    ellipse: "ELLIPSE",
    polygon: "POLYGON",
    freehand: "POLYGON",
  };

  /* Numbers and positions ------------------------------------------------------------------- */

  /** `value` rounded to 2 decimals, never -0. */
  function round2(value) {
    var rounded = Math.round(value * 100) / 100;
    return rounded === 0 ? 0 : rounded;
  }

  function clamp(value, low, high) {
    return value < low ? low : value > high ? high : value;
  }

  /** [x, y] clamped into a `size` = {width, height} slide and rounded to 2 decimals. */
  function position(x, y, size) {
    if (!isFinite(x) || !isFinite(y)) throw new TypeError("positions must be finite numbers");
    return [round2(clamp(x, 0, size.width)), round2(clamp(y, 0, size.height))];
  }

  function samePosition(a, b) {
    return a[0] === b[0] && a[1] === b[1];
  }

  /** Positions without consecutive repeats (after rounding). */
  function withoutRepeats(positions) {
    var out = [];
    positions.forEach(function (p) {
      if (!out.length || !samePosition(out[out.length - 1], p)) out.push(p);
    });
    return out;
  }

  function boundsOfPoints(points) {
    var bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    points.forEach(function (p) {
      if (p[0] < bounds.minX) bounds.minX = p[0];
      if (p[1] < bounds.minY) bounds.minY = p[1];
      if (p[0] > bounds.maxX) bounds.maxX = p[0];
      if (p[1] > bounds.maxY) bounds.maxY = p[1];
    });
    return bounds;
  }

  /** Twice the signed area of a ring (shoelace); the ring may or may not repeat its first point. */
  function signedArea2(points) {
    var sum = 0;
    for (var i = 0, n = points.length; i < n; i++) {
      var a = points[i];
      var b = points[(i + 1) % n];
      sum += a[0] * b[1] - b[0] * a[1];
    }
    return sum;
  }

  /** Area in square pixels of a ring (absolute value of the shoelace formula). */
  function ringArea(points) {
    return Math.abs(signedArea2(points)) / 2;
  }

  /* Building shapes --------------------------------------------------------------------------- */

  function pointShape(x, y) {
    return { type: "POINT", geometry: { x: x, y: y, bounds: { minX: x, minY: y, maxX: x, maxY: y } } };
  }

  function lineShape(a, b) {
    var points = [[a[0], a[1]], [b[0], b[1]]];
    return { type: "LINE", geometry: { points: points, bounds: boundsOfPoints(points) } };
  }

  /** The rectangle spanned by two opposite corners, in any order. */
  function rectangleShape(a, b) {
    var x = Math.min(a[0], b[0]);
    var y = Math.min(a[1], b[1]);
    var w = Math.abs(b[0] - a[0]);
    var h = Math.abs(b[1] - a[1]);
    return {
      type: "RECTANGLE",
      geometry: { x: x, y: y, w: w, h: h, bounds: { minX: x, minY: y, maxX: x + w, maxY: y + h } },
    };
  }

  /** The axis-aligned ellipse inscribed in the box spanned by two opposite corners. */
  function ellipseShape(a, b) {
    var minX = Math.min(a[0], b[0]);
    var minY = Math.min(a[1], b[1]);
    var maxX = Math.max(a[0], b[0]);
    var maxY = Math.max(a[1], b[1]);
    return {
      type: "ELLIPSE",
      geometry: {
        cx: (minX + maxX) / 2,
        cy: (minY + maxY) / 2,
        rx: (maxX - minX) / 2,
        ry: (maxY - minY) / 2,
        bounds: { minX: minX, minY: minY, maxX: maxX, maxY: maxY },
      },
    };
  }

  function polygonShape(points) {
    var copy = points.map(function (p) {
      return [p[0], p[1]];
    });
    if (copy.length > 1 && samePosition(copy[0], copy[copy.length - 1])) copy.pop();
    return { type: "POLYGON", geometry: { points: copy, bounds: boundsOfPoints(copy) } };
  }

  /** The shape a two-corner drag draws for `kind` (line, arrow, rectangle or ellipse). */
  function shapeFromCorners(kind, a, b) {
    if (kind === "rectangle") return rectangleShape(a, b);
    if (kind === "ellipse") return ellipseShape(a, b);
    if (kind === "line" || kind === "arrow") return lineShape(a, b);
    throw new Error("no two-corner shape for kind " + kind);
  }

  /** The same shape moved by (dx, dy) pixels. */
  function translateShape(shape, dx, dy) {
    var g = shape.geometry;
    var move = function (p) {
      return [p[0] + dx, p[1] + dy];
    };
    switch (shape.type) {
      case "POINT":
        return pointShape(g.x + dx, g.y + dy);
      case "LINE":
        return lineShape(move(g.points[0]), move(g.points[1]));
      case "RECTANGLE":
        return rectangleShape([g.x + dx, g.y + dy], [g.x + g.w + dx, g.y + g.h + dy]);
      case "ELLIPSE":
        return ellipseShape([g.bounds.minX + dx, g.bounds.minY + dy], [g.bounds.maxX + dx, g.bounds.maxY + dy]);
      case "POLYGON":
        return polygonShape(g.points.map(move));
      default:
        throw new Error("unknown shape type " + shape.type);
    }
  }

  /* Shape -> GeoJSON ------------------------------------------------------------------------- */

  /**
   * The closed ring of `segments` points around an axis-aligned ellipse (first repeated at the
   * end), starting at angle 0 and turning like slides.geometry.ellipse_polygon. Not clamped.
   */
  function ellipseRing(cx, cy, rx, ry, segments) {
    segments = segments || ELLIPSE_SEGMENTS;
    var ring = [];
    for (var i = 0; i < segments; i++) {
      var angle = (2 * Math.PI * i) / segments;
      ring.push([cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)]);
    }
    ring.push([ring[0][0], ring[0][1]]);
    return ring;
  }

  /** Whether every position lies on the line through the first two. */
  function allOnOneLine(points) {
    var a = points[0];
    var b = points[1];
    for (var i = 2; i < points.length; i++) {
      var c = points[i];
      if ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) !== 0) return false;
    }
    return true;
  }

  /**
   * A closed, clamped, rounded ring; null when fewer than 3 distinct corners remain or they all
   * lie on one line. (Other invalid outlines, e.g. a figure of eight, are for the server to
   * explain: it names where the outline crosses itself.)
   */
  function closedRing(points, size) {
    var ring = withoutRepeats(
      points.map(function (p) {
        return position(p[0], p[1], size);
      })
    );
    if (ring.length > 1 && samePosition(ring[0], ring[ring.length - 1])) ring.pop();
    if (ring.length < 3 || allOnOneLine(ring)) return null;
    ring.push([ring[0][0], ring[0][1]]);
    return ring;
  }

  /**
   * The GeoJSON geometry for `shape` drawn as `kind`, on a slide of `size` = {width, height}.
   * Returns null when the shape collapses once clamped and rounded (a line of one point, a
   * polygon without area), so callers can say "too small" instead of sending it.
   */
  function shapeToGeometry(shape, kind, size) {
    if (KINDS.indexOf(kind) === -1) throw new Error("unknown kind " + kind);
    var g = shape.geometry;
    var ring;
    switch (shape.type) {
      case "POINT":
        return { type: "Point", coordinates: position(g.x, g.y, size) };
      case "LINE": {
        var a = position(g.points[0][0], g.points[0][1], size);
        var b = position(g.points[1][0], g.points[1][1], size);
        if (samePosition(a, b)) return null;
        return { type: "LineString", coordinates: [a, b] };
      }
      case "RECTANGLE":
        ring = closedRing(
          [[g.x, g.y], [g.x + g.w, g.y], [g.x + g.w, g.y + g.h], [g.x, g.y + g.h]],
          size
        );
        // Clamping may squeeze a corner onto its neighbour; a rectangle keeps exactly 4 corners.
        if (ring && ring.length !== 5) return null;
        break;
      case "ELLIPSE":
        if (!(g.rx > 0 && g.ry > 0)) return null;
        ring = closedRing(ellipseRing(g.cx, g.cy, g.rx, g.ry).slice(0, ELLIPSE_SEGMENTS), size);
        break;
      case "POLYGON":
        ring = closedRing(g.points, size);
        break;
      default:
        throw new Error("unknown shape type " + shape.type);
    }
    return ring ? { type: "Polygon", coordinates: [ring] } : null;
  }

  /* GeoJSON -> shape ------------------------------------------------------------------------- */

  function isAxisAlignedRectangle(ring) {
    if (ring.length !== 5 || !samePosition(ring[0], ring[4])) return false;
    for (var i = 0; i < 4; i++) {
      var a = ring[i];
      var b = ring[i + 1];
      if (a[0] !== b[0] && a[1] !== b[1]) return false;
    }
    var box = boundsOfPoints(ring);
    return box.maxX > box.minX && box.maxY > box.minY;
  }

  /**
   * The editable shape for a stored geometry of `kind`, or null when it cannot be edited as one
   * shape (MultiPoint, MultiPolygon, a polygon with holes, a polyline of more than two points).
   * A "rectangle" that is not axis-aligned (e.g. imported) is edited as a POLYGON.
   */
  function geometryToShape(geometry, kind) {
    if (!geometry || !geometry.coordinates) return null;
    var c = geometry.coordinates;
    switch (geometry.type) {
      case "Point":
        return pointShape(c[0], c[1]);
      case "LineString":
        return c.length === 2 ? lineShape(c[0], c[1]) : null;
      case "Polygon": {
        if (c.length !== 1) return null;
        var ring = c[0];
        if (kind === "ellipse") {
          var box = boundsOfPoints(ring);
          return ellipseShape([box.minX, box.minY], [box.maxX, box.maxY]);
        }
        if (kind === "rectangle" && isAxisAlignedRectangle(ring)) {
          var r = boundsOfPoints(ring);
          return rectangleShape([r.minX, r.minY], [r.maxX, r.maxY]);
        }
        return polygonShape(ring);
      }
      default:
        return null;
    }
  }

  /* Whole geometries ------------------------------------------------------------------------- */

  /** Every position of a geometry, flattened. */
  function positionsOf(geometry) {
    var c = geometry.coordinates;
    switch (geometry.type) {
      case "Point":
        return [c];
      case "MultiPoint":
      case "LineString":
        return c;
      case "MultiLineString":
      case "Polygon":
        return [].concat.apply([], c);
      case "MultiPolygon":
        return [].concat.apply([], [].concat.apply([], c));
      default:
        return [];
    }
  }

  /** {minX, minY, maxX, maxY} of any geometry; null when it has no positions. */
  function geometryBounds(geometry) {
    var positions = geometry ? positionsOf(geometry) : [];
    return positions.length ? boundsOfPoints(positions) : null;
  }

  function pathOfPositions(positions, close) {
    if (!positions.length) return "";
    var d = "M" + positions[0][0] + " " + positions[0][1];
    var end = close && positions.length > 1 && samePosition(positions[0], positions[positions.length - 1])
      ? positions.length - 1
      : positions.length;
    for (var i = 1; i < end; i++) d += "L" + positions[i][0] + " " + positions[i][1];
    return close ? d + "Z" : d;
  }

  /**
   * An SVG path `d` in image coordinates for lines and polygons (holes drawn with the even-odd
   * rule by the caller); "" for points, which are drawn as markers.
   */
  function svgPath(geometry) {
    var c = geometry.coordinates;
    switch (geometry.type) {
      case "LineString":
        return pathOfPositions(c, false);
      case "MultiLineString":
        return c.map(function (line) { return pathOfPositions(line, false); }).join("");
      case "Polygon":
        return c.map(function (ring) { return pathOfPositions(ring, true); }).join("");
      case "MultiPolygon":
        return c.map(function (polygon) {
          return polygon.map(function (ring) { return pathOfPositions(ring, true); }).join("");
        }).join("");
      default:
        return "";
    }
  }

  /** The point positions of a Point or MultiPoint geometry ([] for other types). */
  function markerPositions(geometry) {
    if (geometry.type === "Point") return [geometry.coordinates];
    if (geometry.type === "MultiPoint") return geometry.coordinates;
    return [];
  }

  /* Freehand --------------------------------------------------------------------------------- */

  function distanceToSegment(p, a, b) {
    var dx = b[0] - a[0];
    var dy = b[1] - a[1];
    var lengthSquared = dx * dx + dy * dy;
    var t = lengthSquared ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared : 0;
    t = clamp(t, 0, 1);
    var x = a[0] + t * dx - p[0];
    var y = a[1] + t * dy - p[1];
    return Math.sqrt(x * x + y * y);
  }

  /**
   * Ramer–Douglas–Peucker simplification: the subset of `points` (first and last kept) such that
   * no dropped point lies further than `tolerance` from the simplified line. Iterative, so long
   * freehand strokes cannot overflow the stack.
   */
  function simplify(points, tolerance) {
    if (points.length < 3) return points.slice();
    var keep = new Array(points.length);
    keep[0] = keep[points.length - 1] = true;
    var stack = [[0, points.length - 1]];
    while (stack.length) {
      var span = stack.pop();
      var first = span[0];
      var last = span[1];
      var furthest = -1;
      var furthestDistance = tolerance;
      for (var i = first + 1; i < last; i++) {
        var distance = distanceToSegment(points[i], points[first], points[last]);
        if (distance > furthestDistance) {
          furthest = i;
          furthestDistance = distance;
        }
      }
      if (furthest !== -1) {
        keep[furthest] = true;
        stack.push([first, furthest], [furthest, last]);
      }
    }
    return points.filter(function (_, i) {
      return keep[i];
    });
  }

  return {
    ELLIPSE_SEGMENTS: ELLIPSE_SEGMENTS,
    KINDS: KINDS.slice(),
    SHAPE_OF_KIND: SHAPE_OF_KIND,
    round2: round2,
    position: position,
    ringArea: ringArea,
    boundsOfPoints: boundsOfPoints,
    pointShape: pointShape,
    lineShape: lineShape,
    rectangleShape: rectangleShape,
    ellipseShape: ellipseShape,
    polygonShape: polygonShape,
    shapeFromCorners: shapeFromCorners,
    translateShape: translateShape,
    ellipseRing: ellipseRing,
    shapeToGeometry: shapeToGeometry,
    geometryToShape: geometryToShape,
    geometryBounds: geometryBounds,
    svgPath: svgPath,
    markerPositions: markerPositions,
    simplify: simplify,
  };
});
