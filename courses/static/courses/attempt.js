/*
 * The attempt page, part 3 of 3: a trainee answering a quiz. Load after courses/answer-layer.js
 * (window.PortalAnswers), on pages with slides answer-tools.js and answer-viewer.js, which
 * give each slide question its answer editor (element.portalAnswerEditor), then
 * attempt-feedback.js (drawing the feedback of a checked answer) and attempt-question.js (saving
 * and checking each answer), which share window.PortalAttempt with this script (the page,
 * timer and submit).
 *
 * [data-attempt] with data-answers-url (the attempt's API URL):
 *   - countdown [data-attempt-timer] to data-deadline on the server's clock (data-server-now
 *     gives the offset); warns at 5 and 1 minutes; at 0 saves what it can and reloads (the
 *     server submits).
 *   - autosave: each section[data-question] PUTs {payload, version} to
 *     <answers-url>answers/<question>/ 600 ms after a change; unsent answers wait in
 *     localStorage ("portal-attempt:<attempt>:<question>") until the server has them, and are
 *     sent again after a reload. Failed saves retry with backoff. A 409 for a different answer
 *     stops that question ("changed in another tab"); a 403 {closed} reloads the page.
 *     section.dataset.savedVersion = the version after each successful save;
 *     section.dataset.saveState = saved | pending | saving | retrying | error | conflict | locked.
 *   - [data-check-answer] (feedback after each question) locks the answer and shows feedback.
 *   - submit: a confirmation dialog [data-submit-dialog], pending saves flushed first.
 */
