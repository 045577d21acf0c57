/*
 * Two slides side by side, moving together.
 *
 * Activated by a container with `data-sync-group` holding two [data-slide-viewer] elements
 * (each with data-width, data-height and data-mpp or data-mpp-x/-y). Pan, zoom, rotation and
 * mirroring are locked together by default; "Lock views" ([data-sync-lock], aria-pressed)
 * unlocks them so one can be realigned, and locking again keeps the offset they then have.
 *
 * Views are matched in micrometres (same tissue offset, same µm per screen pixel), so slides of
 * different sizes or pixel sizes line up. When either slide has no pixel size they are matched by
 * shares of the slide width instead, and the bar says so. The viewer the person last touched
 * leads; the other follows immediately, and a guard stops the follower's redraws echoing back.
 *
 * container.dataset.syncLocked = "true" | "false" for tests.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var SyncMath = window.PortalSyncMath;
  var Measurement = window.PortalMeasurement;
  if (!Kit || !SyncMath || !Measurement) {
    if (window.console) window.console.error("side-by-side.js needs sync-math.js, measurement.js and slide-kit.js first.");
    return;
  }
  var el = Kit.el;

  function slideOf(element, viewer) {
    var mpp = Measurement.pixelSize(element.dataset);
    var item = viewer.world.getItemAt(0);
    var size = item ? item.getContentSize() : null;
    return {
      width: (size && size.x) || Kit.positiveNumber(element.dataset.width) || 1,
      mppX: mpp ? mpp.x : null,
      mppY: mpp ? mpp.y : null,
    };
  }

  function viewOf(viewer) {
    var viewport = viewer.viewport;
    var center = viewport.viewportToImageCoordinates(viewport.getCenter(true));
    return {
      x: center.x,
      y: center.y,
      imageZoom: viewport.viewportToImageZoom(viewport.getZoom(true)),
      rotation: viewport.getRotation(true),
    };
  }

  function applyView(viewer, view) {
    var viewport = viewer.viewport;
    var OSD = window.OpenSeadragon;
    if (Math.abs(viewport.getRotation(true) - view.rotation) > 1e-6) viewport.setRotation(view.rotation, true);
    viewport.zoomTo(viewport.imageToViewportZoom(view.imageZoom), null, true);
    viewport.panTo(viewport.imageToViewportCoordinates(new OSD.Point(view.x, view.y)), true);
  }

  function Group(container, elements) {
    var self = this;
    this.container = container;
    this.elements = elements;
    this.viewers = elements.map(function (element) {
      return element.portalViewer;
    });
    this.locked = true;
    this.leader = 0;
    this.applying = false;
    container.classList.add("sync-group");

    this.button = el("button", {
      type: "button",
      class: "button button--small sync-lock",
      "aria-pressed": "true",
      "data-sync-lock": true,
    }, [Kit.icon("lock"), el("span", { text: "Lock views" })]);
    this.note = el("p", { class: "sync-note", role: "status", "data-sync-note": true });
    this.bar = el("div", { class: "sync-bar", role: "group", "aria-label": "Side-by-side views" }, [this.button, this.note]);
    container.insertBefore(this.bar, container.firstChild);
    this.button.addEventListener("click", function () {
      self.setLocked(!self.locked);
    });

    elements.forEach(function (element, index) {
      // Whichever viewer the person touches, scrolls or types in leads.
      ["pointerdown", "wheel", "keydown", "touchstart", "focusin"].forEach(function (name) {
        element.addEventListener(name, function () {
          self.leader = index;
        }, { capture: true, passive: true });
      });
      self.viewers[index].addHandler("update-viewport", function () {
        self.sync(index);
      });
      self.viewers[index].addHandler("flip", function (event) {
        if (!self.locked || self.applying || index !== self.leader) return;
        var other = self.viewers[1 - index];
        self.applying = true;
        if (other.viewport.getFlip() !== event.flipped) other.viewport.setFlip(event.flipped);
        self.applying = false;
      });
    });

    this.units = SyncMath.units(slideOf(elements[0], this.viewers[0]), slideOf(elements[1], this.viewers[1]));
    this.note.textContent = this.units.physical
      ? "Views move together, matched in micrometres."
      : "One slide has no pixel size, so the views are matched by share of slide width, not by micrometres.";
    this.capture();
    this.setLocked(true, true);
  }

  Group.prototype.capture = function () {
    this.offset = SyncMath.captureOffset(viewOf(this.viewers[0]), this.units.a, viewOf(this.viewers[1]), this.units.b);
  };

  Group.prototype.setLocked = function (locked, quiet) {
    this.locked = locked;
    if (locked) this.capture();
    this.button.setAttribute("aria-pressed", locked ? "true" : "false");
    this.button.replaceChildren(Kit.icon(locked ? "lock" : "unlock"), el("span", { text: "Lock views" }));
    this.button.title = locked ? "Views move together; press to move them separately" : "Views move separately; press to lock them together";
    this.container.dataset.syncLocked = locked ? "true" : "false";
    if (!quiet) {
      this.note.textContent = locked
        ? "Views locked: they move together, keeping their present offset."
        : "Views unlocked: move either slide to line them up, then lock again.";
    }
  };

  Group.prototype.sync = function (index) {
    if (!this.locked || this.applying || index !== this.leader) return;
    var leader = this.viewers[index];
    var follower = this.viewers[1 - index];
    if (!leader.world.getItemAt(0) || !follower.world.getItemAt(0)) return;
    var leaderIsA = index === 0;
    var target = SyncMath.follow(
      viewOf(leader),
      leaderIsA ? this.units.a : this.units.b,
      leaderIsA ? this.units.b : this.units.a,
      this.offset,
      leaderIsA
    );
    this.applying = true;
    try {
      applyView(follower, target);
    } finally {
      this.applying = false;
    }
  };

  function setUp(container) {
    if (container.portalSync) return;
    var elements = Array.prototype.slice.call(container.querySelectorAll("[data-slide-viewer]"), 0, 2);
    if (elements.length < 2) return;
    var ready = elements.every(function (element) {
      return element.portalViewer && element.portalViewer.world.getItemCount() > 0;
    });
    if (!ready) {
      // Try again when each viewer has been made and has opened its slide.
      elements.forEach(function (element) {
        if (element.portalViewer && !element.portalSyncWaiting) {
          element.portalSyncWaiting = true;
          element.portalViewer.addOnceHandler("open", function () {
            setUp(container);
          });
        }
      });
      return;
    }
    container.portalSync = new Group(container, elements);
  }

  function setUpAll() {
    document.querySelectorAll("[data-sync-group]").forEach(setUp);
  }

  document.addEventListener("portal-viewer:ready", function (event) {
    var container = event.target.closest && event.target.closest("[data-sync-group]");
    if (container) setUp(container);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
