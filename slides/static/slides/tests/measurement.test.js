// Unit tests for measurement.js: node --test slides/static/slides/tests/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const M = require("../measurement.js");

test("a length scales x and y by their own pixel sizes", () => {
  assert.equal(M.lengthUm([0, 0], [1000, 0], 0.5, 0.25), 500);
  assert.equal(M.lengthUm([0, 0], [0, 1000], 0.5, 0.25), 250);
  assert.ok(Math.abs(M.lengthUm([0, 0], [300, 400], 1, 1) - 500) < 1e-9);
});

test("an area is the shoelace area times both pixel sizes, either winding", () => {
  const square = [[0, 0], [200, 0], [200, 200], [0, 200]];
  assert.equal(M.areaUm2(square, 0.5, 0.5), 10000);
  assert.equal(M.areaUm2(square.slice().reverse(), 0.5, 0.25), 5000);
  assert.equal(M.areaUm2(square.concat([[0, 0]]), 1, 1), 40000);
});

test("lengths switch to millimetres at 1000 µm", () => {
  assert.equal(M.formatLength(123.44), "123.4 µm");
  assert.equal(M.formatLength(4.567), "4.57 µm");
  assert.equal(M.formatLength(999.94), "999.9 µm");
  assert.equal(M.formatLength(1234), "1.23 mm");
  assert.equal(M.formatLength(15250), "15.3 mm");
});

test("areas switch to square millimetres at 10 000 µm²", () => {
  assert.equal(M.formatArea(456.2), "456 µm²");
  assert.equal(M.formatArea(45.62), "45.6 µm²");
  assert.equal(M.formatArea(123000), "0.123 mm²");
  assert.equal(M.formatArea(12345), "0.0123 mm²");
  assert.equal(M.formatArea(2.5e6), "2.5 mm²");
});

test("pixel size comes from data-mpp-x/-y, else data-mpp, else nothing", () => {
  assert.deepEqual(M.pixelSize({ mpp: "0.5" }), { x: 0.5, y: 0.5 });
  assert.deepEqual(M.pixelSize({ mpp: "0.5", mppX: "0.4", mppY: "0.3" }), { x: 0.4, y: 0.3 });
  assert.deepEqual(M.pixelSize({ mpp: "0.5", mppX: "0.4" }), { x: 0.5, y: 0.5 });
  assert.equal(M.pixelSize({ mpp: "" }), null);
  assert.equal(M.pixelSize({ mpp: "0" }), null);
  assert.equal(M.pixelSize({}), null);
});
