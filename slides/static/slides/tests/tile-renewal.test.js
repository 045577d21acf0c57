// Unit tests for tile-renewal.js: node --test slides/static/slides/tests/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const R = require("../tile-renewal.js");

const OLD = "1003624-9p2S0vPQhh7AsBbfe6Bi-t";
const NEW = "1005000-AAAAAAAAAAAAAAAAAAAAAA";
const SLIDE = "0b9e6c3e-5f0a-4c53-9b0c-1d2e3f405060";

test("the token is read from DZI and tile URLs", () => {
  assert.equal(R.tokenIn(`/slides/tiles/${OLD}/${SLIDE}.dzi`), OLD);
  assert.equal(R.tokenIn(`/slides/tiles/${OLD}/${SLIDE}_files/3/1_2.jpeg`), OLD);
  assert.equal(R.tokenIn("/slides/library/"), null);
});

test("the expiry is the decimal number before the dash", () => {
  assert.equal(R.expiresOf(OLD), 1003624);
  assert.equal(R.expiresOf("zz-x"), null);
});

test("only the token segment of a tile URL is replaced", () => {
  const url = `http://testserver/slides/tiles/${OLD}/${SLIDE}_files/12/3_4.jpeg`;
  assert.equal(R.withToken(url, NEW), `http://testserver/slides/tiles/${NEW}/${SLIDE}_files/12/3_4.jpeg`);
  assert.equal(R.withToken("/slides/library/", NEW), "/slides/library/");
});

test("an hour-long token is renewed a minute before it expires", () => {
  const now = 1_000_000 * 1000;
  assert.equal(R.renewDelay(1_000_000 + 3600, now), (3600 - 60) * 1000);
  assert.equal(R.renewDelay(1_000_000 + 1801, now), (1801 - 60) * 1000);
});

test("a short-lived token is renewed halfway, and never in the past", () => {
  const now = 1_000_000 * 1000;
  assert.equal(R.renewDelay(1_000_000 + 4, now), 2000);
  assert.equal(R.renewDelay(1_000_000 - 10, now), 500);
});

test("a failed renewal is retried before the token runs out", () => {
  const now = 1_000_000 * 1000;
  assert.equal(R.retryDelay(1_000_000 + 3600, now), 15_000);
  assert.equal(R.retryDelay(1_000_000 + 10, now), 5000);
  assert.equal(R.retryDelay(1_000_000 - 5, now), 500);
});
