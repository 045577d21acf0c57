/*
 * The examiner's page for one answer (courses/mark_answer.html). Needs courses/answer-layer.js
 * and answer-viewer.js first, which draw the trainee's answer and the reference on the slide.
 *
 *   [data-mark-form]        the mark form; data-auto-score is the automatic score, if any
 *   [data-override-field]   the override reason: shown only while the mark differs from the
 *                           automatic score (or a reason is already written)
 *   [data-score-set=<n>]    buttons that fill the mark
 *   [data-pin-comment]      press, then click the slide: the hidden comment_x / comment_y get
 *                           that level-0 position and a pin is drawn there; the same tool is in
 *                           the slide's tool strip ([data-tool=pin-comment]) for full screen.
 *                           Escape cancels. [data-unpin-comment] removes the pin.
 *   viewer element dataset.commentPinned = "true" | "false"
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-mark-form]");
  if (!form) return;

  /* The override reason ------------------------------------------------------------------------ */

  var score = form.querySelector("[name=score]");
  var overrideField = form.querySelector("[data-override-field]");
  var reason = overrideField && overrideField.querySelector("textarea");
  var autoScore = form.dataset.autoScore !== undefined ? Number(form.dataset.autoScore) : null;
  var reasonHadErrors = Boolean(overrideField && overrideField.querySelector(".errorlist"));

  function differs() {
    if (autoScore === null || !score || score.value.trim() === "") return false;
    var value = Number(score.value);
    return isFinite(value) && Math.abs(value - autoScore) > 1e-9;
  }

  function updateOverride() {
    if (!overrideField) return;
    var show = autoScore !== null && (differs() || reasonHadErrors || Boolean(reason && reason.value.trim()));
    overrideField.hidden = !show;
    form.dataset.overrideShown = show ? "true" : "false";
  }

  if (score) {
    score.addEventListener("input", updateOverride);
    form.querySelectorAll("[data-score-set]").forEach(function (button) {
      button.addEventListener("click", function () {
        score.value = button.getAttribute("data-score-set");
        updateOverride();
        score.focus();
      });
    });
  }
  updateOverride();

  /* Pinning the comment to the slide ------------------------------------------------------------- */

  var Kit = window.PortalSlideKit;
  var Answers = window.PortalAnswers;
  var Overlays = window.PortalOverlay;
  if (!Kit || !Answers || !Answers.layer || !Overlays) return;

  var inputX = form.querySelector("[name=comment_x]");
  var inputY = form.querySelector("[name=comment_y]");
  var pinButton = form.querySelector("[data-pin-comment]");
  var unpinButton = form.querySelector("[data-unpin-comment]");
  var status = form.querySelector("[data-pin-status]");
  if (!inputX || !inputY) return;

  function round2(value) {
    return Math.round(value * 100) / 100;
  }

  Kit.onViewer("quiz-pin", function (element) {
    if (element.dataset.answerMode !== "display") return;
    var ctx = Kit.context(element);
    var overlay = Overlays.of(ctx);

    function showLayer() {
      var toggle = document.querySelector('[data-layer-toggle="comment"]');
      if (toggle && !toggle.checked) toggle.checked = true;
      Answers.layer(ctx).setVisible("comment", true);
    }

    function pin(p, quietly) {
      inputX.value = String(round2(p[0]));
      inputY.value = String(round2(p[1]));
      Answers.showComment(ctx, [round2(p[0]), round2(p[1])]);
      showLayer();
      element.dataset.commentPinned = "true";
      if (unpinButton) unpinButton.hidden = false;
      if (status) status.textContent = "Pinned on the slide. Press Pin comment again to move it.";
      if (!quietly) ctx.announce("Comment pinned at " + overlay.where(p) + ".");
    }

    function unpin() {
      inputX.value = "";
      inputY.value = "";
      Answers.showComment(ctx, null);
      element.dataset.commentPinned = "false";
      if (unpinButton) unpinButton.hidden = true;
      if (status) status.textContent = "Not pinned: the comment applies to the whole answer.";
    }

    function pressed(on) {
      if (pinButton) pinButton.setAttribute("aria-pressed", on ? "true" : "false");
    }

    ctx.tools.register("pin-comment", {
      drawing: true,
      activate: function () {
        overlay.setInput({
          drags: false,
          tap: function (p) {
            var byKeyboard = Boolean(overlay.cursor);
            pin(p);
            ctx.tools.activate(ctx.tools.fallback);
            // Pinned with the crosshair: back to the form, where the marking goes on.
            if (byKeyboard && pinButton) pinButton.focus();
          },
        });
        pressed(true);
        if (status) status.textContent = "Click the slide where the comment applies, or move the crosshair with the arrow keys and press Enter (Escape cancels).";
      },
      deactivate: function () {
        overlay.setInput(null);
        pressed(false);
        if (status && inputX.value === "") status.textContent = "Not pinned: the comment applies to the whole answer.";
        else if (status) status.textContent = "Pinned on the slide. Press Pin comment again to move it.";
      },
      keydown: function (event) {
        if (event.key === "Escape") {
          ctx.tools.activate(ctx.tools.fallback);
          return true;
        }
        return false;
      },
    });
    var stripButton = ctx.tools.button("pin-comment", "target", "Pin comment: click the slide where it applies, or use the arrow keys and Enter");
    stripButton.classList.add("viewer-button--text", "slide-toggle");
    stripButton.appendChild(Kit.el("span", { class: "slide-toggle__text", text: "Pin comment" }));
    ctx.toolGroup("draw", "Marking").appendChild(stripButton);

    if (pinButton) {
      pinButton.addEventListener("click", function (event) {
        if (ctx.tools.active === "pin-comment") {
          ctx.tools.activate(ctx.tools.fallback);
          return;
        }
        ctx.tools.activate("pin-comment");
        if (element.getBoundingClientRect().bottom < 0 || element.getBoundingClientRect().top > window.innerHeight) {
          element.scrollIntoView({ block: "center", behavior: Kit.prefersReducedMotion() ? "auto" : "smooth" });
        }
        // Pressed with the keyboard (a click with no pointer has detail 0): go to the slide,
        // where the crosshair shows.
        if (event.detail === 0) ctx.viewer.canvas.focus();
        ctx.announce(event.detail === 0 ? "Move the crosshair with the arrow keys and press Enter where the comment applies." : "Click the slide where the comment applies.");
      });
    }
    if (unpinButton) {
      unpinButton.addEventListener("click", function () {
        if (ctx.tools.active === "pin-comment") ctx.tools.activate(ctx.tools.fallback);
        unpin();
        if (pinButton) pinButton.focus();
      });
    }

    var x = Number(inputX.value);
    var y = Number(inputY.value);
    if (inputX.value !== "" && inputY.value !== "" && isFinite(x) && isFinite(y)) pin([x, y], true);
    else element.dataset.commentPinned = "false";
  });
})();
