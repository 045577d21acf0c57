/*
 * Drawing a question's reference (its answer key) on the question form
 * (courses/question_form.html). Needs courses/answer-layer.js and answer-tools.js
 * (PortalAnswers) first.
 *
 * [data-reference-editor] with data-answer-type = point | outline | measure holds:
 *   [data-case-slide-input]      the case-slide <select> (or a hidden input when editing)
 *   [data-reference-slide=<uuid>] one hidden wrapper per case slide with a lazy viewer
 *                                ([data-quiz-lazy-viewer]); the chosen one is shown and started
 *   the form's hidden inputs reference_geometry, start_center_x, start_center_y, start_view_width
 *
 * Tools in the slide's tool strip:
 *   point    [data-reference-tool=point] "Target point": click to add, click one to remove;
 *            [data-reference-tool=region] "Target region": click corners, close on the first
 *            corner, double-click or Enter. Targets are listed ([data-reference-targets]) with
 *            Remove buttons. Saved as {"type": "GeometryCollection", "geometries": [...]}.
 *   outline  [data-reference-tool=outline]: one polygon; drawing again replaces it.
 *   measure  [data-reference-tool=line]: one line (drag or two clicks), shown with its length.
 * Tools start off: the educator switches one on (the page's help says so), until then dragging
 * pans. [data-pick-slide=<uuid>] buttons (thumbnails) choose the slide like the <select>.
 * [data-reference-clear] removes the reference; [data-use-current-view] stores the view as the
 * trainees' starting view, [data-clear-start-view] forgets it. Changing the slide clears both:
 * they are in that slide's pixels. The reference drawn so far is read back from the hidden
 * input, so editing and a form shown again with errors start from it.
 * editor.dataset.referenceCount = the number of reference shapes, after every change.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Answers = window.PortalAnswers;
  var Overlays = window.PortalOverlay;
  var Shapes = window.PortalShapes;
  if (!Kit || !Answers || !Answers.layer || !Answers.addTool || !Overlays || !Shapes) {
    if (window.console) window.console.error("reference-editor.js needs courses/answer-layer.js, answer-tools.js and the slide tools first.");
    return;
  }
  var el = Kit.el;

  function ReferenceEditor(root) {
    var self = this;
    this.root = root;
    this.type = root.dataset.answerType;
    var form = root.closest("form") || document;
    this.form = form;
    this.input = form.querySelector("[name=reference_geometry]");
    this.start = {
      x: form.querySelector("[name=start_center_x]"),
      y: form.querySelector("[name=start_center_y]"),
      width: form.querySelector("[name=start_view_width]"),
    };
    this.select = root.querySelector("[data-case-slide-input]");
    this.placeholder = root.querySelector("[data-reference-placeholder]");
    this.summary = root.querySelector("[data-reference-summary]");
    this.list = root.querySelector("[data-reference-targets]");
    this.startSummary = root.querySelector("[data-start-view-summary]");
    this.ctx = null;
    this.valueInput = this.type === "measure" ? form.querySelector("[name=value]") : null;
    this.autoValue = null; // the reference length last filled in from the line
    this.shapes = this.read();
    this.slide = null;

    if (this.select) {
      this.select.addEventListener("change", function () {
        self.choose(self.select.value, true);
      });
    }
    root.querySelectorAll("[data-pick-slide]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!self.select || self.select.value === button.getAttribute("data-pick-slide")) return;
        self.select.value = button.getAttribute("data-pick-slide");
        self.select.dispatchEvent(new Event("change"));
      });
    });
    var clear = root.querySelector("[data-reference-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        self.shapes = [];
        self.update();
        if (self.ctx) self.ctx.announce("Reference cleared.");
      });
    }
    var useView = root.querySelector("[data-use-current-view]");
    if (useView) {
      useView.addEventListener("click", function () {
        self.useCurrentView();
      });
    }
    var clearView = root.querySelector("[data-clear-start-view]");
    if (clearView) {
      clearView.addEventListener("click", function () {
        self.setStart(null);
        if (self.ctx) self.ctx.viewer.viewport.goHome();
      });
    }
    this.choose(this.select ? this.select.value : "", false);
    this.update();
    this.describeStart();
  }

  /* The stored reference ------------------------------------------------------------------------ */

  ReferenceEditor.prototype.read = function () {
    var text = this.input ? this.input.value.trim() : "";
    if (!text) return [];
    try {
      var geometry = JSON.parse(text);
      return geometry && geometry.type === "GeometryCollection" ? (geometry.geometries || []).slice() : [geometry];
    } catch (error) {
      return [];
    }
  };

  ReferenceEditor.prototype.write = function () {
    if (!this.input) return;
    if (!this.shapes.length) this.input.value = "";
    else if (this.type === "point") this.input.value = JSON.stringify({ type: "GeometryCollection", geometries: this.shapes });
    else this.input.value = JSON.stringify(this.shapes[0]);
  };

  ReferenceEditor.prototype.update = function () {
    this.write();
    this.root.dataset.referenceCount = String(this.shapes.length);
    if (this.ctx) {
      Answers.layer(this.ctx).set("reference", this.shapes, { marker: "ring", numbered: this.type === "point", lengths: true, ends: true });
    }
    this.describe();
  };

  ReferenceEditor.prototype.describe = function () {
    var self = this;
    var ctx = this.ctx;
    var shapes = this.shapes;
    var text;
    if (!shapes.length) {
      text = this.type === "point" ? "No targets yet." : this.type === "outline" ? "No reference outline yet." : "No reference line yet.";
    } else if (this.type === "point") {
      text = shapes.length + (shapes.length === 1 ? " target." : " targets.");
    } else if (this.type === "outline") {
      var ring = shapes[0].coordinates[0];
      text = "Reference outline: " + (ring.length - 1) + " corners" + (ctx ? ", " + Answers.areaText(ctx, ring) : "") + ".";
    } else {
      var line = shapes[0].coordinates;
      text = "Reference line" + (ctx ? ": " + Answers.lengthText(ctx, line[0], line[line.length - 1]) : "") + ".";
    }
    if (this.summary) this.summary.textContent = text;
    if (!this.list) return;
    this.list.replaceChildren();
    this.list.hidden = this.type !== "point" || !shapes.length;
    if (this.type !== "point") return;
    shapes.forEach(function (shape, index) {
      var what = shape.type === "Point"
        ? "Point at " + Math.round(shape.coordinates[0]) + ", " + Math.round(shape.coordinates[1])
        : "Region of " + (shape.coordinates[0].length - 1) + " corners" + (ctx ? ", " + Answers.areaText(ctx, shape.coordinates[0]) : "");
      var remove = el("button", {
        type: "button",
        class: "button button--small button--quiet",
        "data-reference-remove": String(index),
      }, ["Remove", el("span", { class: "visually-hidden", text: " target " + (index + 1) })]);
      remove.addEventListener("click", function () {
        self.shapes.splice(index, 1);
        self.update();
      });
      var show = el("button", { type: "button", class: "button button--small button--quiet", text: "Show" });
      show.addEventListener("click", function () {
        if (self.ctx) Answers.fitTo(self.ctx, [shape]);
      });
      self.list.appendChild(el("li", { class: "quiz-target" }, [
        el("span", { class: "quiz-target__text", text: what }),
        show,
        remove,
      ]));
    });
  };

  /**
   * Measure questions: the reference length follows the line, unless the educator typed another.
   * `drawn` is false when only learning what the stored line measures.
   */
  ReferenceEditor.prototype.fillLength = function (drawn) {
    var input = this.valueInput;
    var ctx = this.ctx;
    if (!input || !ctx || !ctx.mpp || !this.shapes.length) return;
    var line = this.shapes[0].coordinates;
    var length = Math.round(window.PortalMeasurement.lengthUm(line[0], line[line.length - 1], ctx.mpp.x, ctx.mpp.y) * 100) / 100;
    var current = input.value.trim() === "" ? null : Number(input.value);
    var followsLine = current === null || (this.autoValue !== null && Math.abs(current - this.autoValue) < 0.01);
    if (!drawn) {
      if (current !== null && Math.abs(current - length) < 0.01) this.autoValue = current;
      return;
    }
    if (followsLine) {
      input.value = String(length);
      this.autoValue = length;
    }
  };

  /* Choosing the slide --------------------------------------------------------------------------- */

  ReferenceEditor.prototype.choose = function (uuid, changed) {
    var self = this;
    if (changed && (this.shapes.length || this.start.width && this.start.width.value)) {
      this.shapes = [];
      this.setStart(null);
      this.update();
      if (this.summary) this.summary.textContent = "The reference and the starting view were cleared: they belonged to the other slide.";
    }
    this.slide = uuid || null;
    this.ctx = null;
    this.root.querySelectorAll("[data-pick-slide]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-pick-slide") === uuid));
    });
    var shown = null;
    this.root.querySelectorAll("[data-reference-slide]").forEach(function (wrapper) {
      var match = uuid && wrapper.getAttribute("data-reference-slide") === uuid;
      wrapper.hidden = !match;
      if (match) shown = wrapper;
    });
    if (this.placeholder) this.placeholder.hidden = Boolean(shown);
    if (!shown) return;
    var element = shown.querySelector("[data-quiz-lazy-viewer], [data-slide-viewer]");
    if (!element) return; // a slide that cannot be shown: the placeholder inside says so
    if (!element.portalViewer) {
      element.removeAttribute("data-quiz-lazy-viewer");
      element.setAttribute("data-slide-viewer", "");
      element.portalReferenceEditor = this;
      window.PortalViewer.create(element); // the tools attach on "portal-viewer:ready"
    } else {
      this.attach(element);
    }
    if (element.portalKit) this.ctx = element.portalKit;
    this.update();
  };

  /** The viewer of the chosen slide gets the tools for this question type. */
  ReferenceEditor.prototype.attach = function (element) {
    var self = this;
    var ctx = Kit.context(element);
    this.ctx = ctx;
    if (!element.portalReferenceTools) {
      element.portalReferenceTools = true;
      var tools = [];
      if (this.type === "point") {
        tools.push(["point", "reference-point", "point", "Target point", "Target point: click to add one, click one to remove it", function () {
          return Answers.pointGesture(ctx, {
            points: function () {
              return self.shapes.filter(function (shape) {
                return shape.type === "Point";
              }).map(function (shape) {
                return shape.coordinates;
              });
            },
            add: function (p) {
              self.shapes.push({ type: "Point", coordinates: p });
              self.update();
            },
            remove: function (index) {
              var seen = -1;
              for (var i = 0; i < self.shapes.length; i++) {
                if (self.shapes[i].type === "Point" && ++seen === index) {
                  self.shapes.splice(i, 1);
                  break;
                }
              }
              self.update();
            },
          });
        }]);
        tools.push(["region", "reference-region", "polygon", "Target region", "Target region: click each corner, then the first corner, double-click or press C", function () {
          return Answers.polygonGesture(ctx, {
            done: function (geometry) {
              self.shapes.push(geometry);
              self.update();
              ctx.announce("Target region added.");
            },
          });
        }]);
      } else if (this.type === "outline") {
        tools.push(["outline", "reference-outline", "polygon", "Reference outline", "Reference outline: click each corner, then the first corner, double-click or press C", function () {
          return Answers.polygonGesture(ctx, {
            done: function (geometry) {
              self.shapes = [geometry];
              self.update();
              ctx.announce("Reference outline drawn.");
            },
          });
        }]);
      } else {
        tools.push(["line", "reference-line", "ruler", "Reference line", "Reference line: drag across, or click both ends", function () {
          return Answers.lineGesture(ctx, {
            done: function (geometry) {
              self.shapes = [geometry];
              self.fillLength(true);
              self.update();
              ctx.announce("Reference line: " + Answers.lengthText(ctx, geometry.coordinates[0], geometry.coordinates[1]) + ".");
            },
          });
        }]);
      }
      tools.forEach(function (tool) {
        Answers.addTool(ctx, tool[1], {
          icon: tool[2],
          text: tool[3],
          label: tool[4],
          gesture: tool[5],
          group: "Reference",
          attributes: { "data-reference-tool": tool[0] },
        });
      });
      // Every tool starts off, as the page's help says ("switch on …"): a tool already on would
      // be switched off by the click the help asks for, leaving nothing drawn.
      this.fillLength(false);
      ctx.whenOpen(function () {
        var start = self.currentStart();
        if (start) Answers.goToView(ctx, start);
        else if (self.shapes.length) Answers.fitTo(ctx, self.shapes);
      });
    }
    this.update();
  };

  /* The starting view ------------------------------------------------------------------------------ */

  ReferenceEditor.prototype.currentStart = function () {
    var width = Number(this.start.width && this.start.width.value);
    var x = this.start.x && this.start.x.value;
    var y = this.start.y && this.start.y.value;
    if (!(width > 0) || x === "" || y === "" || x === undefined || y === undefined) return null;
    return { center_x: Number(x), center_y: Number(y), view_width: width };
  };

  ReferenceEditor.prototype.setStart = function (view) {
    if (!this.start.width) return;
    this.start.x.value = view ? String(view.center_x) : "";
    this.start.y.value = view ? String(view.center_y) : "";
    this.start.width.value = view ? String(view.view_width) : "";
    this.describeStart();
  };

  ReferenceEditor.prototype.describeStart = function () {
    if (!this.startSummary) return;
    var view = this.currentStart();
    if (!view) {
      this.startSummary.textContent = "Trainees start with the whole slide in view.";
      this.root.dataset.startView = "";
      return;
    }
    var width = Math.round(view.view_width) + " px";
    var ctx = this.ctx;
    if (ctx && ctx.mpp) width += " (about " + window.PortalMeasurement.formatLength(view.view_width * ctx.mpp.x) + ")";
    this.startSummary.textContent = "Trainees start at the view centred on " + Math.round(view.center_x) + ", " +
      Math.round(view.center_y) + ", " + width + " across.";
    this.root.dataset.startView = [view.center_x, view.center_y, view.view_width].join(",");
  };

  ReferenceEditor.prototype.useCurrentView = function () {
    if (!this.ctx || !this.ctx.viewer.world.getItemCount()) {
      if (this.startSummary) this.startSummary.textContent = "Choose a slide and wait for it to appear first.";
      return;
    }
    this.setStart(Answers.currentView(this.ctx));
    this.ctx.announce("Starting view saved.");
  };

  /* Start-up ---------------------------------------------------------------------------------------- */

  var editors = [];
  document.querySelectorAll("[data-reference-editor]").forEach(function (root) {
    editors.push((root.portalReferenceEditor = new ReferenceEditor(root)));
  });

  Kit.onViewer("quiz-reference", function (element) {
    if (element.dataset.answerMode !== "reference") return;
    var editor = element.portalReferenceEditor;
    if (!editor) {
      var root = element.closest("[data-reference-editor]");
      editor = root && root.portalReferenceEditor;
    }
    if (editor) editor.attach(element);
  });
})();
