/*
 * Guided tours: a player for everyone, a recorder for educators.
 *
 * Activated by `data-tour-url` on a [data-slide-viewer] element. GET it for
 * {version, stops: [{center_x, center_y, view_width, rotation, text, text_html}]}: the centre and the
 * width of the view in level-0 pixels, so a stop looks the same on any screen.
 *
 * Player ([data-tour-player], shown when the tour has stops): "Tour: 1 / N", [data-tour-prev],
 * [data-tour-next] and the stop's sentence. Each step animates to the stop;
 * element.dataset.tourStop = "<index from 1>" once the view has arrived. With the player
 * focused, ← and → step.
 *
 * Recorder (`data-tour-edit` as well): the stops as a list in the side panel with their
 * sentences, "Add current view" ([data-tour-add]), go to / move up / move down / delete per stop,
 * and "Save tour" ([data-tour-save]) which PUTs {version, stops}; a 409 shows a banner with
 * Reload. element.dataset.tourSaved = "<version>" after each save.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  if (!Kit) {
    if (window.console) window.console.error("tour.js needs slide-kit.js first.");
    return;
  }
  var el = Kit.el;
  var OSD = function () {
    return window.OpenSeadragon;
  };
  var MAX_STOPS = 50;
  var CONFLICT_TEXT = "Someone else changed this tour. Reload to see their version.";

  /* Views <-> stops --------------------------------------------------------------------------- */

  /** Viewport units per level-0 pixel along x. */
  function viewportPerPixel(viewport) {
    var a = viewport.imageToViewportCoordinates(new (OSD().Point)(0, 0));
    var b = viewport.imageToViewportCoordinates(new (OSD().Point)(1000, 0));
    return (b.x - a.x) / 1000;
  }

  function normaliseDegrees(degrees) {
    var d = degrees % 360;
    if (d < 0) d += 360;
    return Math.round(d * 100) / 100;
  }

  /** The current view as a stop: centre and visible width in level-0 pixels, rotation. */
  function currentView(viewer, size) {
    var viewport = viewer.viewport;
    var center = viewport.viewportToImageCoordinates(viewport.getCenter(true));
    // The screen shows 1 / zoom viewport units across, whatever the rotation.
    var width = 1 / viewport.getZoom(true) / viewportPerPixel(viewport);
    var clampTo = function (value, high) {
      return Math.round(Math.min(Math.max(value, 0), high) * 100) / 100;
    };
    return {
      center_x: clampTo(center.x, size.width),
      center_y: clampTo(center.y, size.height),
      view_width: Math.round(Math.min(width, 4 * Math.max(size.width, size.height)) * 100) / 100,
      rotation: normaliseDegrees(viewport.getRotation(true)),
    };
  }

  /** Animate (or jump, with reduced motion) to a stop; calls `arrived` when the view is there. */
  function goToStop(viewer, stop, arrived) {
    var viewport = viewer.viewport;
    var immediately = Kit.prefersReducedMotion();
    var done = false;
    function finish() {
      if (done) return;
      done = true;
      viewer.removeHandler("animation-finish", finish);
      clearTimeout(timer);
      arrived();
    }
    viewer.addHandler("animation-finish", finish);
    // animation-finish does not come when nothing had to move; this is the fallback.
    var timer = setTimeout(finish, immediately ? 50 : 2500);
    var rotation = Number(stop.rotation) || 0;
    var current = viewport.getRotation();
    // Turn the short way round.
    var delta = ((((rotation - current) % 360) + 540) % 360) - 180;
    viewport.setRotation(current + delta, immediately);
    viewport.zoomTo(1 / (stop.view_width * viewportPerPixel(viewport)), null, immediately);
    viewport.panTo(viewport.imageToViewportCoordinates(new (OSD().Point)(stop.center_x, stop.center_y)), immediately);
    if (immediately) finish();
  }

  /* Player -------------------------------------------------------------------------------------- */

  function Player(ctx) {
    var self = this;
    this.ctx = ctx;
    this.stops = [];
    this.index = -1;
    this.position = el("span", { class: "tour-player__position", "data-tour-position": true });
    this.text = el("p", { class: "tour-player__text", "data-tour-text": true });
    this.prev = Kit.iconButton("previous", "Previous stop", { "data-tour-prev": true });
    this.next = Kit.iconButton("next", "Next stop", { "data-tour-next": true });
    this.root = el("section", {
      class: "tour-player",
      tabindex: "0",
      "aria-label": "Guided tour. Use the left and right arrow keys to step.",
      "data-tour-player": true,
      hidden: true,
    }, [
      el("div", { class: "tour-player__bar" }, [this.prev, this.position, this.next]),
      el("div", { "aria-live": "polite", "aria-atomic": "true", class: "tour-player__live" }, [this.text]),
    ]);
    this.prev.addEventListener("click", function () {
      self.step(-1);
    });
    this.next.addEventListener("click", function () {
      self.step(1);
    });
    this.root.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        event.stopPropagation();
        self.step(event.key === "ArrowLeft" ? -1 : 1);
      }
    });
    ctx.viewer.addControl(el("div", { class: "tour-player-wrap" }, [this.root]), {
      anchor: OSD().ControlAnchor.BOTTOM_RIGHT,
      autoFade: false,
    });
  }

  Player.prototype.setStops = function (stops) {
    this.stops = stops || [];
    if (this.index >= this.stops.length) this.index = this.stops.length - 1;
    this.root.hidden = this.stops.length === 0;
    this.render();
  };

  Player.prototype.render = function () {
    var count = this.stops.length;
    if (this.index < 0) {
      this.position.textContent = "Tour: " + count + (count === 1 ? " stop" : " stops");
      this.text.textContent = "Press Next to start the guided tour.";
    } else {
      this.position.textContent = "Tour: " + (this.index + 1) + " / " + count;
      var stop = this.stops[this.index];
      // text_html: the server's sanitised rendering of the stop's Markdown (courses/markdown_text.py).
      if (typeof stop.text_html === "string") this.text.innerHTML = stop.text_html;
      else this.text.textContent = stop.text;
    }
    this.prev.disabled = this.index <= 0;
    this.next.disabled = this.index >= count - 1;
    this.next.setAttribute("aria-label", this.index < 0 ? "Start the tour" : "Next stop");
    this.next.title = this.next.getAttribute("aria-label");
  };

  Player.prototype.step = function (by) {
    var target = Math.min(Math.max(this.index + by, 0), this.stops.length - 1);
    if (target === this.index || target < 0) return;
    this.show(target);
  };

  Player.prototype.show = function (index) {
    var element = this.ctx.element;
    this.index = index;
    this.render();
    delete element.dataset.tourStop;
    goToStop(this.ctx.viewer, this.stops[index], function () {
      element.dataset.tourStop = String(index + 1);
    });
  };

  /* Recorder ------------------------------------------------------------------------------------ */

  function Recorder(ctx, tour) {
    var self = this;
    this.ctx = ctx;
    this.tour = tour;
    this.stops = [];
    this.version = 0;
    this.saving = false;
    var section = ctx.section("tour", "Guided tour", { "data-tour-editor": true });
    this.banners = el("div", { class: "slide-banners" });
    this.status = el("p", { class: "slide-save-status", role: "status", "data-tour-status": true });
    this.list = el("ol", { class: "tour-stops", "data-tour-stops": true });
    this.empty = el("p", { class: "tour-stops__empty", text: "No stops yet. Move the slide to something worth seeing, then add the view." });
    var add = Kit.textButton("Add current view", { "data-tour-add": true, class: "button button--small" }, "target");
    this.save = Kit.textButton("Save tour", { "data-tour-save": true, class: "button button--small button--primary" });
    add.addEventListener("click", function () {
      self.addCurrent();
    });
    this.save.addEventListener("click", function () {
      self.send();
    });
    section.appendChild(this.banners);
    section.appendChild(this.status);
    section.appendChild(this.list);
    section.appendChild(this.empty);
    section.appendChild(el("div", { class: "tour-actions" }, [add, this.save]));
    this.add = add;
  }

  Recorder.prototype.load = function (data) {
    this.version = data.version || 0;
    this.stops = (data.stops || []).map(function (stop) {
      return {
        center_x: stop.center_x,
        center_y: stop.center_y,
        view_width: stop.view_width,
        rotation: stop.rotation || 0,
        text: stop.text || "",
      };
    });
    this.changed = false;
    this.render();
    this.setStatus(this.stops.length ? "Saved" : "", "saved");
  };

  Recorder.prototype.setStatus = function (text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state || "";
  };

  Recorder.prototype.touch = function () {
    this.changed = true;
    this.setStatus("Unsaved changes", "unsaved");
  };

  Recorder.prototype.addCurrent = function () {
    if (this.stops.length >= MAX_STOPS) {
      this.ctx.announce("A tour has at most " + MAX_STOPS + " stops.", true);
      return;
    }
    this.stops.push(Object.assign(currentView(this.ctx.viewer, this.ctx.size), { text: "" }));
    this.touch();
    this.render();
    var inputs = this.list.querySelectorAll("[data-tour-stop-text]");
    if (inputs.length) inputs[inputs.length - 1].focus();
    this.ctx.announce("Added stop " + this.stops.length + ". Say what to look at.");
  };

  Recorder.prototype.move = function (index, by) {
    var target = index + by;
    if (target < 0 || target >= this.stops.length) return;
    var stop = this.stops.splice(index, 1)[0];
    this.stops.splice(target, 0, stop);
    this.touch();
    this.render();
    var button = this.list.querySelectorAll(by < 0 ? "[data-tour-up]" : "[data-tour-down]")[target];
    if (button && !button.disabled) button.focus();
    else {
      var item = this.list.children[target];
      if (item) item.querySelector("[data-tour-stop-text]").focus();
    }
  };

  Recorder.prototype.render = function () {
    var self = this;
    var id = this.ctx.id;
    this.list.replaceChildren();
    this.empty.hidden = this.stops.length > 0;
    this.stops.forEach(function (stop, index) {
      var n = index + 1;
      var input = el("textarea", {
        id: id + "-stop-" + n,
        rows: "2",
        maxlength: "500",
        "data-tour-stop-text": true,
        placeholder: "What should the learner notice here? (Markdown: **bold**, *italic*, [link](https://…))",
      });
      input.value = stop.text;
      input.addEventListener("input", function () {
        stop.text = input.value;
        self.touch();
      });
      var go = Kit.iconButton("target", "Show stop " + n, { "data-tour-go": true });
      go.addEventListener("click", function () {
        goToStop(self.ctx.viewer, stop, function () {});
      });
      var retake = Kit.textButton("Use current view", { "data-tour-retake": true, class: "button button--small button--quiet" });
      retake.addEventListener("click", function () {
        Object.assign(stop, currentView(self.ctx.viewer, self.ctx.size));
        self.touch();
        self.ctx.announce("Stop " + n + " now shows the current view.");
      });
      var up = Kit.iconButton("up", "Move stop " + n + " up", { "data-tour-up": true, disabled: index === 0 });
      var down = Kit.iconButton("down", "Move stop " + n + " down", { "data-tour-down": true, disabled: index === self.stops.length - 1 });
      var remove = Kit.iconButton("trash", "Delete stop " + n, { "data-tour-delete": true });
      up.addEventListener("click", function () {
        self.move(index, -1);
      });
      down.addEventListener("click", function () {
        self.move(index, 1);
      });
      remove.addEventListener("click", function () {
        self.stops.splice(index, 1);
        self.touch();
        self.render();
        self.ctx.announce("Deleted stop " + n + ".");
        var next = self.list.querySelectorAll("[data-tour-stop-text]")[Math.min(index, self.stops.length - 1)];
        (next || self.add).focus();
      });
      self.list.appendChild(el("li", { class: "tour-stop", "data-tour-stop": true }, [
        el("label", { class: "tour-stop__label", for: input.id, text: "Stop " + n }),
        input,
        el("div", { class: "tour-stop__actions" }, [go, up, down, remove, retake]),
      ]));
    });
  };

  Recorder.prototype.send = function () {
    var self = this;
    if (this.saving) return;
    var blank = this.stops.findIndex(function (stop) {
      return !stop.text.trim();
    });
    if (blank !== -1) {
      this.setStatus("Not saved: stop " + (blank + 1) + " needs a sentence saying what to look at.", "error");
      var input = this.list.querySelectorAll("[data-tour-stop-text]")[blank];
      if (input) input.focus();
      return;
    }
    this.saving = true;
    this.setStatus("Saving…", "saving");
    var body = {
      version: this.version,
      stops: this.stops.map(function (stop) {
        return {
          center_x: stop.center_x,
          center_y: stop.center_y,
          view_width: stop.view_width,
          rotation: stop.rotation,
          text: stop.text.trim(),
        };
      }),
    };
    Kit.request("PUT", this.ctx.element.dataset.tourUrl, body).then(function (response) {
      self.saving = false;
      if (response.ok && response.data) {
        self.load(response.data);
        self.ctx.element.dataset.tourSaved = String(self.version);
        self.tour.player.setStops(response.data.stops);
        self.ctx.announce("Tour saved.");
      } else if (response.status === 409) {
        self.setStatus("Not saved: someone else changed this tour.", "error");
        if (!self.removeBanner) {
          self.removeBanner = self.ctx.banner(self.banners, CONFLICT_TEXT, "Reload", function () {
            self.removeBanner = null;
            self.tour.load();
          }, { "data-reload-tour": true });
        }
        self.ctx.announce(CONFLICT_TEXT, true);
      } else {
        self.setStatus("Not saved: " + Kit.errorText(response), "error");
      }
    });
  };

  /* The tour ------------------------------------------------------------------------------------ */

  function Tour(ctx) {
    this.ctx = ctx;
    this.url = ctx.element.dataset.tourUrl;
    this.player = new Player(ctx);
    this.recorder = ctx.element.hasAttribute("data-tour-edit") ? new Recorder(ctx, this) : null;
    var self = this;
    ctx.whenOpen(function () {
      self.load();
    });
  }

  Tour.prototype.load = function () {
    var self = this;
    return Kit.request("GET", this.url).then(function (response) {
      if (!response.ok || !response.data) {
        self.ctx.announce("The guided tour could not be loaded. " + Kit.errorText(response), true);
        return;
      }
      self.player.setStops(response.data.stops || []);
      if (self.recorder) self.recorder.load(response.data);
      self.ctx.element.dataset.tourLoaded = String((response.data.stops || []).length);
    });
  };

  Kit.onViewer("tour", function (element) {
    if (!element.dataset.tourUrl) return;
    var ctx = Kit.context(element);
    ctx.tour = new Tour(ctx);
  });

  window.PortalTour = { currentView: currentView, goToStop: goToStop };
})();
