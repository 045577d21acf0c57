// Unit tests for sync-math.js: node --test slides/static/slides/tests/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const S = require("../sync-math.js");

const A = { width: 4000, mppX: 0.5, mppY: 0.5 };
const B = { width: 3000, mppX: 0.25, mppY: 0.25 };

function close(actual, expected) {
  for (const key of Object.keys(expected)) {
    assert.ok(Math.abs(actual[key] - expected[key]) < 1e-9, `${key}: ${actual[key]} != ${expected[key]}`);
  }
}

test("slides with pixel sizes are matched in micrometres", () => {
  const units = S.units(A, B);
  assert.equal(units.physical, true);
  const offset = { dx: 0, dy: 0, rotation: 0 };
  // A shows (1000, 600) at 0.4 screen px per pixel = 1.25 µm per screen px.
  const target = S.follow({ x: 1000, y: 600, imageZoom: 0.4, rotation: 0 }, units.a, units.b, offset, true);
  close(target, { x: 2000, y: 1200, imageZoom: 0.2, rotation: 0 });
});

test("the offset captured at lock time is kept, in both directions", () => {
  const units = S.units(A, B);
  const viewA = { x: 1000, y: 1000, imageZoom: 1, rotation: 0 };
  const viewB = { x: 3000, y: 1000, imageZoom: 2, rotation: 90 };
  const offset = S.captureOffset(viewA, units.a, viewB, units.b);
  close(offset, { dx: 250, dy: -250, rotation: 90 });
  // A pans 100 px (50 µm) right: B pans 200 of its pixels, and shows the same µm per screen
  // pixel as A (0.5), whatever its zoom was at lock time.
  const b = S.follow({ x: 1100, y: 1000, imageZoom: 1, rotation: 0 }, units.a, units.b, offset, true);
  close(b, { x: 3200, y: 1000, imageZoom: 0.5, rotation: 90 });
  // B leading gives A back.
  const a = S.follow(b, units.b, units.a, offset, false);
  close(a, { x: 1100, y: 1000, imageZoom: 1, rotation: 0 });
});

test("without a pixel size the views are matched by share of slide width", () => {
  const units = S.units(A, { width: 2000, mppX: null, mppY: null });
  assert.equal(units.physical, false);
  const target = S.follow({ x: 2000, y: 1000, imageZoom: 0.5, rotation: 0 }, units.a, units.b, { dx: 0, dy: 0, rotation: 0 }, true);
  close(target, { x: 1000, y: 500, imageZoom: 1 });
});
