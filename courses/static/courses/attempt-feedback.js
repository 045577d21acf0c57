/*
 * The attempt page, part 1 of 3: the feedback of a checked answer (feedback after each
 * question), drawn as courses/_quiz_feedback.html draws it, with the reference and the
 * examiner's pin on the slide and a key to the layers. Load after courses/answer-layer.js
 * (window.PortalAnswers) and, on pages with slides, answer-tools.js and answer-viewer.js; then
 * attempt-question.js and attempt.js.
 *
 * Starts window.PortalAttempt, the attempt scripts' shared object:
 *   PortalAttempt.renderFeedback(question, data)   data: the check response's "question"
 */
(function () {
  "use strict";

  var Answers = window.PortalAnswers;
  if (!Answers) {
    if (window.console) window.console.error("attempt-feedback.js needs courses/answer-layer.js first.");
    return;
  }
  var el = Answers.el;
  var layer = Answers.layer;
  var showReference = Answers.showReference;
  var showComment = Answers.showComment;
  var bindToggles = Answers.bindToggles;

  function formatNumber(value, decimals) {
    var number = Number(value);
    if (!isFinite(number)) return String(value);
    var text = number.toFixed(decimals === undefined ? 2 : decimals);
    return text.indexOf(".") === -1 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }

  /** The feedback of a checked answer, as courses/_quiz_feedback.html draws it. */
  function renderFeedback(question, data) {
    var fb = data.feedback;
    var section = question.section;
    var slot = section.querySelector("[data-feedback-slot]");
    if (!fb || !slot) return;
    var points = Number(data.points);
    var score = Number(fb.score);
    var kind = fb.pending ? "pending" : score >= points ? "full" : score > 0 ? "part" : "none";
    var box = el("div", { class: "quiz-feedback quiz-feedback--" + kind, "data-feedback": true, tabindex: "-1" }, [
      el("h3", { class: "quiz-feedback__title", text: "Feedback" }),
    ]);
    box.appendChild(fb.pending
      ? el("p", { class: "quiz-feedback__score", "data-feedback-score": true, text: "Awaiting marking by an examiner." })
      : el("p", { class: "quiz-feedback__score", "data-feedback-score": true }, [
        el("strong", { text: formatNumber(score) }),
        " of " + formatNumber(points) + (points === 1 ? " mark" : " marks"),
      ]));
    var measures = fb.measures || {};
    // The server's sentence follows the mark that counts (an examiner's override included),
    // so it is shown as given, never rebuilt here from the automatic measures.
    if (fb.sentence) {
      box.appendChild(el("p", { class: "quiz-feedback__sentence", "data-feedback-sentence": true, "data-overridden": Boolean(fb.overridden), text: fb.sentence }));
    }
    if (data.type === "point" && measures.targets) {
      box.appendChild(el("p", { class: "small", text: "Targets found: " + measures.hits + " of " + measures.targets + "." }));
    } else if (data.type === "outline" && measures.dice !== undefined && measures.dice !== null) {
      box.appendChild(el("p", { class: "small", text: "Overlap with the reference region (Dice): " + Number(measures.dice).toFixed(2) + ", where 1 is a perfect match." }));
    } else if (data.type === "measure") {
      var sentences = [];
      if (measures.length_um !== undefined && measures.length_um !== null) sentences.push("Your line: " + Number(measures.length_um).toFixed(1) + " µm.");
      if (fb.reference_value !== undefined && fb.reference_value !== null) sentences.push("Reference length: " + Number(fb.reference_value).toFixed(1) + " µm.");
      if (sentences.length) box.appendChild(el("p", { class: "small", text: sentences.join(" ") }));
    } else if (data.type === "numeric" && fb.reference_value !== undefined && fb.reference_value !== null) {
      box.appendChild(el("p", { class: "small", text: "The accepted answer is " + formatNumber(fb.reference_value, 4) + "." }));
    }
    if (fb.model_answer) {
      // *_html: the server's sanitised rendering of the educator's Markdown (courses/markdown_text.py).
      var modelAnswer = el("div", { class: "quiz-model-answer rich-text" });
      if (typeof fb.model_answer_html === "string") modelAnswer.innerHTML = fb.model_answer_html;
      else modelAnswer.textContent = fb.model_answer;
      box.appendChild(el("div", { class: "quiz-feedback__block" }, [el("h4", { text: "Model answer" }), modelAnswer]));
    }
    if (fb.comment) {
      box.appendChild(el("div", { class: "quiz-feedback__block quiz-feedback__comment", "data-examiner-comment": true }, [
        el("h4", { text: "Examiner’s comment" }),
        el("p", { class: "quiz-feedback__pre", text: fb.comment }),
      ]));
    }
    slot.replaceChildren(box);

    // Correct options and their feedback, in the option list.
    var correct = fb.correct_choices || [];
    var notes = fb.choice_feedback || {};
    var notesHtml = fb.choice_feedback_html || {};
    section.querySelectorAll("[data-choice]").forEach(function (node) {
      var key = node.getAttribute("data-choice");
      if (correct.indexOf(key) !== -1) {
        node.classList.add("quiz-choice--correct");
        node.appendChild(el("span", { class: "quiz-choice__verdict", text: "Correct option" }));
      }
      if (!notes[key]) return;
      var note = el("p", { class: "quiz-choice__feedback" });
      if (typeof notesHtml[key] === "string") note.innerHTML = notesHtml[key];
      else note.textContent = notes[key];
      node.appendChild(note);
    });

    // The reference on the slide, with a key to the layers.
    var viewerElement = section.querySelector("[data-slide-viewer]");
    if (viewerElement && viewerElement.portalKit && fb.reference_geometry) {
      var ctx = viewerElement.portalKit;
      showReference(ctx, fb.reference_geometry);
      if (fb.comment_at) showComment(ctx, fb.comment_at);
      var figure = viewerElement.closest("[data-answer-figure]");
      if (figure && !figure.querySelector(".quiz-legend")) {
        figure.appendChild(legend(question.uuid, Boolean(fb.comment_at)));
        bindToggles(viewerElement, layer(ctx));
      }
    }
    box.focus();
  }

  function legend(prefix, withComment) {
    var list = el("ul", { class: "quiz-legend", "aria-label": "Layers on the slide" });
    [["answer", "quiz-swatch--answer", "Your answer"], ["reference", "quiz-swatch--reference", "Reference answer (dashed)"]]
      .concat(withComment ? [["comment", "quiz-swatch--comment", "Examiner’s comment"]] : [])
      .forEach(function (entry) {
        var id = prefix + "-layer-" + entry[0];
        list.appendChild(el("li", { class: "checkbox quiz-legend__item" }, [
          el("input", { type: "checkbox", id: id, "data-layer-toggle": entry[0], checked: true }),
          el("label", { for: id }, [el("span", { class: "quiz-swatch " + entry[1], "aria-hidden": "true" }), entry[2]]),
        ]));
      });
    return list;
  }

  window.PortalAttempt = window.PortalAttempt || {};
  window.PortalAttempt.renderFeedback = renderFeedback;
})();
