/*
 * Keeping an open viewer's tile token alive.
 *
 * Tile URLs carry a token that lives at most an hour (slides/tile_tokens.py), so someone removed
 * from a course loses tile access soon after. A page may stay open far longer, so before the
 * token runs out the viewer asks `data-renew-url` for a fresh one (the server checks access
 * again) and puts it into the URLs of tiles it has still to load. Tiles already on screen stay;
 * nothing reloads.
 *
 * OpenSeadragon fixes each tile's URL when it first meets the tile and keys its cache by that
 * URL, so the tile source hands out a getter instead of a string: the URL is made with the
 * current token when the tile is actually fetched, and the cache key stays the same.
 *
 * The pure part (reading and replacing the token, when to renew) is a CommonJS module for the
 * tests in slides/static/slides/tests/; in the page, `window.PortalTileRenewal.attach(viewer,
 * element)` is called by viewer.js for every viewer.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.PortalTileRenewal = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // The token segment of a tile or DZI URL: /tiles/<hex expiry>-<signature>/ (slides/urls.py).
  var TOKEN_IN_URL = /\/tiles\/([0-9]{1,12}-[A-Za-z0-9_-]{22})\//;
  // Renew this long before expiry (or half the time left when less), leaving room for retries.
  var LEAD_MS = 60 * 1000;
  var RETRY_MS = 15 * 1000;
  var MIN_DELAY_MS = 500;

  /** The token in `url`, or null. */
  function tokenIn(url) {
    var match = TOKEN_IN_URL.exec(url || "");
    return match ? match[1] : null;
  }

  /** The token's expiry in seconds since the epoch (written in decimal before the dash). */
  function expiresOf(token) {
    var expires = parseInt(String(token).split("-")[0], 10);
    return isFinite(expires) ? expires : null;
  }

  /** `url` with its token replaced by `token` (unchanged when it has none). */
  function withToken(url, token) {
    return url.replace(TOKEN_IN_URL, "/tiles/" + token + "/");
  }

  /** Milliseconds from `nowMs` until the token expiring at `expiresSeconds` should be renewed. */
  function renewDelay(expiresSeconds, nowMs) {
    var left = expiresSeconds * 1000 - nowMs;
    return Math.max(MIN_DELAY_MS, left - Math.min(LEAD_MS, left / 2));
  }

  /** After a failed renewal: try again soon, but before the token runs out if it still can. */
  function retryDelay(expiresSeconds, nowMs) {
    var left = expiresSeconds * 1000 - nowMs;
    return Math.max(MIN_DELAY_MS, Math.min(RETRY_MS, left / 2));
  }

  /* In the page ------------------------------------------------------------------------------ */

  function useCurrentToken(source, state) {
    if (source.portalTokenRenewal) return;
    source.portalTokenRenewal = true;
    var tileUrl = source.getTileUrl;
    source.getTileUrl = function (level, x, y) {
      var self = this;
      return function () {
        return withToken(tileUrl.call(self, level, x, y), state.token);
      };
    };
  }

  function attach(viewer, element) {
    var renewUrl = element.dataset.renewUrl;
    var state = { token: tokenIn(element.dataset.dziUrl), timer: null, stopped: false };
    if (!renewUrl || !state.token) return null;

    // The navigator shares the main image's tile source, so one patch serves both.
    viewer.world.addHandler("add-item", function (event) {
      useCurrentToken(event.item.source, state);
    });

    function schedule(delay) {
      window.clearTimeout(state.timer);
      state.due = Date.now() + delay;
      state.timer = window.setTimeout(renew, delay);
    }

    function renew() {
      if (state.stopped) return;
      window
        .fetch(renewUrl, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          redirect: "manual", // a redirect means the session ended: to log in, not to JSON
        })
        .then(function (response) {
          if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
            state.stopped = true; // access has ended: tiles stop when the token does
            return null;
          }
          if (!response.ok) throw new Error("renewal answered " + response.status);
          return response.json();
        })
        .then(function (body) {
          if (!body) return;
          state.token = body.token;
          element.dataset.dziUrl = body.dzi_url;
          if (viewer.portalSlide) viewer.portalSlide.dziUrl = body.dzi_url;
          element.dispatchEvent(new CustomEvent("portal-viewer:token-renewed", { detail: body }));
          schedule(renewDelay(body.expires, Date.now()));
        })
        .catch(function () {
          schedule(retryDelay(expiresOf(state.token), Date.now()));
        });
    }

    // Timers sleep with the laptop and are throttled in background tabs: catch up on return.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && !state.stopped && Date.now() >= state.due) {
        renew();
      }
    });

    schedule(renewDelay(expiresOf(state.token), Date.now()));
    viewer.portalTokenRenewal = state;
    return state;
  }

  return {
    tokenIn: tokenIn,
    expiresOf: expiresOf,
    withToken: withToken,
    renewDelay: renewDelay,
    retryDelay: retryDelay,
    attach: attach,
  };
});
