/*
 * Drawing and editing teaching annotations, saved as they happen.
 *
 * Activated by `data-annotate` together with `data-annotations-url` on a [data-slide-viewer]
 * element (annotations.js draws the layer). Optional: `data-export-url`, `data-import-url`,
 * `data-annotation-url` (a template with "{uuid}" for PUT/DELETE; by default
 * ".../api/annotations/{uuid}/" next to the list URL's "case-slides/").
 *
 * Tools ([data-tool=...] in the tool strip): select, point, line, arrow, rectangle, ellipse,
 * polygon (click each corner; finish by clicking the first corner, double-clicking or Enter),
 * freehand (drag). Escape cancels a drawing, then returns to select. With "select", click a shape
 * to edit it: drag its handles or the shape itself; Delete removes it.
 *
 * Saving: a new shape is POSTed at once; edits are PUT 500 ms after the last change, with the
 * version the server last returned. A 409 shows "Someone else changed this annotation…" with a
 * Reload button and never overwrites. element.dataset.annotationsSaved counts successful saves.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Overlays = window.PortalOverlay;
  var Annotations = window.PortalAnnotations;
  if (!Kit || !Shapes || !Overlays || !Annotations) {
    if (window.console) window.console.error("annotation-editor.js needs annotations.js (and its helpers) first.");
    return;
  }
  var el = Kit.el;
  var svg = Kit.svg;

  var SAVE_DELAY = 500;
  var MAX_VERTEX_HANDLES = 300;
  var DRAW_TOOLS = [
    ["point", "Point: click or tap to place"],
    ["line", "Line: drag, or click both ends"],
    ["arrow", "Arrow: drag from tail to head, or click both ends"],
    ["rectangle", "Rectangle: drag from corner to corner"],
    ["ellipse", "Ellipse: drag across its bounding box"],
    ["polygon", "Polygon: click each corner, then click the first corner, double-click or press Enter"],
    ["freehand", "Freehand: drag around the area"],
  ];
  var SWATCHES = [
    ["#1f77b4", "Blue"],
    ["#d62728", "Red"],
    ["#2ca02c", "Green"],
    ["#ff7f0e", "Orange"],
    ["#9467bd", "Purple"],
    ["#17becf", "Cyan"],
    ["#ffd700", "Yellow"],
    ["#111111", "Black"],
  ];
  var CONFLICT_TEXT = "Someone else changed this annotation. Reload to see their version.";

  function detailUrlTemplate(element) {
    if (element.dataset.annotationUrl) return element.dataset.annotationUrl;
    var match = /^(.*\/)case-slides\/[^/]+\/annotations\/?$/.exec(element.dataset.annotationsUrl);
    return (match ? match[1] : "/api/") + "annotations/{uuid}/";
  }

  function Editor(ctx, layer) {
    var self = this;
    this.ctx = ctx;
    this.layer = layer;
    this.overlay = layer.overlay;
    this.element = ctx.element;
    this.detailTemplate = detailUrlTemplate(ctx.element);
    this.colour = Annotations.DEFAULT_COLOUR;
    this.saves = 0;
    this.conflicted = false;
    this.lastError = "";
    this.inflight = 0;
    this.element.dataset.annotationsSaved = "0";

    this.preview = svg("path", { class: "anno-preview" });
    this.overlay.image.appendChild(this.preview);
    this.handleGroup = svg("g", { class: "anno-handles" });
    this.overlay.screen.appendChild(this.handleGroup);
    this.handles = [];
    this.overlay.onUpdate(function () {
      self.placeHandles();
    });

    this.buildTools();
    this.buildPanel();
    layer.on("select", function (item) {
      self.fillForm(item);
      self.buildHandles();
    });
    layer.on("loaded", function () {
      self.refreshStatus();
    });
    ctx.onKey(function (event) {
      var item = layer.selected;
      if ((event.key === "Delete" || event.key === "Backspace") && item && ctx.tools.active === "select") {
        self.remove(item);
        return true;
      }
      return false;
    });
    this.bindShapeDragging();
    window.addEventListener("pagehide", function () {
      self.flush(true);
    });
    ctx.tools.fallback = "select";
    ctx.tools.activate("select");
  }

  /* Tools --------------------------------------------------------------------------------------- */

  Editor.prototype.buildTools = function () {
    var self = this;
    var ctx = this.ctx;
    var group = ctx.toolGroup("draw", "Draw annotations");
    ctx.tools.register("select", {
      sticky: true,
      activate: function () {
        self.overlay.setInput(null);
        self.buildHandles();
      },
      deactivate: function () {
        self.buildHandles();
      },
    });
    group.appendChild(ctx.tools.button("select", "select", "Select and edit annotations"));
    DRAW_TOOLS.forEach(function (entry) {
      var kind = entry[0];
      var gesture = null;
      ctx.tools.register(kind, {
        drawing: true,
        activate: function () {
          gesture = self.gesture(kind);
          self.overlay.setInput(gesture);
          if (!self.layer.visible) self.layer.setVisible(true);
          self.buildHandles();
        },
        deactivate: function () {
          if (gesture) gesture.cancel();
          gesture = null;
          self.overlay.setInput(null);
        },
        keydown: function (event) {
          if (!gesture) return false;
          if (event.key === "Escape") {
            if (gesture.busy()) gesture.cancel();
            else ctx.tools.activate("select");
            return true;
          }
          if (event.key === "Enter" && gesture.finish) return gesture.finish() || true;
          if (event.key === "Backspace" && gesture.undo && gesture.busy()) {
            gesture.undo();
            return true;
          }
          return false;
        },
      });
      group.appendChild(ctx.tools.button(kind, kind, entry[1]));
    });
  };

  Editor.prototype.showPreview = function (d) {
    this.preview.setAttribute("d", d || "");
    this.preview.style.color = this.colour;
  };

  Editor.prototype.gesture = function (kind) {
    var self = this;
    var overlay = this.overlay;
    var size = this.ctx.size;
    if (kind === "point") {
      var last = null;
      return {
        drags: false,
        tap: function (p) {
          // A double-click is two clicks: keep one point.
          if (last && Date.now() - last.time < 500 && overlay.screenDistance(last.p, p) < Overlays.TAP_SLOP) return;
          last = { p: p, time: Date.now() };
          self.create("point", Shapes.pointShape(p[0], p[1]));
        },
        busy: function () {
          return false;
        },
        cancel: function () {},
      };
    }
    if (kind === "polygon") {
      return Overlays.polygonGesture(overlay, {
        preview: function (points, hover) {
          if (!points) return self.showPreview("");
          var all = hover ? points.concat([hover]) : points;
          self.showPreview(all.map(function (p, i) {
            return (i ? "L" : "M") + p[0] + " " + p[1];
          }).join(""));
        },
        done: function (points) {
          self.create("polygon", Shapes.polygonShape(points));
        },
        needMore: function (count) {
          self.ctx.announce("A polygon needs at least 3 corners; it has " + count + ".");
        },
      });
    }
    if (kind === "freehand") {
      return Overlays.freehandGesture(overlay, {
        preview: function (points) {
          self.showPreview(points ? points.map(function (p, i) {
            return (i ? "L" : "M") + p[0] + " " + p[1];
          }).join("") : "");
        },
        done: function (points) {
          // Drop points closer than one screen pixel to the simplified outline.
          var simplified = Shapes.simplify(points, 1 / overlay.scale());
          self.create("freehand", Shapes.polygonShape(simplified));
        },
        hint: function () {
          self.ctx.announce("Drag around the area to draw a freehand outline.");
        },
      });
    }
    return Overlays.twoPointGesture(overlay, {
      preview: function (a, b) {
        if (!a) return self.showPreview("");
        var geometry = Shapes.shapeToGeometry(Shapes.shapeFromCorners(kind, a, b), kind, size);
        self.showPreview(geometry ? Shapes.svgPath(geometry) : "");
      },
      done: function (a, b) {
        self.create(kind, Shapes.shapeFromCorners(kind, a, b));
      },
      tooSmall: function () {
        self.ctx.announce("That " + Annotations.kindName(kind) + " is too small; drag further to draw it.");
      },
    });
  };

  /* Creating, saving, deleting ----------------------------------------------------------------- */

  Editor.prototype.create = function (kind, shape) {
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

  Editor.prototype.detailUrl = function (item) {
    return this.detailTemplate.replace("{uuid}", encodeURIComponent(item.uuid));
  };

  /** Save `item` in SAVE_DELAY ms unless it changes again first. */
  Editor.prototype.scheduleSave = function (item) {
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
  Editor.prototype.persist = function (item, keepalive) {
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
  Editor.prototype.revert = function (item) {
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

  Editor.prototype.remove = function (item) {
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

  Editor.prototype.destroy = function (item) {
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

  Editor.prototype.countSave = function () {
    this.saves++;
    this.element.dataset.annotationsSaved = String(this.saves);
  };

  Editor.prototype.conflict = function (item) {
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
  Editor.prototype.reload = function () {
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
  Editor.prototype.flush = function (keepalive) {
    var self = this;
    this.layer.items.forEach(function (item) {
      if (item.timer) self.persist(item, keepalive);
    });
  };

  Editor.prototype.whenIdle = function () {
    var self = this;
    this.flush(false);
    return new Promise(function (resolve) {
      (function wait() {
        if (self.inflight > 0) setTimeout(wait, 100);
        else resolve();
      })();
    });
  };

  Editor.prototype.refreshStatus = function () {
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

  /* The form -------------------------------------------------------------------------------------- */

  Editor.prototype.buildPanel = function () {
    var self = this;
    var section = this.layer.section;
    var id = this.ctx.id;
    this.banners = el("div", { class: "slide-banners" });
    this.status = el("p", { class: "slide-save-status", role: "status", "data-save-status": true });
    section.insertBefore(this.status, section.children[1] || null);
    section.insertBefore(this.banners, this.status);

    var label = el("input", { type: "text", id: id + "-label", name: "label", maxlength: "200", autocomplete: "off" });
    var note = el("textarea", { id: id + "-note", name: "note", rows: "4", maxlength: "5000" });
    var custom = el("input", { type: "color", id: id + "-colour", name: "colour", "aria-label": "Other colour", title: "Other colour" });
    var swatches = el("div", { class: "anno-swatches", role: "group", "aria-label": "Colour" });
    SWATCHES.forEach(function (entry) {
      var button = el("button", {
        type: "button",
        class: "anno-swatch-button",
        "data-colour": entry[0],
        "aria-label": entry[1],
        title: entry[1],
        "aria-pressed": "false",
      });
      button.style.setProperty("--swatch", entry[0]);
      button.addEventListener("click", function () {
        self.setColour(entry[0]);
      });
      swatches.appendChild(button);
    });
    swatches.appendChild(custom);
    var remove = Kit.textButton("Delete annotation", { class: "button button--small button--danger", "data-annotation-delete": true }, "trash");
    var heading = el("h3", { class: "anno-form__title" });
    var fields = el("div", { class: "anno-form__fields" }, [
      el("label", { for: label.id, text: "Label" }),
      label,
      el("span", { class: "anno-form__label", id: id + "-colour-label", text: "Colour" }),
      swatches,
      el("label", { for: note.id, text: "Note for learners" }),
      note,
      remove,
    ]);
    swatches.setAttribute("aria-labelledby", id + "-colour-label");
    var hint = el("p", {
      class: "anno-form__hint",
      text: "Select an annotation to change its label, colour and note, or draw a new one with the tools on the slide.",
    });
    var form = el("form", { class: "anno-form", "data-annotation-form": true, "aria-label": "Selected annotation" }, [heading, fields]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    section.appendChild(hint);
    section.appendChild(form);
    this.form = { form: form, heading: heading, label: label, note: note, custom: custom, swatches: swatches, hint: hint };

    label.addEventListener("input", function () {
      var item = self.layer.selected;
      if (!item) return;
      item.label = label.value;
      self.layer.draw(item);
      self.layer.renderLegend();
      heading.textContent = Annotations.itemTitle(item);
      self.scheduleSave(item);
    });
    note.addEventListener("input", function () {
      var item = self.layer.selected;
      if (!item) return;
      item.note = note.value;
      self.scheduleSave(item);
    });
    custom.addEventListener("input", function () {
      self.setColour(custom.value);
    });
    remove.addEventListener("click", function () {
      if (self.layer.selected) self.remove(self.layer.selected);
    });

    var io = el("div", { class: "anno-io" });
    if (this.element.dataset.exportUrl) {
      io.appendChild(el("a", {
        class: "button button--small",
        href: this.element.dataset.exportUrl,
        download: "",
        "data-annotation-export": true,
        text: "Export (QuPath GeoJSON)",
      }));
    }
    if (this.element.dataset.importUrl) {
      var file = el("input", {
        type: "file",
        id: id + "-import",
        class: "anno-io__file",
        accept: ".geojson,.json,application/geo+json,application/json",
        "data-annotation-import": true,
      });
      // The input is visually hidden; its label is the button (and shows the focus ring).
      io.appendChild(file);
      io.appendChild(el("label", { class: "button button--small anno-io__import", for: file.id, text: "Import QuPath GeoJSON…" }));
      file.addEventListener("change", function () {
        if (file.files && file.files[0]) self.importFile(file.files[0]).then(function () {
          file.value = "";
        });
      });
    }
    if (io.childNodes.length) section.appendChild(io);
    this.fillForm(null);
    this.refreshStatus();
  };

  Editor.prototype.fillForm = function (item) {
    var form = this.form;
    form.form.hidden = !item;
    form.hint.hidden = Boolean(item);
    if (!item) return;
    form.heading.textContent = Annotations.itemTitle(item);
    if (document.activeElement !== form.label) form.label.value = item.label;
    if (document.activeElement !== form.note) form.note.value = item.note;
    this.showColour(item.colour);
  };

  Editor.prototype.showColour = function (colour) {
    this.form.custom.value = colour;
    Array.prototype.forEach.call(this.form.swatches.querySelectorAll("[data-colour]"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-colour") === colour ? "true" : "false");
    });
  };

  Editor.prototype.setColour = function (colour) {
    colour = String(colour).toLowerCase();
    this.colour = colour; // new shapes follow the last colour chosen
    var item = this.layer.selected;
    this.showColour(colour);
    if (!item) return;
    item.colour = colour;
    this.layer.draw(item);
    this.layer.renderLegend();
    this.scheduleSave(item);
  };

  Editor.prototype.importFile = function (file) {
    var self = this;
    var url = this.element.dataset.importUrl;
    this.ctx.announce("Importing " + file.name + "…");
    return this.whenIdle().then(function () {
      var data = new FormData();
      data.append("file", file);
      return Kit.request("POST", url, data);
    }).then(function (response) {
      if (!response.ok || !response.data) {
        self.ctx.announce("The file was not imported: " + Kit.errorText(response), true);
        return;
      }
      var added = response.data.added || 0;
      var skipped = response.data.skipped || [];
      var text = "Imported " + added + (added === 1 ? " annotation" : " annotations") + ".";
      if (skipped.length) {
        text += " Skipped " + skipped.length + ": " + skipped.slice(0, 3).join(" ") + (skipped.length > 3 ? " …" : "");
      }
      return self.reload().then(function () {
        self.ctx.announce(text, skipped.length > 0);
      });
    });
  };

  /* Handles and moving ------------------------------------------------------------------------------ */

  function cornersOf(shape) {
    var b = shape.geometry.bounds;
    return [[b.minX, b.minY], [b.maxX, b.minY], [b.maxX, b.maxY], [b.minX, b.maxY]];
  }

  /** Positions of the handles for an editable shape of `kind`. */
  function handlePositions(shape, kind) {
    switch (shape.type) {
      case "LINE":
        return shape.geometry.points;
      case "RECTANGLE":
      case "ELLIPSE":
        return cornersOf(shape);
      case "POLYGON":
        return kind === "freehand" || shape.geometry.points.length > MAX_VERTEX_HANDLES ? [] : shape.geometry.points;
      default:
        return [];
    }
  }

  /** The shape with handle `index` dragged to `p`. */
  function dragHandle(shape, kind, index, p) {
    switch (shape.type) {
      case "LINE":
        var ends = shape.geometry.points.slice();
        ends[index] = p;
        return Shapes.lineShape(ends[0], ends[1]);
      case "RECTANGLE":
      case "ELLIPSE":
        return Shapes.shapeFromCorners(kind, cornersOf(shape)[(index + 2) % 4], p);
      case "POLYGON":
        var points = shape.geometry.points.slice();
        points[index] = p;
        return Shapes.polygonShape(points);
      default:
        return shape;
    }
  }

  Editor.prototype.editableShape = function () {
    var item = this.layer.selected;
    if (!item || this.ctx.tools.active !== "select" || item.conflict) return null;
    return Shapes.geometryToShape(item.geometry, item.kind);
  };

  Editor.prototype.buildHandles = function () {
    var self = this;
    var shape = this.editableShape();
    var positions = shape ? handlePositions(shape, this.layer.selected.kind) : [];
    while (this.handles.length > positions.length) this.handleGroup.removeChild(this.handles.pop());
    while (this.handles.length < positions.length) {
      var handle = svg("circle", { class: "anno-handle", r: 7, "data-handle": this.handles.length });
      this.bindHandle(handle, this.handles.length);
      this.handleGroup.appendChild(handle);
      this.handles.push(handle);
    }
    this.handlePoints = positions;
    this.placeHandles();
    if (this.layer.selected) this.handleGroup.style.color = this.layer.selected.colour;
  };

  Editor.prototype.placeHandles = function () {
    var overlay = this.overlay;
    var points = this.handlePoints || [];
    this.handles.forEach(function (handle, i) {
      var p = overlay.toScreen(points[i]);
      handle.setAttribute("cx", p[0].toFixed(2));
      handle.setAttribute("cy", p[1].toFixed(2));
    });
  };

  /**
   * Pointer drags on a handle or on the selected shape. The pointer is captured by the element
   * pressed, and the press never reaches OpenSeadragon, so the view does not pan meanwhile.
   */
  Editor.prototype.startDrag = function (event, target, update) {
    var self = this;
    var item = this.layer.selected;
    var shape = this.editableShape();
    if (!item || !shape || event.button > 0) return false;
    event.stopPropagation();
    event.preventDefault();
    if (target.setPointerCapture) {
      try {
        target.setPointerCapture(event.pointerId);
      } catch (error) {
        /* the pointer may already be gone */
      }
    }
    var start = this.overlay.clientToImage(event);
    var moved = false;
    item.dragging = true;
    function move(moveEvent) {
      if (moveEvent.pointerId !== event.pointerId) return;
      moveEvent.preventDefault();
      var next = update(shape, start, self.overlay.clientToImage(moveEvent));
      var geometry = next && Shapes.shapeToGeometry(next, item.kind, self.ctx.size);
      if (!geometry) return;
      moved = true;
      item.geometry = geometry;
      self.layer.draw(item);
      self.handlePoints = handlePositions(Shapes.geometryToShape(geometry, item.kind), item.kind);
      self.placeHandles();
    }
    function end(endEvent) {
      if (endEvent.pointerId !== event.pointerId) return;
      target.removeEventListener("pointermove", move);
      target.removeEventListener("pointerup", end);
      target.removeEventListener("pointercancel", end);
      item.dragging = false;
      if (moved) {
        self.buildHandles();
        self.scheduleSave(item);
      }
    }
    target.addEventListener("pointermove", move);
    target.addEventListener("pointerup", end);
    target.addEventListener("pointercancel", end);
    return true;
  };

  Editor.prototype.bindHandle = function (handle, index) {
    var self = this;
    handle.addEventListener("pointerdown", function (event) {
      var kind = self.layer.selected && self.layer.selected.kind;
      self.startDrag(event, handle, function (shape, start, p) {
        return dragHandle(shape, kind, index, p);
      });
    });
  };

  /** Dragging the selected shape itself moves it, kept inside the slide. */
  Editor.prototype.bindShapeDragging = function () {
    var self = this;
    var size = this.ctx.size;
    this.overlay.root.addEventListener("pointerdown", function (event) {
      var item = self.layer.selected;
      if (!item || self.overlay.input) return;
      var hit = event.target.closest && event.target.closest("[data-hit-key]");
      if (!hit || hit.getAttribute("data-hit-key") !== item.key) return;
      self.startDrag(event, event.target, function (shape, start, p) {
        var b = shape.geometry.bounds;
        var dx = Math.min(Math.max(p[0] - start[0], -b.minX), size.width - b.maxX);
        var dy = Math.min(Math.max(p[1] - start[1], -b.minY), size.height - b.maxY);
        return Shapes.translateShape(shape, dx, dy);
      });
    });
  };

  Kit.onViewer("annotation-editor", function (element) {
    if (!element.hasAttribute("data-annotate") || !element.dataset.annotationsUrl) return;
    var ctx = Kit.context(element);
    var layer = Annotations.layer(ctx);
    ctx.annotationEditor = new Editor(ctx, layer);
  });
})();
