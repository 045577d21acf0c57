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
 *
 * Split by responsibility; load in this order (courses/_teaching_scripts.html):
 *   annotation-editor-saving.js  creating, autosave, deleting, 409 conflicts, reload, status line
 *   annotation-editor-form.js    the side panel: label/colour/note form, import and export
 *   annotation-editor.js         this file: the Editor, its drawing tools, handles and dragging
 * The first two hand their Editor methods over in window.PortalAnnotationEditorParts, which this
 * file deletes once it has taken them: after loading, the window names are the same as before.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Overlays = window.PortalOverlay;
  var Annotations = window.PortalAnnotations;
  var Parts = window.PortalAnnotationEditorParts;
  if (!Kit || !Shapes || !Overlays || !Annotations || !Parts || !Parts.saving || !Parts.form) {
    if (window.console) window.console.error("annotation-editor.js needs annotations.js (and its helpers), annotation-editor-saving.js and annotation-editor-form.js first.");
    return;
  }
  var svg = Kit.svg;

  var MAX_VERTEX_HANDLES = 300;
  var DRAW_TOOLS = [
    ["point", "Point: click or tap to place"],
    ["line", "Line: drag, or click both ends"],
    ["arrow", "Arrow: drag from tail to head, or click both ends"],
    ["rectangle", "Rectangle: drag from corner to corner"],
    ["ellipse", "Ellipse: drag across its bounding box"],
    ["polygon", "Polygon: click each corner, then click the first corner, double-click or press C"],
    ["freehand", "Freehand: drag around the area"],
  ];

  function Editor(ctx, layer) {
    var self = this;
    this.ctx = ctx;
    this.layer = layer;
    this.overlay = layer.overlay;
    this.element = ctx.element;
    this.initSaving();
    this.colour = Annotations.DEFAULT_COLOUR;

    // The shape being drawn, over the same two halos as a saved one (overlay-styles.js).
    this.preview = svg("g", { class: "anno-preview" });
    ["anno__outer", "anno__halo", "anno-preview__line"].forEach(function (name) {
      this.preview.appendChild(svg("path", { class: name }));
    }, this);
    this.overlay.image.appendChild(this.preview);
    this.handleGroup = svg("g", { class: "anno-handles" });
    this.overlay.screen.appendChild(this.handleGroup);
    this.handles = [];
    this.overlay.onUpdate(function () {
      self.placeHandles();
    });

    this.buildTools();
    this.buildStatus();
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
          // Enter and Backspace on a button of the tool strip belong to the button.
          if (event.target !== ctx.viewer.canvas) return false;
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
    this.preview.querySelectorAll("path").forEach(function (path) {
      path.setAttribute("d", d || "");
    });
    var halos = window.PortalOverlayStyles ? window.PortalOverlayStyles.haloColours(this.colour) : ["#000", "#fff"];
    this.preview.style.color = this.colour;
    this.preview.style.setProperty("--ov-halo", halos[0]);
    this.preview.style.setProperty("--ov-outer", halos[1]);
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

  /* Saving and the side panel: annotation-editor-saving.js and annotation-editor-form.js ------- */

  [Parts.saving, Parts.form].forEach(function (methods) {
    Object.keys(methods).forEach(function (name) {
      if (Editor.prototype[name]) throw new Error("annotation-editor: " + name + " is defined twice.");
      Editor.prototype[name] = methods[name];
    });
  });
  delete window.PortalAnnotationEditorParts;

  Kit.onViewer("annotation-editor", function (element) {
    if (!element.hasAttribute("data-annotate") || !element.dataset.annotationsUrl) return;
    var ctx = Kit.context(element);
    var layer = Annotations.layer(ctx);
    ctx.annotationEditor = new Editor(ctx, layer);
  });
})();
