// Unit tests for geojson-shapes.js: node --test slides/static/slides/tests/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Shapes = require("../geojson-shapes.js");

const SIZE = { width: 4000, height: 3000 };

function isClosed(ring) {
  return ring.length >= 4 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
}

test("a point becomes a GeoJSON Point rounded to 2 decimals", () => {
  const geometry = Shapes.shapeToGeometry(Shapes.pointShape(12.3456, 7.891), "point", SIZE);
  assert.deepEqual(geometry, { type: "Point", coordinates: [12.35, 7.89] });
});

test("positions outside the slide are clamped onto its edge", () => {
  const geometry = Shapes.shapeToGeometry(Shapes.pointShape(-5, 3100.5), "point", SIZE);
  assert.deepEqual(geometry.coordinates, [0, 3000]);
  assert.ok(!Object.is(geometry.coordinates[0], -0), "no negative zero");
});

test("lines and arrows become two-position LineStrings", () => {
  for (const kind of ["line", "arrow"]) {
    const geometry = Shapes.shapeToGeometry(Shapes.lineShape([10, 20], [300.004, 400]), kind, SIZE);
    assert.deepEqual(geometry, { type: "LineString", coordinates: [[10, 20], [300, 400]] });
  }
});

test("a line that collapses to one position is refused", () => {
  assert.equal(Shapes.shapeToGeometry(Shapes.lineShape([10, 20], [10.001, 20.001]), "line", SIZE), null);
});

test("a rectangle is a closed ring of 5 positions, whichever corner the drag started from", () => {
  const geometry = Shapes.shapeToGeometry(Shapes.rectangleShape([300, 200], [100, 50]), "rectangle", SIZE);
  assert.equal(geometry.type, "Polygon");
  const ring = geometry.coordinates[0];
  assert.equal(ring.length, 5);
  assert.ok(isClosed(ring));
  assert.deepEqual(ring.slice(0, 4), [[100, 50], [300, 50], [300, 200], [100, 200]]);
});

test("a rectangle squeezed flat by clamping is refused", () => {
  assert.equal(Shapes.shapeToGeometry(Shapes.rectangleShape([4100, 10], [4200, 300]), "rectangle", SIZE), null);
});

test("an ellipse is a closed polygon of 64 vertices inside its box", () => {
  const geometry = Shapes.shapeToGeometry(Shapes.ellipseShape([1000, 500], [1400, 700]), "ellipse", SIZE);
  const ring = geometry.coordinates[0];
  assert.equal(ring.length, 65);
  assert.ok(isClosed(ring));
  assert.deepEqual(ring[0], [1400, 600]); // angle 0, like slides.geometry.ellipse_polygon
  for (const [x, y] of ring) {
    assert.ok(x >= 1000 && x <= 1400 && y >= 500 && y <= 700);
    assert.ok(Math.abs(((x - 1200) / 200) ** 2 + ((y - 600) / 100) ** 2 - 1) < 0.001);
  }
});

test("an ellipse read back is fitted to the polygon's bounding box", () => {
  const geometry = Shapes.shapeToGeometry(Shapes.ellipseShape([1000, 500], [1400, 700]), "ellipse", SIZE);
  const shape = Shapes.geometryToShape(geometry, "ellipse");
  assert.equal(shape.type, "ELLIPSE");
  assert.deepEqual([shape.geometry.cx, shape.geometry.cy, shape.geometry.rx, shape.geometry.ry], [1200, 600, 200, 100]);
  assert.deepEqual(Shapes.shapeToGeometry(shape, "ellipse", SIZE), geometry);
});

test("polygons and freehand outlines are closed, without repeated positions", () => {
  const points = [[10, 10], [10, 10], [200, 10.001], [200, 150], [10, 10]];
  for (const kind of ["polygon", "freehand"]) {
    const geometry = Shapes.shapeToGeometry(Shapes.polygonShape(points), kind, SIZE);
    assert.deepEqual(geometry, { type: "Polygon", coordinates: [[[10, 10], [200, 10], [200, 150], [10, 10]]] });
  }
});

test("a polygon without area is refused", () => {
  assert.equal(Shapes.shapeToGeometry(Shapes.polygonShape([[0, 0], [10, 10], [20, 20]]), "polygon", SIZE), null);
  assert.equal(Shapes.shapeToGeometry(Shapes.polygonShape([[0, 0], [10, 10]]), "polygon", SIZE), null);
});

