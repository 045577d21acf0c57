/*
 * Saving for the annotation editor (annotation-editor.js): every change reaches the server as it
 * happens, and a status line at the top of the side panel says how that stands.
 *
 * A new shape is POSTed at once; edits are PUT 500 ms after the last change, with the version the
 * server last returned, one request per annotation at a time; deleting sends DELETE ?version=.
 * A 409 shows "Someone else changed this annotation…" with a Reload button
 * ([data-reload-annotations]) and never overwrites. Status line: [data-save-status] with
 * data-state saved | saving | error. element.dataset.annotationsSaved counts successful saves.
 *
 * Editor methods only: annotation-editor.js mixes them into its Editor (through
 * window.PortalAnnotationEditorParts.saving, a hand-off it deletes). They use the form's label
 * field (annotation-editor-form.js) and the handles (annotation-editor.js) of the same editor.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Annotations = window.PortalAnnotations;
  if (!Kit || !Shapes || !Annotations) {
    if (window.console) window.console.error("annotation-editor-saving.js needs annotations.js (and its helpers) first.");
    return;
  }
  var el = Kit.el;

  var SAVE_DELAY = 500;
  var CONFLICT_TEXT = "Someone else changed this annotation. Reload to see their version.";

  function detailUrlTemplate(element) {
    if (element.dataset.annotationUrl) return element.dataset.annotationUrl;
    var match = /^(.*\/)case-slides\/[^/]+\/annotations\/?$/.exec(element.dataset.annotationsUrl);
    return (match ? match[1] : "/api/") + "annotations/{uuid}/";
  }

  var saving = {};

  /** Saving state; called first thing by the Editor's constructor. */
  saving.initSaving = function () {
    this.detailTemplate = detailUrlTemplate(this.element);
    this.saves = 0;
    this.conflicted = false;
    this.lastError = "";
    this.inflight = 0;
    this.element.dataset.annotationsSaved = "0";
  };

  /** The status line and the banner area, at the top of the side panel (before the form). */
  saving.buildStatus = function () {
    var section = this.layer.section;
    this.banners = el("div", { class: "slide-banners" });
    this.status = el("p", { class: "slide-save-status", role: "status", "data-save-status": true });
    section.insertBefore(this.status, section.children[1] || null);
    section.insertBefore(this.banners, this.status);
    this.refreshStatus();
  };

  /* Creating, saving, deleting ----------------------------------------------------------------- */

  saving.create = function (kind, shape) {
    var geometry = Shapes.shapeToGeometry(shape, kind, this.ctx.size);
    if (!geometry) {
      this.ctx.announce("That " + Annotations.kindName(kind) + " is too small to keep. Draw it larger.", true);
      return;
    }
    var item = this.layer.add({
      uuid: null,
      version: null,
      kind: kind,
      geometry: geometry,
      label: "",
      colour: this.colour,
      note: "",
    });
    this.layer.select(item);
    var name = Annotations.kindName(kind);
    this.ctx.announce("Added " + (/^[aeiou]/.test(name) ? "an " : "a ") + name + ".");
    this.persist(item);
  };

  saving.detailUrl = function (item) {
    return this.detailTemplate.replace("{uuid}", encodeURIComponent(item.uuid));
  };

  /** Save `item` in SAVE_DELAY ms unless it changes again first. */
  saving.scheduleSave = function (item) {
    var self = this;
    if (item.conflict || item.deleted) return;
    clearTimeout(item.timer);
    item.timer = setTimeout(function () {
      item.timer = null;
      self.persist(item);
    }, SAVE_DELAY);
    this.refreshStatus();
  };

  /** Send the item now (POST when new, PUT with its version otherwise); one request at a time. */
  saving.persist = function (item, keepalive) {
    var self = this;
    if (item.conflict || item.deleted) return;
    if (item.inflight) {
      item.dirty = true;
      return;
    }
    clearTimeout(item.timer);
    item.timer = null;
    item.dirty = false;
    item.inflight = true;
    this.inflight++;
    var body = {
      geometry: item.geometry,
      properties: { label: item.label, colour: item.colour, note: item.note, kind: item.kind },
    };
    var creating = !item.uuid;
    var sent;
    if (creating) {
      sent = Kit.request("POST", this.layer.url, body, { keepalive: keepalive });
    } else {
      body.version = item.version;
      sent = Kit.request("PUT", this.detailUrl(item), body, { keepalive: keepalive });
    }
    this.refreshStatus();
    sent.then(function (response) {
      item.inflight = false;
      self.inflight--;
      if (response.ok && response.data) {
        var data = response.data;
        item.uuid = data.uuid;
        item.version = data.version;
        var properties = data.properties || {};
        if (!item.dirty && !item.timer && !item.dragging) {
          // Take the server's normalised copy (rounded coordinates, trimmed label).
          item.geometry = data.geometry || item.geometry;
          if (typeof properties.label === "string" && document.activeElement !== self.form.label) item.label = properties.label;
          if (!item.deleted) self.layer.draw(item);
        }
        Annotations.rendered(item, data);
        item.saved = Annotations.snapshot({
          geometry: data.geometry || item.geometry,
          kind: properties.kind || item.kind,
          label: properties.label !== undefined ? properties.label : item.label,
          colour: properties.colour || item.colour,
          note: properties.note !== undefined ? properties.note : item.note,
        });
        self.lastError = "";
        self.countSave();
        if (!item.deleted) self.layer.renderLegend();
        if (item.pendingDelete) self.destroy(item);
        else if (item.dirty) self.persist(item);
      } else if (response.status === 409) {
        self.conflict(item);
      } else {
        var reason = Kit.errorText(response);
        self.lastError = reason;
        if (creating) {
          self.layer.remove(item);
          item.deleted = true;
          self.ctx.announce("The new " + Annotations.kindName(item.kind) + " was not saved: " + reason, true);
        } else if (!item.deleted) {
          self.revert(item);
          self.ctx.announce("Your change was not saved: " + reason, true);
        }
      }
      self.refreshStatus();
    });
  };

  /** Back to what the server last confirmed. */
  saving.revert = function (item) {
    var saved = item.saved;
    if (!saved) return;
    item.geometry = saved.geometry;
    item.label = saved.label;
    item.colour = saved.colour;
    item.note = saved.note;
    item.dirty = false;
    this.layer.draw(item);
    this.layer.renderLegend();
    if (this.layer.selected === item) {
      this.fillForm(item);
      this.buildHandles();
    }
  };

  saving.remove = function (item) {
    clearTimeout(item.timer);
    item.timer = null;
    item.deleted = true;
    this.layer.remove(item);
    this.ctx.announce("Deleted the " + Annotations.kindName(item.kind) + ".");
    if (item.conflict) return;
    if (item.inflight) item.pendingDelete = true;
    else if (item.uuid) this.destroy(item);
    this.refreshStatus();
  };

  saving.destroy = function (item) {
    var self = this;
    item.pendingDelete = false;
    item.inflight = true;
    this.inflight++;
    this.refreshStatus();
    var url = this.detailUrl(item) + "?version=" + encodeURIComponent(item.version);
    Kit.request("DELETE", url).then(function (response) {
      item.inflight = false;
      self.inflight--;
      if (response.ok || response.status === 404) {
        self.lastError = "";
        self.countSave();
      } else if (response.status === 409) {
        self.conflict(item);
      } else {
        var reason = Kit.errorText(response);
        self.lastError = reason;
        // Put it back: it still exists on the server.
        item.deleted = false;
        self.layer.add(item);
        self.ctx.announce("The annotation was not deleted: " + reason, true);
      }
      self.refreshStatus();
    });
  };

  saving.countSave = function () {
    this.saves++;
    this.element.dataset.annotationsSaved = String(this.saves);
  };

  saving.conflict = function (item) {
    var self = this;
    item.conflict = true;
    clearTimeout(item.timer);
    item.timer = null;
    if (this.conflicted) return;
    this.conflicted = true;
    this.removeBanner = this.ctx.banner(this.banners, CONFLICT_TEXT, "Reload", function () {
      self.reload();
    }, { "data-reload-annotations": true });
    this.ctx.announce(CONFLICT_TEXT, true);
  };

  /** Drop local state and load the server's (after a conflict or an import). */
  saving.reload = function () {
    var self = this;
    this.layer.items.forEach(function (item) {
      clearTimeout(item.timer);
      item.timer = null;
      item.deleted = true; // late answers for these must not touch the fresh list
    });
    this.conflicted = false;
    if (this.removeBanner) this.removeBanner();
    this.removeBanner = null;
    this.lastError = "";
    return this.layer.load().then(function (ok) {
      self.refreshStatus();
      if (ok) self.ctx.announce("Annotations reloaded.");
    });
  };

  /** Send every waiting edit now (leaving the page, importing). */
  saving.flush = function (keepalive) {
    var self = this;
    this.layer.items.forEach(function (item) {
      if (item.timer) self.persist(item, keepalive);
    });
  };

  saving.whenIdle = function () {
    var self = this;
    this.flush(false);
    return new Promise(function (resolve) {
      (function wait() {
        if (self.inflight > 0) setTimeout(wait, 100);
        else resolve();
      })();
    });
  };

  saving.refreshStatus = function () {
    var waiting = this.inflight > 0 || this.layer.items.some(function (item) {
      return Boolean(item.timer);
    });
    var state;
    var text;
    if (this.conflicted) {
      state = "error";
      text = "Not saved: someone else changed an annotation.";
    } else if (waiting) {
      state = "saving";
      text = "Saving…";
    } else if (this.lastError) {
      state = "error";
      text = "Not saved: " + this.lastError;
    } else {
      state = "saved";
      text = this.saves ? "All changes saved" : "Changes are saved as you make them";
    }
    if (this.status.dataset.state !== state || this.status.textContent !== text) {
      this.status.dataset.state = state;
      this.status.textContent = text;
    }
  };

  var parts = (window.PortalAnnotationEditorParts = window.PortalAnnotationEditorParts || {});
  parts.saving = saving;
})();
