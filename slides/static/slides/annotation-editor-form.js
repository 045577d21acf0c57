/*
 * The annotation editor's side panel (annotation-editor.js): the form for the selected
 * annotation, and import/export.
 *
 *   - [data-annotation-form]: label, colour swatches ([data-colour], aria-pressed) with an
 *     "Other colour" picker, note for learners, and "Delete annotation" ([data-annotation-delete]).
 *     Every change is saved by annotation-editor-saving.js 500 ms after the last one. A colour
 *     chosen with nothing selected is used for the next shape drawn.
 *   - with `data-export-url` on the viewer: a download link ([data-annotation-export]);
 *     with `data-import-url`: a file input ([data-annotation-import]) that POSTs a QuPath GeoJSON
 *     file once every waiting edit is saved, then reloads the annotations.
 *
 * Editor methods only: annotation-editor.js mixes them into its Editor (through
 * window.PortalAnnotationEditorParts.form, a hand-off it deletes). They save and delete
 * through annotation-editor-saving.js.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Annotations = window.PortalAnnotations;
  if (!Kit || !Annotations) {
    if (window.console) window.console.error("annotation-editor-form.js needs annotations.js (and its helpers) first.");
    return;
  }
  var el = Kit.el;

  // Notes are Markdown, rendered and sanitised by the server (courses/markdown_text.py).
  var MARKDOWN_HINT = "Markdown: **bold**, *italic*, - lists, [link](https://…)";
  // The swatches are the colours whose halos the overlay contrast test measures.
  var SWATCHES = window.PortalOverlayStyles.ANNOTATION_COLOURS;

  var panel = {};

  panel.buildPanel = function () {
    var self = this;
    var section = this.layer.section;
    var id = this.ctx.id;

    var label = el("input", { type: "text", id: id + "-label", name: "label", maxlength: "200", autocomplete: "off" });
    var note = el("textarea", { id: id + "-note", name: "note", rows: "4", maxlength: "5000", "aria-describedby": id + "-note-hint" });
    var noteHint = el("p", { class: "help", id: id + "-note-hint", text: MARKDOWN_HINT });
    var custom = el("input", { type: "color", id: id + "-colour", name: "colour", "aria-label": "Other colour", title: "Other colour" });
    var swatches = el("div", { class: "anno-swatches", role: "group", "aria-label": "Colour" });
    SWATCHES.forEach(function (entry) {
      var button = el("button", {
        type: "button",
        class: "anno-swatch-button",
        "data-colour": entry[0],
        "aria-label": entry[1],
        title: entry[1],
        "aria-pressed": "false",
      });
      button.style.setProperty("--swatch", entry[0]);
      button.addEventListener("click", function () {
        self.setColour(entry[0]);
      });
      swatches.appendChild(button);
    });
    swatches.appendChild(custom);
    var remove = Kit.textButton("Delete annotation", { class: "button button--small button--danger", "data-annotation-delete": true }, "trash");
    var heading = el("h3", { class: "anno-form__title" });
    var fields = el("div", { class: "anno-form__fields" }, [
      el("label", { for: label.id, text: "Label" }),
      label,
      el("span", { class: "anno-form__label", id: id + "-colour-label", text: "Colour" }),
      swatches,
      el("label", { for: note.id, text: "Note for learners" }),
      noteHint,
      note,
      remove,
    ]);
    swatches.setAttribute("aria-labelledby", id + "-colour-label");
    var hint = el("p", {
      class: "anno-form__hint",
      text: "Select an annotation to change its label, colour and note, or draw a new one with the tools on the slide.",
    });
    var form = el("form", { class: "anno-form", "data-annotation-form": true, "aria-label": "Selected annotation" }, [heading, fields]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    section.appendChild(hint);
    section.appendChild(form);
    this.form = { form: form, heading: heading, label: label, note: note, custom: custom, swatches: swatches, hint: hint };

    label.addEventListener("input", function () {
      var item = self.layer.selected;
      if (!item) return;
      item.label = label.value;
      self.layer.draw(item);
      self.layer.renderLegend();
      heading.textContent = Annotations.itemTitle(item);
      self.scheduleSave(item);
    });
    note.addEventListener("input", function () {
      var item = self.layer.selected;
      if (!item) return;
      item.note = note.value;
      self.scheduleSave(item);
    });
    custom.addEventListener("input", function () {
      self.setColour(custom.value);
    });
    remove.addEventListener("click", function () {
      if (self.layer.selected) self.remove(self.layer.selected);
    });

    var io = el("div", { class: "anno-io" });
    if (this.element.dataset.exportUrl) {
      io.appendChild(el("a", {
        class: "button button--small",
        href: this.element.dataset.exportUrl,
        download: "",
        "data-annotation-export": true,
        text: "Export (QuPath GeoJSON)",
      }));
    }
    if (this.element.dataset.importUrl) {
      var file = el("input", {
        type: "file",
        id: id + "-import",
        class: "anno-io__file",
        accept: ".geojson,.json,application/geo+json,application/json",
        "data-annotation-import": true,
      });
      // The input is visually hidden; its label is the button (and shows the focus ring).
      io.appendChild(file);
      io.appendChild(el("label", { class: "button button--small anno-io__import", for: file.id, text: "Import QuPath GeoJSON…" }));
      file.addEventListener("change", function () {
        if (file.files && file.files[0]) self.importFile(file.files[0]).then(function () {
          file.value = "";
        });
      });
    }
    if (io.childNodes.length) section.appendChild(io);
    this.fillForm(null);
  };

  panel.fillForm = function (item) {
    var form = this.form;
    form.form.hidden = !item;
    form.hint.hidden = Boolean(item);
    if (!item) return;
    form.heading.textContent = Annotations.itemTitle(item);
    if (document.activeElement !== form.label) form.label.value = item.label;
    if (document.activeElement !== form.note) form.note.value = item.note;
    this.showColour(item.colour);
  };

  panel.showColour = function (colour) {
    this.form.custom.value = colour;
    Array.prototype.forEach.call(this.form.swatches.querySelectorAll("[data-colour]"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-colour") === colour ? "true" : "false");
    });
  };

  panel.setColour = function (colour) {
    colour = String(colour).toLowerCase();
    this.colour = colour; // new shapes follow the last colour chosen
    var item = this.layer.selected;
    this.showColour(colour);
    if (!item) return;
    item.colour = colour;
    this.layer.draw(item);
    this.layer.renderLegend();
    this.scheduleSave(item);
  };

  panel.importFile = function (file) {
    var self = this;
    var url = this.element.dataset.importUrl;
    this.ctx.announce("Importing " + file.name + "…");
    return this.whenIdle().then(function () {
      var data = new FormData();
      data.append("file", file);
      return Kit.request("POST", url, data);
    }).then(function (response) {
      if (!response.ok || !response.data) {
        self.ctx.announce("The file was not imported: " + Kit.errorText(response), true);
        return;
      }
      var added = response.data.added || 0;
      var skipped = response.data.skipped || [];
      var text = "Imported " + added + (added === 1 ? " annotation" : " annotations") + ".";
      if (skipped.length) {
        text += " Skipped " + skipped.length + ": " + skipped.slice(0, 3).join(" ") + (skipped.length > 3 ? " …" : "");
      }
      return self.reload().then(function () {
        self.ctx.announce(text, skipped.length > 0);
      });
    });
  };

  var parts = (window.PortalAnnotationEditorParts = window.PortalAnnotationEditorParts || {});
  parts.form = panel;
})();
