/*
 * The attempt page: a trainee answering a quiz. Load after courses/answer-layer.js
 * (window.PortalAnswers) and, on pages with slides, answer-tools.js and answer-viewer.js, which
 * give each slide question its answer editor (element.portalAnswerEditor).
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

  var Kit = window.PortalSlideKit;
  var Answers = window.PortalAnswers;
  if (!Answers) {
    if (window.console) window.console.error("attempt.js needs courses/answer-layer.js first.");
    return;
  }
  var el = Answers.el;
  var readJson = Answers.readJson;
  var canonical = Answers.canonical;
  var isEmptyPayload = Answers.isEmptyPayload;
  var layer = Answers.layer;
  var showReference = Answers.showReference;
  var showComment = Answers.showComment;
  var bindToggles = Answers.bindToggles;
  var SAVE_DELAY = 600;
  var MAX_RETRY_DELAY = 30000;

  /* Small helpers ------------------------------------------------------------------------------ */

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clockTime(date) {
    return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }

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

  function request(method, url, body, options) {
    if (Kit) return Kit.request(method, url, body, options);
    // Pages without slides still save: the same contract as PortalSlideKit.request.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var token = match ? decodeURIComponent(match[1]) : "";
    if (!token) {
      try {
        token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
      } catch (error) {
        token = "";
      }
    }
    var init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": token },
      keepalive: Boolean(options && options.keepalive),
    };
    if (body !== undefined && body !== null) init.body = JSON.stringify(body);
    return fetch(url, init).then(
      function (response) {
        return response.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (error) {
            data = null;
          }
          return { ok: response.ok, status: response.status, data: data };
        });
      },
      function () {
        return { ok: false, status: 0, data: null };
      }
    );
  }

  function detailText(response) {
    var data = response.data;
    var detail = data && data.detail;
    if (Array.isArray(detail)) return detail.join(" ");
    if (typeof detail === "string") return detail;
    if (Kit) return Kit.errorText(response);
    return "The request failed (error " + response.status + ").";
  }

  /* One question ------------------------------------------------------------------------------------ */

  function Question(page, section) {
    this.page = page;
    this.section = section;
    this.uuid = section.dataset.question;
    this.type = section.dataset.type;
    this.version = Number(section.dataset.version) || 0;
    this.url = page.answersUrl + "answers/" + this.uuid + "/";
    this.payload = readJson(section.dataset.payloadSource) || {};
    this.savedJson = canonical(this.payload);
    this.locked = section.dataset.checked === "true";
    this.stopped = false;
    this.timer = null;
    this.inflight = null;
    this.retryDelay = 0;
    this.status = section.querySelector("[data-save-status]");
    this.key = "portal-attempt:" + page.attempt + ":" + this.uuid;
    this.editor = null;
    this.bind();
    this.state(this.locked ? "locked" : isEmptyPayload(this.payload) && !this.version ? "empty" : "saved");
    if (this.locked) this.lockWidget();
    this.restore();
  }

  Question.prototype.state = function (state, text) {
    this.section.dataset.saveState = state;
    if (text !== undefined && this.status) {
      this.status.textContent = text;
      this.status.classList.toggle("quiz-save--error", state === "error" || state === "conflict" || state === "retrying");
    }
    this.page.updateSummary();
  };

  Question.prototype.hasUnsaved = function () {
    return !this.locked && !this.stopped && canonical(this.payload) !== this.savedJson;
  };

  /* Widgets */

  Question.prototype.inputs = function () {
    return Array.prototype.slice.call(this.section.querySelectorAll("[data-answer-widget] input, [data-answer-widget] textarea"));
  };

  Question.prototype.bind = function () {
    var self = this;
    var section = this.section;
    if (this.type === "single" || this.type === "multiple") {
      this.inputs().forEach(function (input) {
        input.addEventListener("change", function () {
          self.changed(self.read());
        });
      });
      var clear = section.querySelector("[data-choice-clear]");
      if (clear) {
        clear.addEventListener("click", function () {
          self.inputs().forEach(function (input) {
            input.checked = false;
          });
          self.changed({});
        });
      }
    } else if (this.type === "text" || this.type === "numeric") {
      this.inputs().forEach(function (input) {
        input.addEventListener("input", function () {
          var payload = self.read();
          if (payload === null) {
            self.state("error", "Type a number, e.g. 12.5: this is not saved yet.");
            return;
          }
          self.changed(payload);
        });
      });
    } else {
      var viewerElement = section.querySelector("[data-slide-viewer]");
      this.editor = viewerElement && viewerElement.portalAnswerEditor;
      if (this.editor) {
        this.editor.onChange = function (payload) {
          self.changed(payload);
        };
      }
    }
    var check = section.querySelector("[data-check-answer]");
    if (check) {
      check.addEventListener("click", function () {
        self.check(check);
      });
    }
  };

  /** The widget's answer as a payload; null while a number field holds something else. */
  Question.prototype.read = function () {
    var inputs = this.inputs();
    if (this.type === "single") {
      var picked = inputs.filter(function (input) {
        return input.checked;
      })[0];
      return picked ? { choice: picked.value } : {};
    }
    if (this.type === "multiple") {
      var keys = inputs.filter(function (input) {
        return input.checked;
      }).map(function (input) {
        return input.value;
      });
      return keys.length ? { choices: keys.sort() } : {};
    }
    var input = inputs[0];
    if (!input) return this.payload;
    if (this.type === "text") return input.value ? { text: input.value } : {};
    if (input.validity && input.validity.badInput) return null;
    if (input.value.trim() === "") return {};
    var value = Number(input.value);
    return isFinite(value) ? { value: value } : null;
  };

  Question.prototype.show = function (payload) {
    var inputs = this.inputs();
    if (this.type === "single") {
      inputs.forEach(function (input) {
        input.checked = input.value === payload.choice;
      });
    } else if (this.type === "multiple") {
      var chosen = payload.choices || [];
      inputs.forEach(function (input) {
        input.checked = chosen.indexOf(input.value) !== -1;
      });
    } else if (this.type === "text") {
      if (inputs[0]) inputs[0].value = payload.text || "";
    } else if (this.type === "numeric") {
      if (inputs[0]) inputs[0].value = payload.value === undefined || payload.value === null ? "" : String(payload.value);
    } else if (this.editor) {
      this.editor.set(payload);
    }
  };

  Question.prototype.lockWidget = function () {
    this.inputs().forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") input.disabled = true;
      else input.readOnly = true;
    });
    var fieldset = this.section.querySelector("fieldset[data-answer-widget]");
    if (fieldset) fieldset.disabled = true;
    ["[data-choice-clear]", "[data-check-answer]"].forEach(function (selector) {
      var node = this.section.querySelector(selector);
      if (node) {
        var box = node.closest(".quiz-check") || node;
        box.parentNode.removeChild(box);
      }
    }, this);
    if (this.editor) this.editor.lock();
  };

  /* Local copies */

  Question.prototype.store = function () {
    var local = this.page.storage;
    if (!local) return;
    try {
      // `expect`: the newest server version that does not yet hold this change. A save in
      // flight will make one more, which does not hold it either.
      local.setItem(this.key, JSON.stringify({
        payload: this.payload,
        expect: this.version + (this.inflight ? 1 : 0),
        at: Date.now(),
      }));
    } catch (error) {
      /* storage full: the server copy is what we have */
    }
  };

  Question.prototype.forget = function () {
    if (!this.page.storage) return;
    try {
      this.page.storage.removeItem(this.key);
    } catch (error) {
      /* nothing to do */
    }
  };

  /** After a reload or a crash: an unsent answer newer than the server's goes out again. */
  Question.prototype.restore = function () {
    var local = this.page.storage;
    if (!local) return;
    var stored = null;
    try {
      stored = JSON.parse(local.getItem(this.key) || "null");
    } catch (error) {
      stored = null;
    }
    if (!stored || typeof stored !== "object" || !stored.payload) return;
    if (this.locked || canonical(stored.payload) === this.savedJson || this.version > Number(stored.expect)) {
      this.forget(); // already saved, or the server has something newer (another tab)
      return;
    }
    this.payload = stored.payload;
    this.show(this.payload);
    this.state("pending", "Restoring an answer that was not saved…");
    this.save();
  };

  /* Saving */

  Question.prototype.changed = function (payload) {
    if (this.locked || this.stopped) return;
    this.payload = payload;
    this.store();
    this.state("pending", "Not saved yet…");
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.save();
    }, SAVE_DELAY);
    this.page.updateCount();
  };

  /** Send the current answer now. Resolves true once the server holds it. */
  Question.prototype.save = function (options) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.locked) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    if (this.inflight) {
      return this.inflight.then(function () {
        return self.save(options);
      });
    }
    var sent = canonical(this.payload);
    if (sent === this.savedJson) {
      this.forget();
      if (this.section.dataset.saveState !== "saved") this.state("saved", this.savedText || "Saved");
      return Promise.resolve(true);
    }
    this.state("saving", "Saving…");
    this.inflight = request("PUT", this.url, { payload: this.payload, version: this.version }, options).then(function (response) {
      self.inflight = null;
      return self.handle(response, sent);
    });
    return this.inflight;
  };

  Question.prototype.saved = function (version, sent) {
    this.version = version;
    this.savedJson = sent;
    this.retryDelay = 0;
    this.section.dataset.version = String(version);
    this.section.dataset.savedVersion = String(version);
    this.page.online(true);
    if (canonical(this.payload) === sent) {
      this.forget();
      this.savedText = "Saved " + clockTime(new Date());
      this.state("saved", this.savedText);
    } else {
      // Changed while the save was on its way: that change goes next.
      var self = this;
      this.store();
      this.timer = setTimeout(function () {
        self.save();
      }, SAVE_DELAY);
    }
    return true;
  };

  Question.prototype.handle = function (response, sent) {
    var data = response.data || {};
    if (response.ok) return this.saved(Number(data.version), sent);
    if (response.status === 409 && data.current) {
      // Our own earlier save may have arrived without its answer reaching us.
      if (canonical(data.current.payload) === sent) return this.saved(Number(data.current.version), sent);
      this.conflict();
      return false;
    }
    if (response.status === 403 && data.closed) {
      this.page.closed(this);
      return false;
    }
    if (response.status === 400) {
      this.forget(); // the server will never take it; do not send it after a reload either
      this.state("error", "Not saved: " + detailText(response));
      return false;
    }
    if (response.status === 404) {
      this.page.closed();
      return false;
    }
    this.retry(response);
    return false;
  };

  Question.prototype.retry = function (response) {
    var self = this;
    var offline = response.status === 0 || navigator.onLine === false;
    if (offline) this.page.online(false);
    this.retryDelay = Math.min(MAX_RETRY_DELAY, this.retryDelay ? this.retryDelay * 2 : 1000);
    var text = "Not saved — retrying";
    if (response.status === 403) text = "Not saved — your session may have ended; retrying. Sign in again in another tab if this lasts.";
    else if (!offline) text = "Not saved — retrying (" + detailText(response) + ")";
    this.state("retrying", text);
    this.store();
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.save();
    }, this.retryDelay);
  };

  Question.prototype.conflict = function () {
    var self = this;
    this.stopped = true;
    clearTimeout(this.timer);
    this.forget();
    this.state("conflict", "This answer was changed in another tab; reload to see it.");
    if (this.status && !this.status.querySelector("button")) {
      var button = el("button", { type: "button", class: "button button--small", "data-reload": true, text: "Reload" });
      button.addEventListener("click", function () {
        self.page.reload();
      });
      this.status.appendChild(document.createTextNode(" "));
      this.status.appendChild(button);
    }
  };

  /* Checking (feedback after each question) */

  Question.prototype.check = function (button) {
    var self = this;
    button.disabled = true;
    var original = button.textContent;
    button.textContent = "Checking…";
    this.save().then(function (saved) {
      if (!saved) {
        button.disabled = false;
        button.textContent = original;
        self.state(self.section.dataset.saveState, self.status ? self.status.textContent : "");
        return;
      }
      return request("POST", self.url + "check/", {}).then(function (response) {
        var data = response.data || {};
        if (response.ok && data.question) {
          self.locked = true;
          self.forget();
          self.section.dataset.checked = "true";
          self.lockWidget();
          self.state("locked", "Checked: this answer is locked.");
          renderFeedback(self, data.question);
          return;
        }
        if (response.status === 403 && data.closed) {
          self.page.closed(self);
          return;
        }
        button.disabled = false;
        button.textContent = original;
        self.state("error", "Could not check: " + detailText(response));
      });
    });
  };

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
    if (measures.feedback) box.appendChild(el("p", { class: "quiz-feedback__sentence", text: measures.feedback }));
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
      box.appendChild(el("div", { class: "quiz-feedback__block" }, [
        el("h4", { text: "Model answer" }),
        el("p", { class: "quiz-feedback__pre", text: fb.model_answer }),
      ]));
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
    section.querySelectorAll("[data-choice]").forEach(function (node) {
      var key = node.getAttribute("data-choice");
      if (correct.indexOf(key) !== -1) {
        node.classList.add("quiz-choice--correct");
        node.appendChild(el("span", { class: "quiz-choice__verdict", text: "Correct option" }));
      }
      if (notes[key]) node.appendChild(el("p", { class: "quiz-choice__feedback", text: notes[key] }));
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

    form.addEventListener("submit", function (event) {
      if (confirmed) return;
      event.preventDefault();
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

  function startAttemptPage() {
    var root = document.querySelector("[data-attempt]");
    if (root && !root.portalAttempt) root.portalAttempt = new AttemptPage(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAttemptPage);
  else startAttemptPage();
})();
