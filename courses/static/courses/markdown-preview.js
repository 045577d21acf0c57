/*
 * A Markdown hint and a "Preview" by every textarea marked `data-markdown`.
 *
 * The preview is the server's rendering (POST `text` to the URL in this script tag's
 * `data-preview-url`; courses.views.authoring.markdown_preview), so it shows exactly what the
 * trainee's page will: the same Markdown, the same sanitiser. The answer is sanitised HTML and
 * is put into the page as such. "Preview" is a real button (Enter/Space) with aria-expanded;
 * while the preview is open it follows the typing, a moment after each pause.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script && script.getAttribute("data-preview-url");
  var HINT = "Markdown: **bold**, *italic*, - lists, [link](https://…)";
  var DELAY_MS = 400;

  function csrfToken(area) {
    var input = (area.form || document).querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function attach(area, index) {
    var id = (area.id || "markdown-" + index) + "-preview";
    var hint = el("p", { class: "help markdown-hint", id: id + "-hint" }, HINT);
    var button = el(
      "button",
      { type: "button", class: "button button--small button--quiet", "aria-expanded": "false", "aria-controls": id },
      "Preview"
    );
    var panel = el("div", { class: "markdown-preview rich-text", id: id, role: "region", "aria-label": "Preview", "aria-live": "polite", hidden: "" });
    var bar = el("div", { class: "markdown-bar" });
    bar.appendChild(hint);
    bar.appendChild(button);
    area.insertAdjacentElement("afterend", panel);
    area.insertAdjacentElement("afterend", bar);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);

    var timer = null;
    var sent = 0;

    function refresh() {
      var mine = ++sent;
      var body = new FormData();
      body.append("text", area.value);
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(area) },
      })
        .then(function (response) {
          // 400 says why (too long); anything else is a whole error page, not a preview.
          if (!response.ok && response.status !== 400) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          if (mine === sent) panel.innerHTML = html; // sanitised by the server
        })
        .catch(function () {
          if (mine === sent) panel.textContent = "The preview could not be loaded.";
        });
    }

    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide preview" : "Preview";
      panel.hidden = !open;
      if (open) refresh();
    });
    area.addEventListener("input", function () {
      if (panel.hidden) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
  }

  if (!url) return;
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-markdown]"), attach);
})();