(function () {
  "use strict";

  var Answers = window.PortalAnswers;
  var Attempt = window.PortalAttempt;
  if (!Answers || !Attempt || !Attempt.Question) {
    if (window.console) window.console.error("attempt.js needs courses/answer-layer.js, attempt-feedback.js and attempt-question.js first.");
    return;
  }
  var isEmptyPayload = Answers.isEmptyPayload;
  var Question = Attempt.Question;
  var pad = Attempt.pad;

  /* Small helpers ------------------------------------------------------------------------------ */

  /** Date.parse for Django's "c" format, whose microseconds some engines refuse. */
  function parseIso(text) {
    if (!text) return NaN;
    return Date.parse(String(text).replace(/(\.\d{3})\d+/, "$1"));
  }

  function storage() {
    try {
      var probe = "portal-attempt-probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private browsing or storage turned off: autosave still works
    }
  }

  /* The countdown ------------------------------------------------------------------------------------- */

  function formatRemaining(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    return hours ? hours + ":" + pad(minutes) + ":" + pad(seconds) : pad(minutes) + ":" + pad(seconds);
  }

  function spokenRemaining(ms) {
    var minutes = Math.floor(ms / 60000);
    if (minutes >= 60) {
      var hours = Math.floor(minutes / 60);
      minutes %= 60;
      return hours + (hours === 1 ? " hour " : " hours ") + minutes + (minutes === 1 ? " minute" : " minutes");
    }
    if (minutes >= 1) return minutes + (minutes === 1 ? " minute" : " minutes");
    return Math.max(0, Math.round(ms / 1000)) + " seconds";
  }

  function Countdown(page, element) {
    this.page = page;
    this.element = element;
    this.value = element.querySelector("[data-timer-value]");
    this.announcer = page.root.querySelector("[data-timer-announce]");
    this.deadline = parseIso(element.dataset.deadline);
    var serverNow = parseIso(element.dataset.serverNow);
    // The server's clock is the one that counts: remember how far this device's clock is off.
    this.offset = isFinite(serverNow) ? serverNow - Date.now() : 0;
    this.warned = {};
    this.done = false;
    if (!isFinite(this.deadline)) return;
    var self = this;
    this.tick();
    this.interval = setInterval(function () {
      self.tick();
    }, 250);
  }

  Countdown.prototype.remaining = function () {
    return this.deadline - (Date.now() + this.offset);
  };

  Countdown.prototype.announce = function (text) {
    if (this.announcer) this.announcer.textContent = text;
  };

  Countdown.prototype.tick = function () {
    var left = this.remaining();
    var text = formatRemaining(left);
    if (this.value.textContent !== text) this.value.textContent = text;
    this.element.dataset.remaining = String(Math.max(0, Math.ceil(left / 1000)));
    if (left <= 5 * 60000 && !this.warned.five) {
      this.warned.five = true;
      this.element.classList.add("quiz-timer--warn");
      if (left > 60000) this.announce(spokenRemaining(left) + " left. Your answers are saved as you go.");
    }
    if (left <= 60000 && !this.warned.one) {
      this.warned.one = true;
      this.element.classList.add("quiz-timer--urgent");
      if (left > 0) this.announce("1 minute left. Whatever is saved when time is up is submitted.");
    }
    if (left <= 0 && !this.done) {
      this.done = true;
      clearInterval(this.interval);
      this.announce("Time is up. Your saved answers are being submitted.");
      this.page.timeUp();
    }
  };

  /* The page ----------------------------------------------------------------------------------------- */

  function AttemptPage(root) {
    var self = this;
    this.root = root;
    this.attempt = root.dataset.attempt;
    this.answersUrl = root.dataset.answersUrl.replace(/\/?$/, "/");
    this.storage = storage();
    this.reloading = false;
    this.questions = [];
    this.summary = root.querySelector("[data-save-summary]");
    this.answered = root.querySelector("[data-answered-count]");
    this.offlineBanner = root.querySelector("[data-offline-banner]");
    root.querySelectorAll("section[data-question]").forEach(function (section) {
      self.questions.push(new Question(self, section));
    });
    this.updateCount();
    this.updateSummary();
    var timer = root.querySelector("[data-attempt-timer]");
    if (timer) this.countdown = new Countdown(this, timer);
    this.bindSubmit();

    window.addEventListener("online", function () {
      self.online(true);
      self.questions.forEach(function (q) {
        if (q.hasUnsaved() && !q.inflight) q.save();
      });
    });
    window.addEventListener("offline", function () {
      self.online(false);
    });
    if (navigator.onLine === false) this.online(false);
    // Leaving, switching tab or app, or the phone locking: send what is pending now.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") self.flushNow();
    });
    window.addEventListener("pagehide", function () {
      self.flushNow();
    });
    root.dataset.attemptReady = "true";
  }

  AttemptPage.prototype.flushNow = function () {
    this.questions.forEach(function (q) {
      if (q.hasUnsaved() && !q.inflight) {
        q.store();
        q.save({ keepalive: true });
      }
    });
  };

  /** Save everything pending; resolves to the questions that could not be saved. */
  AttemptPage.prototype.flush = function () {
    var self = this;
    return Promise.all(this.questions.map(function (q) {
      return q.hasUnsaved() || q.inflight ? q.save() : Promise.resolve(!q.stopped);
    })).then(function (results) {
      return self.questions.filter(function (q, i) {
        return !results[i] && !q.locked;
      });
    });
  };

  AttemptPage.prototype.online = function (isOnline) {
    if (this.offlineBanner) this.offlineBanner.hidden = isOnline;
  };

  AttemptPage.prototype.updateCount = function () {
    if (!this.answered) return;
    var count = this.questions.filter(function (q) {
      return !isEmptyPayload(q.payload);
    }).length;
    this.answered.textContent = String(count);
    this.root.dataset.answered = String(count);
  };

  AttemptPage.prototype.updateSummary = function () {
    if (!this.summary || !this.questions) return;
    var states = this.questions.map(function (q) {
      return q.section.dataset.saveState;
    });
    var failing = states.filter(function (s) {
      return s === "retrying" || s === "error" || s === "conflict";
    }).length;
    var busy = states.filter(function (s) {
      return s === "saving" || s === "pending";
    }).length;
    var text = failing
      ? failing + (failing === 1 ? " answer is" : " answers are") + " not saved"
      : busy
        ? "Saving…"
        : "All answers saved";
    if (this.summary.textContent !== text) this.summary.textContent = text;
    this.summary.classList.toggle("quiz-save--error", failing > 0);
  };

  AttemptPage.prototype.reload = function () {
    if (this.reloading) return;
    this.reloading = true;
    window.location.reload();
  };

  /**
   * The server refused a save or a check because the attempt is over, or because that answer
   * was checked in another tab: the reload shows which. Other questions' unsent changes stay in
   * localStorage and go out again if the attempt is still open.
   */
  AttemptPage.prototype.closed = function (question) {
    if (question) question.forget();
    this.reload();
  };

  AttemptPage.prototype.timeUp = function () {
    var self = this;
    this.root.classList.add("quiz-attempt--over");
    // Saves arriving after the deadline are refused, so do not wait long for them.
    var reload = function () {
      self.questions.forEach(function (q) {
        q.forget(); // the server submits what it has; nothing later can count
      });
      self.reload();
    };
    this.flush().then(function () {
      setTimeout(reload, 1000);
    });
    setTimeout(reload, 4000);
  };

  AttemptPage.prototype.bindSubmit = function () {
    var self = this;
    var form = this.root.querySelector("[data-submit-form]");
    var dialog = this.root.querySelector("[data-submit-dialog]");
    if (!form) return;
    var confirmed = false;
    var summary = dialog && dialog.querySelector("[data-submit-summary]");
    var problem = dialog && dialog.querySelector("[data-submit-problem]");
    var confirm = dialog && dialog.querySelector("[data-submit-confirm]");
    var cancel = dialog && dialog.querySelector("[data-submit-cancel]");
    var anyway = false;

    function send() {
      confirmed = true;
      self.questions.forEach(function (q) {
        q.forget();
      });
      form.submit();
    }

    function submitAfterSaving() {
      confirm.disabled = true;
      confirm.textContent = "Saving your answers…";
      self.flush().then(function (failed) {
        if (!failed.length || anyway) {
          confirm.textContent = "Submitting…";
          send();
          return;
        }
        var numbers = failed.map(function (q) {
          return q.section.dataset.number;
        });
        problem.textContent = (failed.length === 1 ? "Question " : "Questions ") + numbers.join(", ") +
          (failed.length === 1 ? " is" : " are") + " not saved. Check your connection and try again. " +
          "If you submit anyway, " + (failed.length === 1 ? "that change is" : "those changes are") + " lost.";
        problem.hidden = false;
        anyway = true;
        confirm.disabled = false;
        confirm.textContent = "Submit anyway";
      });
    }

    var opener = null;
    if (dialog) {
      // Closing the dialog (Cancel or Escape) puts the reader back on the button that opened it.
      dialog.addEventListener("close", function () {
        if (opener && !confirmed && document.contains(opener)) opener.focus();
      });
    }
    form.addEventListener("submit", function (event) {
      if (confirmed) return;
      event.preventDefault();
      opener = event.submitter || document.activeElement;
      var total = self.questions.length;
      var answered = self.questions.filter(function (q) {
        return !isEmptyPayload(q.payload);
      }).length;
      var text = "You have answered " + answered + " of " + total + " question" + (total === 1 ? "" : "s") + ".";
      if (answered < total) text += " Unanswered questions score nothing.";
      if (!dialog || typeof dialog.showModal !== "function") {
        if (window.confirm(text + " Submit now? You cannot change your answers afterwards.")) {
          self.flush().then(send);
        }
        return;
      }
      summary.textContent = text;
      problem.hidden = true;
      anyway = false;
      confirm.disabled = false;
      confirm.textContent = "Submit now";
      dialog.showModal();
      confirm.focus();
    });
    if (confirm) confirm.addEventListener("click", submitAfterSaving);
    if (cancel) {
      cancel.addEventListener("click", function () {
        dialog.close();
      });
    }
  };

  /**
   * The quiz bar sticks to the top of the window: keep the page's scroll padding as tall as the
   * bar, so a control reached with Tab (or scrolled to) is never hidden under it (WCAG 2.4.11).
   */
  function keepFocusClearOfTheBar() {
    var bar = document.querySelector("[data-quiz-bar]");
    if (!bar) return;
    var html = document.documentElement;
    function measure() {
      html.style.setProperty("--sticky-top", Math.ceil(bar.getBoundingClientRect().height) + "px");
    }
    measure();
    if (window.ResizeObserver) new window.ResizeObserver(measure).observe(bar);
    else window.addEventListener("resize", measure);
  }

  function startAttemptPage() {
    keepFocusClearOfTheBar();
    var root = document.querySelector("[data-attempt]");
    if (root && !root.portalAttempt) root.portalAttempt = new AttemptPage(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAttemptPage);
  else startAttemptPage();
})();