test("an outline that crosses itself is sent as drawn, for the server to explain", () => {
  const eight = Shapes.polygonShape([[0, 0], [10, 10], [10, 0], [0, 10]]);
  assert.deepEqual(Shapes.shapeToGeometry(eight, "freehand", SIZE).coordinates[0].length, 5);
});

test("unknown kinds are a programming error", () => {
  assert.throws(() => Shapes.shapeToGeometry(Shapes.pointShape(1, 1), "blob", SIZE));
});

test("stored geometries come back as the shapes that made them", () => {
  const cases = [
    ["point", Shapes.pointShape(5, 6)],
    ["arrow", Shapes.lineShape([1, 2], [3, 4])],
    ["rectangle", Shapes.rectangleShape([10, 20], [30, 60])],
    ["polygon", Shapes.polygonShape([[0, 0], [50, 0], [25, 40]])],
  ];
  for (const [kind, shape] of cases) {
    const geometry = Shapes.shapeToGeometry(shape, kind, SIZE);
    const back = Shapes.geometryToShape(geometry, kind);
    assert.equal(back.type, shape.type, kind);
    assert.deepEqual(Shapes.shapeToGeometry(back, kind, SIZE), geometry, kind);
  }
});

test("a rectangle that is not axis-aligned is edited as a polygon", () => {
  const tilted = { type: "Polygon", coordinates: [[[0, 10], [10, 0], [20, 10], [10, 20], [0, 10]]] };
  assert.equal(Shapes.geometryToShape(tilted, "rectangle").type, "POLYGON");
});

test("geometries that are not one simple shape are not editable", () => {
  assert.equal(Shapes.geometryToShape({ type: "MultiPoint", coordinates: [[1, 1], [2, 2]] }, "point"), null);
  assert.equal(Shapes.geometryToShape({ type: "LineString", coordinates: [[1, 1], [2, 2], [3, 1]] }, "line"), null);
  const hole = [[[0, 0], [10, 0], [10, 10], [0, 0]], [[2, 1], [3, 1], [3, 2], [2, 1]]];
  assert.equal(Shapes.geometryToShape({ type: "Polygon", coordinates: hole }, "polygon"), null);
});

test("moving a shape moves every position", () => {
  const moved = Shapes.translateShape(Shapes.rectangleShape([10, 20], [30, 60]), 5, -10);
  assert.deepEqual(moved.geometry.bounds, { minX: 15, minY: 10, maxX: 35, maxY: 50 });
  const ellipse = Shapes.translateShape(Shapes.ellipseShape([0, 0], [10, 20]), 1, 2);
  assert.deepEqual([ellipse.geometry.cx, ellipse.geometry.cy], [6, 12]);
});

test("bounds and SVG paths cover every geometry type", () => {
  const multi = { type: "MultiPolygon", coordinates: [[[[0, 0], [4, 0], [4, 4], [0, 0]]], [[[10, 10], [12, 10], [12, 15], [10, 10]]]] };
  assert.deepEqual(Shapes.geometryBounds(multi), { minX: 0, minY: 0, maxX: 12, maxY: 15 });
  assert.equal(Shapes.svgPath(multi), "M0 0L4 0L4 4ZM10 10L12 10L12 15Z");
  assert.equal(Shapes.svgPath({ type: "LineString", coordinates: [[1, 2], [3, 4]] }), "M1 2L3 4");
  assert.equal(Shapes.svgPath({ type: "Point", coordinates: [1, 2] }), "");
  assert.deepEqual(Shapes.markerPositions({ type: "MultiPoint", coordinates: [[1, 2], [3, 4]] }), [[1, 2], [3, 4]]);
});

test("simplify keeps the outline within the tolerance and drops the rest", () => {
  const line = [];
  for (let i = 0; i <= 100; i++) line.push([i, i % 2 ? 0.2 : 0]);
  line.push([100, 50]);
  const simplified = Shapes.simplify(line, 0.5);
  assert.deepEqual(simplified, [[0, 0], [100, 0], [100, 50]]);
  assert.deepEqual(Shapes.simplify([[0, 0], [1, 1]], 1), [[0, 0], [1, 1]]);
});
