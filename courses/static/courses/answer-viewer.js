/*
 * The answer on each assessment slide viewer. Load after courses/answer-layer.js and
 * answer-tools.js (window.PortalAnswers), before attempt.js and marking.js.
 *
 * Every [data-slide-viewer][data-answer-type] (courses/_quiz_viewer.html) opens on its
 * data-start-* view and draws the answer payload in the json_script named by
 * data-answer-source (blue), the reference geometry named by data-reference-source (orange,
 * dashed) and the examiner's pin at data-comment-x/-y. Checkboxes [data-layer-toggle=answer|
 * reference|comment] in the same [data-answer-figure] show and hide those layers. With
 * data-answer-mode="edit" the trainee draws the answer:
 *   point    [data-answer-tool=point] (on by default): click to place a numbered point,
 *            click a point to remove it
 *   outline  [data-answer-tool=outline] (on by default): click each corner; close on the
 *            first corner, by double-click or Enter; a new outline replaces the old one
 *   measure  [data-answer-tool=measure]: drag, or click both ends; shows the length in µm
 *   [data-answer-clear] removes the answer. element.portalAnswerEditor is the editor (attempt.js
 *   saves what it reports through editor.onChange).
 * data-answer-mode="reference" viewers are left to reference-editor.js.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Overlays = window.PortalOverlay;
  var Measurement = window.PortalMeasurement;
  var hasSlideTools = Boolean(Kit && Shapes && Overlays && Measurement);
  var Answers = window.PortalAnswers;
  if (!Answers || !Answers.addTool) {
    if (window.console) window.console.error("answer-viewer.js needs courses/answer-layer.js and answer-tools.js first.");
    return;
  }
  var layer = Answers.layer;
  var readJson = Answers.readJson;
  var finite = Answers.finite;
  var isEmptyPayload = Answers.isEmptyPayload;
  var payloadGeometries = Answers.payloadGeometries;
  var lengthText = Answers.lengthText;
  var describe = Answers.describe;
  var showReference = Answers.showReference;
  var showComment = Answers.showComment;
  var bindToggles = Answers.bindToggles;
  var startView = Answers.startView;
  var goToView = Answers.goToView;
  var fitTo = Answers.fitTo;
  var addTool = Answers.addTool;
  var addAction = Answers.addAction;
  var pointGesture = Answers.pointGesture;
  var polygonGesture = Answers.polygonGesture;
  var lineGesture = Answers.lineGesture;
  var Cursor = window.PortalKeyboardCursor;
  var el = Answers.el;

  /* The trainee's editor ----------------------------------------------------------------------------- */

  var TOOL_OF_TYPE = {
    point: { name: "answer-point", icon: "point", text: "Points", label: "Place points: click the slide; click a point to remove it", on: true },
    outline: { name: "answer-outline", icon: "polygon", text: "Outline", label: "Outline: click each corner, then the first corner, double-click or press C", on: true },
    measure: { name: "answer-measure", icon: "ruler", text: "Ruler", label: "Ruler: drag across, or click both ends", on: false },
  };

  function Editor(ctx, type, payload) {
    var self = this;
    this.ctx = ctx;
    this.type = type;
    this.layer = layer(ctx);
    this.payload = payload || {};
    this.locked = false;
    this.onChange = null;
    var tool = TOOL_OF_TYPE[type];
    this.toolName = tool.name;
    var gesture;
    if (type === "point") {
      gesture = function () {
        return pointGesture(ctx, {
          points: function () {
            return (self.payload.points || []).slice();
          },
          add: function (p) {
            var points = (self.payload.points || []).concat([p]);
            if (points.length > 50) {
              ctx.announce("At most 50 points.", true);
              return;
            }
            self.change({ points: points });
            ctx.announce(Cursor.pointsPlaced(points.length, Overlays.of(ctx).where(p)));
          },
          remove: function (index) {
            var points = (self.payload.points || []).slice();
            points.splice(index, 1);
            self.change(points.length ? { points: points } : {});
            ctx.announce("Point removed; " + points.length + " left.");
          },
        });
      };
    } else if (type === "outline") {
      gesture = function () {
        return polygonGesture(ctx, {
          done: function (geometry) {
            self.change({ geometry: geometry });
            ctx.announce("Outline closed: " + describeItem(ctx, geometry) + ". Drawing again replaces it.");
          },
        });
      };
    } else {
      gesture = function () {
        return lineGesture(ctx, {
          done: function (geometry) {
            self.change({ geometry: geometry });
            ctx.announce("Ruler: " + describeItem(ctx, geometry) + ".");
          },
        });
      };
    }
    this.toolButton = addTool(ctx, tool.name, {
      icon: tool.icon,
      text: tool.text,
      label: tool.label,
      gesture: gesture,
      attributes: { "data-answer-tool": type },
    });
    this.clearButton = addAction(ctx, "clear", "Clear", "Clear my answer on this slide", { "data-answer-clear": true }, function () {
      if (self.locked) return;
      var tools = ctx.tools;
      // Restart the active gesture so a half-drawn outline goes too.
      if (tools.active === self.toolName) {
        tools.activate(null);
        tools.activate(self.toolName);
      }
      self.change({});
      ctx.announce("Answer cleared.");
    });
    if (tool.on) ctx.tools.activate(tool.name);
    this.render();
  }

  Editor.prototype.render = function () {
    this.layer.set("answer", payloadGeometries(this.type, this.payload), answerStyle(this.type));
    var element = this.ctx.element;
    var geometries = payloadGeometries(this.type, this.payload);
    element.dataset.answerCount = String(
      this.type === "point" ? (geometries.length ? geometries[0].coordinates.length : 0) : geometries.length
    );
    var summary = summaryFor(element);
    if (summary) summary.textContent = describe(this.ctx, this.type, this.payload);
    this.renderItems(summary);
  };

  /**
   * The text list of what is placed, under the viewer: each item can be shown (the view moves
   * to it) or deleted, so a keyboard or screen-reader user can review the answer.
   */
  Editor.prototype.renderItems = function (summary) {
    var self = this;
    var ctx = this.ctx;
    if (!summary || !Cursor) return;
    if (!this.items) {
      this.items = el("ul", { class: "quiz-answer-items", "data-answer-items": true, "aria-label": "What you placed on this slide" });
      summary.parentNode.insertBefore(this.items, summary.nextSibling);
    }
    var entries = [];
    if (this.type === "point") {
      (this.payload.points || []).forEach(function (p, index) {
        entries.push({ label: Cursor.itemLabel("point", index, null), geometry: { type: "Point", coordinates: p }, index: index });
      });
    } else {
      payloadGeometries(this.type, this.payload).forEach(function (geometry, index) {
        var kind = self.type === "measure" ? "line" : "outline";
        entries.push({ label: Cursor.itemLabel(kind, index, describeItem(ctx, geometry)), geometry: geometry, index: index });
      });
    }
    this.items.replaceChildren();
    this.items.hidden = !entries.length;
    entries.forEach(function (entry) {
      var show = el("button", { type: "button", class: "button button--small", "data-answer-item-show": true, text: "Show", "aria-label": "Show " + entry.label });
      var remove = el("button", { type: "button", class: "button button--small", "data-answer-item-delete": true, text: "Delete", "aria-label": "Delete " + entry.label, disabled: self.locked });
      show.addEventListener("click", function () {
        fitTo(ctx, [entry.geometry]);
        ctx.viewer.canvas.focus();
      });
      remove.addEventListener("click", function () {
        self.removeItem(entry.index);
      });
      self.items.appendChild(el("li", { "data-answer-item": true }, [el("span", { text: entry.label }), " ", show, " ", remove]));
    });
  };

  Editor.prototype.removeItem = function (index) {
    if (this.locked) return;
    if (this.type === "point") {
      var points = (this.payload.points || []).slice();
      points.splice(index, 1);
      this.change(points.length ? { points: points } : {});
      this.ctx.announce("Point removed; " + points.length + " left.");
    } else {
      this.change({});
      this.ctx.announce(this.type === "measure" ? "Ruler removed." : "Outline removed.");
    }
    // Focus stays in the list (the next item's Delete), or returns to the slide when it is empty.
    var next = this.items.querySelectorAll("[data-answer-item-delete]");
    if (next.length) next[Math.min(index, next.length - 1)].focus();
    else this.ctx.viewer.canvas.focus();
  };

  Editor.prototype.change = function (payload) {
    if (this.locked) return;
    this.payload = payload;
    this.render();
    if (this.onChange) this.onChange(payload);
  };

  /** Show a payload without reporting a change (restoring a saved answer). */
  Editor.prototype.set = function (payload) {
    this.payload = payload || {};
    this.render();
  };

  Editor.prototype.lock = function () {
    this.locked = true;
    this.ctx.tools.activate(null);
    this.toolButton.disabled = true;
    this.clearButton.disabled = true;
    this.layer.set("preview", []);
    if (this.items) this.renderItems(summaryFor(this.ctx.element));
  };

  function answerStyle(type) {
    return { marker: "dot", numbered: type === "point", lengths: type === "measure", ends: type === "measure" };
  }

  /** "4 corners, 0.12 mm², around 40% across, 25% down the visible field" or a ruler's length. */
  function describeItem(ctx, geometry) {
    var overlay = Overlays.of(ctx);
    if (geometry.type === "LineString") {
      var c = geometry.coordinates;
      return lengthText(ctx, c[0], c[c.length - 1]) + ", from " + overlay.where(c[0]) + " to " + overlay.where(c[c.length - 1]);
    }
    if (geometry.type === "Polygon") {
      var ring = geometry.coordinates[0];
      var b = Shapes.geometryBounds(geometry);
      var middle = [(b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2];
      return (ring.length - 1) + " corners, " + Answers.areaText(ctx, ring) + ", around " + overlay.where(middle);
    }
    return "";
  }

  function summaryFor(element) {
    var figure = element.closest("[data-answer-figure]");
    var scope = figure ? figure.parentNode : element.parentNode;
    return scope ? scope.querySelector("[data-answer-summary]") : null;
  }

  /* Viewer set-up: answer, reference, pin, toggles ------------------------------------------------------ */

  function setUpViewer(element) {
    var type = element.dataset.answerType;
    var mode = element.dataset.answerMode || "display";
    if (!TOOL_OF_TYPE[type] || mode === "reference") return;
    var ctx = Kit.context(element);
    var answerLayer = layer(ctx);
    var payload = readJson(element.dataset.answerSource) || {};
    var reference = readJson(element.dataset.referenceSource);
    if (reference) showReference(ctx, reference);
    var cx = finite(element.dataset.commentX);
    var cy = finite(element.dataset.commentY);
    if (cx !== null && cy !== null) showComment(ctx, [cx, cy]);

    if (mode === "edit") {
      element.portalAnswerEditor = new Editor(ctx, type, payload);
    } else {
      answerLayer.set("answer", payloadGeometries(type, payload), answerStyle(type));
      var summary = summaryFor(element);
      if (summary && !isEmptyPayload(payload)) {
        summary.textContent = describe(ctx, type, payload, element.dataset.answerWho || "You");
      }
    }
    bindToggles(element, answerLayer);

    var start = startView(element);
    ctx.whenOpen(function () {
      // Reviewing: show the answer with the reference. Answering: where the educator chose.
      var shown = mode === "display" && fitTo(ctx, answerLayer.geometries("answer").concat(answerLayer.geometries("reference")));
      if (!shown && start) goToView(ctx, start);
    });
  }

  if (hasSlideTools) Kit.onViewer("quiz-answers", setUpViewer);
})();
