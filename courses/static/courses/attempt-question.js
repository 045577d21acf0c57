/*
 * The attempt page, part 2 of 3: one question, saved as it changes and checked on request.
 * Load after courses/answer-layer.js (window.PortalAnswers), answer-viewer.js on pages with
 * slides (element.portalAnswerEditor) and attempt-feedback.js; before attempt.js.
 *
 * Adds to window.PortalAttempt:
 *   PortalAttempt.Question(page, section)   one section[data-question]: reads and shows its
 *                                   widget, autosaves (PUT {payload, version} to
 *                                   <answers-url>answers/<question>/ 600 ms after a change),
 *                                   keeps unsent answers in localStorage
 *                                   ("portal-attempt:<attempt>:<question>"), retries with
 *                                   backoff, and [data-check-answer] checks it. `page` is the
 *                                   attempt page (attempt.js): answersUrl, attempt, storage,
 *                                   online(), updateSummary(), updateCount(), closed(), reload().
 *   PortalAttempt.pad(number)       two digits, for clock times
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Answers = window.PortalAnswers;
  var Attempt = window.PortalAttempt;
  if (!Answers || !Attempt || !Attempt.renderFeedback) {
    if (window.console) window.console.error("attempt-question.js needs courses/answer-layer.js and attempt-feedback.js first.");
    return;
  }
  var el = Answers.el;
  var readJson = Answers.readJson;
  var canonical = Answers.canonical;
  var isEmptyPayload = Answers.isEmptyPayload;
  var renderFeedback = Attempt.renderFeedback;
  var SAVE_DELAY = 600;
  var MAX_RETRY_DELAY = 30000;

  /* Small helpers ------------------------------------------------------------------------------ */

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clockTime(date) {
    return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
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

  Attempt.Question = Question;
  Attempt.pad = pad;
})();
