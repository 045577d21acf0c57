// Unit tests for keyboard-cursor.js: node --test slides/static/slides/tests/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const C = require("../keyboard-cursor.js");

const VIEW = { width: 800, height: 600 };

test("arrow keys move by a small step, and by a big one with Shift", () => {
  assert.deepEqual(C.keyAction({ key: "ArrowRight" }), { action: "move", dx: C.STEP, dy: 0 });
  assert.deepEqual(C.keyAction({ key: "ArrowUp", shiftKey: true }), { action: "move", dx: 0, dy: -C.BIG_STEP });
  assert.ok(C.BIG_STEP > C.STEP);
});

test("Enter and Space place, Backspace undoes, C closes; other keys are left to the viewer", () => {
  assert.equal(C.keyAction({ key: "Enter" }).action, "place");
  assert.equal(C.keyAction({ key: " " }).action, "place");
  assert.equal(C.keyAction({ key: "Backspace" }).action, "undo");
  assert.equal(C.keyAction({ key: "C" }).action, "close");
  assert.equal(C.keyAction({ key: "w" }), null); // W A S D still pan
  assert.equal(C.keyAction({ key: "+" }), null);
  assert.equal(C.keyAction({ key: "ArrowLeft", ctrlKey: true }), null);
  assert.equal(C.keyAction({ key: "Escape" }), null); // the tool cancels
});

test("the crosshair starts in the middle and never leaves the view", () => {
  assert.deepEqual(C.centre(VIEW), [400, 300]);
  assert.deepEqual(C.move([400, 300], 10, -10, VIEW), [410, 290]);
  assert.deepEqual(C.move([795, 5], 60, -60, VIEW), [796, 4]);
  assert.deepEqual(C.move([3, 598], -60, 60, VIEW), [4, 596]);
  assert.deepEqual(C.clamp([50, 50], { width: 4, height: 6 }), [2, 3]);
});

test("where something lies is said in percent of the visible field", () => {
  assert.equal(C.where([320, 150], VIEW), "40% across, 25% down the visible field");
  assert.equal(C.where([900, 300], VIEW), "100% across, 50% down the visible field (out of view)");
  assert.equal(C.where([10, 10], { width: 0, height: 0 }), "0% across, 0% down the visible field (out of view)");
});

test("placements are announced with their count and where the last one is", () => {
  const at = C.where([320, 150], VIEW);
  assert.equal(C.pointsPlaced(3, at), "3 points placed; the last at 40% across, 25% down the visible field.");
  assert.equal(C.pointsPlaced(1, at), "1 point placed; the last at 40% across, 25% down the visible field.");
  assert.equal(C.pointsPlaced(0, ""), "No points placed.");
  assert.match(C.cornersSoFar(2, at), /^Outline: 2 corners; .* next corner\.$/);
  assert.match(C.cornersSoFar(3, at), /Press C to close it\.$/);
});

test("the list of placed items names each item", () => {
  assert.equal(C.itemLabel("point", 0, null), "Point 1");
  assert.equal(C.itemLabel("outline", 0, "4 corners, 2 mm²"), "Outline: 4 corners, 2 mm²");
  assert.equal(C.itemLabel("line", 0, "120 µm"), "Ruler: 120 µm");
});
