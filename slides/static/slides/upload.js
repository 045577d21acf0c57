/*
 * Slide upload with a progress bar.
 *
 * The form works without this script (an ordinary multipart POST). With it, the file is sent
 * with XMLHttpRequest so the page can show how much has been sent, how fast, and offer a cancel
 * button. The view answers such requests (header X-Requested-With: XMLHttpRequest) with JSON:
 *   201 {"redirect": url}                  -> go there
 *   400 {"errors": {field: [messages]}}    -> show the messages next to their fields
 */
(function () {
  "use strict";

  var MB = 1000 * 1000;
  var GB = 1000 * MB;

  function formatBytes(bytes) {
    if (bytes >= GB) return (bytes / GB).toFixed(2) + " GB";
    return (bytes / MB).toFixed(1) + " MB";
  }

  function formatDuration(seconds) {
    if (!isFinite(seconds) || seconds < 0) return "";
    if (seconds < 60) return Math.ceil(seconds) + " s";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min " + Math.round(seconds % 60) + " s";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function enhance(form) {
    var submit = form.querySelector("[data-upload-submit]");
    var cancel = form.querySelector("[data-upload-cancel]");
    var panel = form.querySelector("[data-upload-progress]");
    var bar = form.querySelector("[data-upload-bar]");
    var text = form.querySelector("[data-upload-text]");
    var summary = document.getElementById("upload-errors");
    var xhr = null;

    function clearErrors() {
      form.querySelectorAll("[data-field]").forEach(function (field) {
        field.classList.remove("field--error");
        var input = field.querySelector("input, select, textarea");
        if (input) input.removeAttribute("aria-invalid");
      });
      document.querySelectorAll("[data-errors-for]").forEach(function (list) {
        list.replaceChildren();
        list.hidden = true;
      });
      if (summary) summary.hidden = true;
    }

    function fillList(list, messages) {
      messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      list.hidden = messages.length === 0;
    }

    function showGeneralError(message) {
      if (!summary) return;
      fillList(summary.querySelector("[data-errors-for='__all__']"), [message]);
      summary.hidden = false;
      summary.focus();
    }

    function showFieldErrors(errors) {
      var firstInvalid = null;
      var general = [];
      Object.keys(errors).forEach(function (name) {
        var list = form.querySelector("[data-errors-for='" + CSS.escape(name) + "']");
        var wrapper = form.querySelector("[data-field='" + CSS.escape(name) + "']");
        if (!list || !wrapper) {
          general = general.concat(errors[name]);
          return;
        }
        fillList(list, errors[name]);
        wrapper.classList.add("field--error");
        var input = wrapper.querySelector("input, select, textarea");
        if (input) {
          input.setAttribute("aria-invalid", "true");
          firstInvalid = firstInvalid || input;
        }
      });
      if (general.length) {
        showGeneralError(general.join(" "));
      } else if (firstInvalid) {
        firstInvalid.focus();
      }
    }

    function setBusy(busy) {
      submit.disabled = busy;
      cancel.hidden = !busy;
      form.setAttribute("aria-busy", busy ? "true" : "false");
    }

    function warnBeforeLeaving(event) {
      event.preventDefault();
      event.returnValue = "";
    }

    function finish() {
      window.removeEventListener("beforeunload", warnBeforeLeaving);
      xhr = null;
      setBusy(false);
    }

    form.addEventListener("submit", function (event) {
      if (xhr) {
        event.preventDefault();
        return;
      }
      event.preventDefault();
      clearErrors();

      var data = new FormData(form);
      var started = performance.now();
      // Speed over the last few seconds, so a stall shows up instead of being averaged away.
      var samples = [{ time: started, loaded: 0 }];

      xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "text";

      xhr.upload.addEventListener("progress", function (progress) {
        if (!progress.lengthComputable) {
          text.textContent = formatBytes(progress.loaded) + " sent";
          return;
        }
        var now = performance.now();
        samples.push({ time: now, loaded: progress.loaded });
        while (samples.length > 2 && now - samples[0].time > 5000) samples.shift();
        var first = samples[0];
        var seconds = (now - first.time) / 1000;
        var speed = seconds > 0 ? (progress.loaded - first.loaded) / seconds : 0;
        var percent = Math.floor((100 * progress.loaded) / progress.total);
        var remaining = speed > 0 ? (progress.total - progress.loaded) / speed : Infinity;

        bar.value = percent;
        bar.textContent = percent + "%";
        var parts = [
          percent + "%",
          formatBytes(progress.loaded) + " of " + formatBytes(progress.total),
        ];
        if (speed > 0) parts.push(formatBytes(speed) + "/s");
        if (speed > 0 && progress.loaded < progress.total) {
          parts.push("about " + formatDuration(remaining) + " left");
        }
        text.textContent = parts.join(" · ");
      });

      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        text.textContent = "Upload complete. Checking the file…";
        cancel.hidden = true;
      });

      xhr.addEventListener("load", function () {
        var status = xhr.status;
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (error) {
          body = null;
        }
        if (status >= 200 && status < 300 && body && body.redirect) {
          window.removeEventListener("beforeunload", warnBeforeLeaving);
          text.textContent = "Upload complete. Opening the slide…";
          window.location.assign(body.redirect);
          return;
        }
        panel.hidden = true;
        finish();
        if (status === 400 && body && body.errors) {
          showFieldErrors(body.errors);
        } else if (status === 413) {
          showGeneralError("The file is larger than the server accepts.");
        } else if (status === 403 || (status >= 200 && status < 300)) {
          // 403: CSRF failure; 2xx without JSON: redirected to the sign-in page.
          showGeneralError(
            "The server refused the upload. Your session may have expired: reload the page, sign in again and retry."
          );
        } else {
          showGeneralError(
            "The upload did not complete (the server answered " + status + "). Please try again."
          );
        }
      });

      xhr.addEventListener("error", function () {
        panel.hidden = true;
        finish();
        showGeneralError("The connection was lost during the upload. Please try again.");
      });

      xhr.addEventListener("abort", function () {
        panel.hidden = true;
        finish();
        showGeneralError("Upload cancelled. Nothing was saved.");
      });

      bar.value = 0;
      text.textContent = "Starting…";
      setBusy(true);
      panel.hidden = false;
      window.addEventListener("beforeunload", warnBeforeLeaving);
      xhr.send(data);
      cancel.focus();
    });

    cancel.addEventListener("click", function () {
      if (xhr) xhr.abort();
      submit.focus();
    });
  }

  function init() {
    if (!window.FormData || !window.XMLHttpRequest) return; // the plain form still works
    document.querySelectorAll("form[data-upload-form]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
