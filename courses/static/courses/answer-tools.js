/*
 * Drawing on the slide: the tools behind answers (answer-viewer.js) and references
 * (reference-editor.js). Load after courses/answer-layer.js, whose window.PortalAnswers this
 * extends with:
 *
 *   PortalAnswers.addTool(ctx, name, options)   a drawing tool in the viewer's tool strip
 *   PortalAnswers.addAction(ctx, icon, text, label, attributes, onClick)   a button beside them
 *   PortalAnswers.pointGesture / polygonGesture / lineGesture   the gestures behind them
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Overlays = window.PortalOverlay;
  var Answers = window.PortalAnswers;
  if (!Answers) {
    if (window.console) window.console.error("answer-tools.js needs courses/answer-layer.js first.");
    return;
  }
  var el = Answers.el;
  var layer = Answers.layer;
  var REMOVE_DISTANCE = 12; // CSS px: a click this close to a point removes it

  /* Tools and gestures --------------------------------------------------------------------------- */

  /**
   * A drawing tool in the viewer's tool strip (one active at a time, per PortalSlideKit).
   * options: {icon, text, label, gesture(): a PortalOverlay gesture, attributes, group}
   * Escape cancels a drawing (then turns the tool off). On the focused slide, the crosshair
   * (slide-overlay.js) places with Enter, closes with C and undoes with Backspace; after pointer
   * clicks, Enter closes an outline and Backspace drops its last corner. Returns the button.
   */
  function addTool(ctx, name, options) {
    var overlay = Overlays.of(ctx);
    var gesture = null;
    ctx.tools.register(name, {
      drawing: true,
      activate: function () {
        gesture = options.gesture();
        overlay.setInput(gesture);
      },
      deactivate: function () {
        if (gesture && gesture.cancel) gesture.cancel();
        gesture = null;
        overlay.setInput(null);
      },
      keydown: function (event) {
        if (!gesture) return false;
        if (event.key === "Escape") {
          if (gesture.busy && gesture.busy()) gesture.cancel();
          else ctx.tools.activate(ctx.tools.fallback);
          return true;
        }
        // Enter and Backspace on a button of the tool strip belong to the button.
        if (event.target !== ctx.viewer.canvas) return false;
        if (event.key === "Enter" && gesture.finish) {
          gesture.finish();
          return true;
        }
        if (event.key === "Backspace" && gesture.undo && gesture.busy && gesture.busy()) {
          gesture.undo();
          return true;
        }
        return false;
      },
    });
    var button = ctx.tools.button(name, options.icon, options.label, options.attributes);
    button.classList.add("viewer-button--text", "slide-toggle");
    button.appendChild(el("span", { class: "slide-toggle__text", text: options.text }));
    ctx.toolGroup("draw", options.group || "Answer").appendChild(button);
    return button;
  }

  /** A text button in the tool strip, beside the tools. */
  function addAction(ctx, iconName, text, label, attributes, onClick) {
    var button = Kit.iconButton(iconName, label, attributes);
    button.classList.add("viewer-button--text", "slide-toggle");
    button.appendChild(el("span", { class: "slide-toggle__text", text: text }));
    button.addEventListener("click", onClick);
    ctx.toolGroup("draw", "Answer").appendChild(button);
    return button;
  }

  /**
   * Taps add points; a tap on an existing point (within 12 px) removes it; undo() (Backspace)
   * removes the last.
   */
  function pointGesture(ctx, options) {
    var overlay = Overlays.of(ctx);
    return {
      drags: false,
      undo: function () {
        var count = options.points().length;
        if (count) options.remove(count - 1);
        else ctx.announce("No points to remove.");
      },
      tap: function (p) {
        var points = options.points();
        for (var i = points.length - 1; i >= 0; i--) {
          if (overlay.screenDistance(points[i], p) < REMOVE_DISTANCE) {
            options.remove(i);
            return;
          }
        }
        options.add(Shapes.position(p[0], p[1], ctx.size));
      },
    };
  }

  /** One closed outline; done(Polygon geometry). */
  function polygonGesture(ctx, options) {
    var answerLayer = layer(ctx);
    return Overlays.polygonGesture(Overlays.of(ctx), {
      preview: function (points, hover) {
        answerLayer.preview(points, hover);
      },
      done: function (points) {
        var geometry = Shapes.shapeToGeometry(Shapes.polygonShape(points), "polygon", ctx.size);
        if (!geometry) {
          ctx.announce("That outline has no area. Try again.", true);
          return;
        }
        options.done(geometry);
      },
      needMore: function (count) {
        if (!count) ctx.announce("No outline to close yet: place its corners first.");
        else ctx.announce("An outline needs at least 3 corners; it has " + count + ".");
      },
    });
  }

  /** One straight line; done(LineString geometry). The draft shows its length. */
  function lineGesture(ctx, options) {
    var answerLayer = layer(ctx);
    return Overlays.twoPointGesture(Overlays.of(ctx), {
      preview: function (a, b) {
        if (!a) answerLayer.set("preview", []);
        else answerLayer.set("preview", [{ type: "LineString", coordinates: [a, b] }], { lengths: true, ends: true });
      },
      done: function (a, b) {
        var geometry = Shapes.shapeToGeometry(Shapes.lineShape(a, b), "line", ctx.size);
        if (!geometry) {
          ctx.announce("That line is too short. Try again.", true);
          return;
        }
        options.done(geometry);
      },
      tooSmall: function () {
        ctx.announce("That line is too short. Drag further, or click both ends.");
      },
    });
  }

  Answers.addTool = addTool;
  Answers.addAction = addAction;
  Answers.pointGesture = pointGesture;
  Answers.polygonGesture = polygonGesture;
  Answers.lineGesture = lineGesture;
})();
