/*
 * Teaching annotations drawn over the slide, with a legend, notes and "fly to".
 *
 * Activated by `data-annotations-url` on a [data-slide-viewer] element: GET that URL for
 * [{uuid, version, geometry, properties: {label, colour, note, kind}, note_html, updated_at}] (geometry in
 * level-0 pixels) and draw it on an SVG layer that follows zoom, rotation and flip.
 *
 *   - "Annotations" toggle in the tool strip ([data-annotations-toggle], aria-pressed)
 *   - legend in the side panel ([data-annotation-legend]; each item a button
 *     [data-annotation-item] with colour swatch, kind icon and label)
 *   - clicking a legend item or a shape shows its note ([data-annotation-detail]) and flies
 *     the view to it
 *   - element.dataset.annotationsLoaded = "<count>" after every (re)load
 *
 * With `data-annotate` the same layer is editable: annotation-editor.js adds the tools and form
 * through `PortalAnnotations.layer(ctx)` and the hooks below.
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Shapes = window.PortalShapes;
  var Overlays = window.PortalOverlay;
  if (!Kit || !Shapes || !Overlays) {
    if (window.console) window.console.error("annotations.js needs geojson-shapes.js, slide-kit.js and slide-overlay.js first.");
    return;
  }
  var el = Kit.el;
  var svg = Kit.svg;

  var KIND_NAMES = {
    point: "point",
    line: "line",
    arrow: "arrow",
    rectangle: "rectangle",
    ellipse: "ellipse",
    polygon: "polygon",
    freehand: "freehand outline",
  };
  var DEFAULT_COLOUR = "#1f77b4";
  var FLY_MARGIN = 0.3; // share of the shape's size added on every side
  var ARROW_HEAD = 14; // CSS px

  function kindName(kind) {
    return KIND_NAMES[kind] || "annotation";
  }

  function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function itemTitle(item) {
    return item.label || "Untitled " + kindName(item.kind);
  }

  var keys = 0;

  function fromServer(data) {
    var properties = data.properties || {};
    var item = {
      key: "a" + ++keys,
      uuid: data.uuid,
      version: data.version,
      geometry: data.geometry,
      kind: properties.kind || "polygon",
      label: properties.label || "",
      colour: properties.colour || DEFAULT_COLOUR,
      note: properties.note || "",
    };
    rendered(item, data);
    item.saved = snapshot(item);
    return item;
  }

  /** Keep the server's sanitised rendering of the note (`note_html`, Markdown rendered by
   * courses/markdown_text.py) with the text it was made from: it is shown only while the note
   * still reads the same, so an edit not yet saved shows as plain text. */
  function rendered(item, data) {
    if (typeof data.note_html !== "string") return;
    item.noteHtml = data.note_html;
    item.noteHtmlFor = (data.properties && data.properties.note) || "";
  }

  /** What the server last confirmed, to fall back to when an edit is refused. */
  function snapshot(item) {
    return {
      geometry: item.geometry,
      kind: item.kind,
      label: item.label,
      colour: item.colour,
      note: item.note,
    };
  }

  /* The layer ---------------------------------------------------------------------------------- */

  function Layer(ctx) {
    var self = this;
    var element = ctx.element;
    this.ctx = ctx;
    this.url = element.dataset.annotationsUrl;
    this.editable = element.hasAttribute("data-annotate");
    this.overlay = Overlays.of(ctx);
    this.items = [];
    this.selected = null;
    this.visible = true;
    this.hooks = { select: [], loaded: [], changed: [] };

    this.imageGroup = svg("g", { class: "anno-layer" });
    this.screenGroup = svg("g", { class: "anno-layer anno-layer--screen" });
    this.overlay.image.appendChild(this.imageGroup);
    this.overlay.screen.appendChild(this.screenGroup);
    this.overlay.onUpdate(function () {
      self.items.forEach(function (item) {
        self.placeMarkers(item);
      });
    });

    this.buildToggle();
    this.buildPanel();
    this.bindClicks();
    ctx.onKey(function (event) {
      if (event.key === "Escape" && self.selected) {
        self.select(null);
        return true;
      }
      return false;
    });
    ctx.whenOpen(function () {
      self.load();
    });
  }

  Layer.prototype.on = function (name, fn) {
    this.hooks[name].push(fn);
  };

  Layer.prototype.emit = function (name, value) {
    this.hooks[name].forEach(function (fn) {
      fn(value);
    });
  };

  Layer.prototype.byKey = function (key) {
    for (var i = 0; i < this.items.length; i++) if (this.items[i].key === key) return this.items[i];
    return null;
  };

  /* Loading ------------------------------------------------------------------------------------ */

  Layer.prototype.load = function () {
    var self = this;
    this.setEmptyText("Loading annotations…");
    return Kit.request("GET", this.url).then(function (response) {
      if (!response.ok || !Array.isArray(response.data)) {
        var text = "The annotations could not be loaded. " + Kit.errorText(response);
        self.setEmptyText(text);
        self.ctx.announce(text, true);
        return false;
      }
      self.clear();
      self.items = response.data.map(fromServer);
      self.items.forEach(function (item) {
        self.draw(item);
      });
      self.renderLegend();
      self.ctx.element.dataset.annotationsLoaded = String(self.items.length);
      self.emit("loaded", self.items);
      return true;
    });
  };

  Layer.prototype.clear = function () {
    var self = this;
    this.select(null);
    this.items.forEach(function (item) {
      self.undraw(item);
    });
    this.items = [];
  };

  /* Drawing ------------------------------------------------------------------------------------ */

  Layer.prototype.draw = function (item) {
    var nodes = item.nodes;
    if (!nodes) {
      nodes = item.nodes = {
        group: svg("g", { class: "anno", "data-hit-key": item.key, "data-annotation-key": item.key }),
        screen: svg("g", { class: "anno anno--screen", "data-hit-key": item.key, "data-annotation-key": item.key }),
        title: svg("title"),
        hit: svg("path", { class: "anno__hit" }),
        outer: svg("path", { class: "anno__outer" }),
        halo: svg("path", { class: "anno__halo" }),
        shape: svg("path", { class: "anno__shape" }),
        markers: [],
        head: null,
      };
      nodes.group.appendChild(nodes.title);
      nodes.group.appendChild(nodes.hit);
      nodes.group.appendChild(nodes.outer);
      nodes.group.appendChild(nodes.halo);
      nodes.group.appendChild(nodes.shape);
      this.imageGroup.appendChild(nodes.group);
      this.screenGroup.appendChild(nodes.screen);
    }
    var geometry = item.geometry;
    var area = geometry.type === "Polygon" || geometry.type === "MultiPolygon";
    var d = Shapes.svgPath(geometry);
    [nodes.hit, nodes.outer, nodes.halo, nodes.shape].forEach(function (node) {
      node.setAttribute("d", d);
    });
    // Black and white halos around the educator's colour (overlay-styles.js): seen on any tissue.
    var halos = window.PortalOverlayStyles ? window.PortalOverlayStyles.haloColours(item.colour) : ["#000", "#fff"];
    nodes.title.textContent = itemTitle(item);
    [nodes.group, nodes.screen].forEach(function (group) {
      group.setAttribute("class", "anno anno--" + item.kind + (area ? " anno--area" : " anno--open") +
        (group === nodes.screen ? " anno--screen" : "") + (item === this.selected ? " is-selected" : ""));
      group.style.color = item.colour;
      group.style.setProperty("--ov-halo", halos[0]);
      group.style.setProperty("--ov-outer", halos[1]);
    }, this);

    var positions = Shapes.markerPositions(geometry);
    while (nodes.markers.length > positions.length) nodes.screen.removeChild(nodes.markers.pop().group);
    while (nodes.markers.length < positions.length) {
      var marker = {
        group: svg("g", { class: "anno__marker" }),
        hit: svg("circle", { class: "anno__hit", r: 14 }),
        dot: svg("circle", { class: "anno__dot", r: 6 }),
      };
      marker.group.appendChild(marker.hit);
      marker.group.appendChild(svg("circle", { class: "anno__dot-outer", r: 6 }));
      marker.group.appendChild(marker.dot);
      nodes.screen.appendChild(marker.group);
      nodes.markers.push(marker);
    }
    var wantsHead = item.kind === "arrow" && geometry.type === "LineString";
    if (wantsHead && !nodes.head) {
      nodes.head = svg("path", { class: "anno__head" });
      nodes.screen.appendChild(nodes.head);
    } else if (!wantsHead && nodes.head) {
      nodes.screen.removeChild(nodes.head);
      nodes.head = null;
    }
    this.placeMarkers(item);
  };

  /** Points and arrow heads keep their size on screen, so they are placed in screen pixels. */
  Layer.prototype.placeMarkers = function (item) {
    var nodes = item.nodes;
    if (!nodes) return;
    var overlay = this.overlay;
    var positions = Shapes.markerPositions(item.geometry);
    nodes.markers.forEach(function (marker, i) {
      var p = overlay.toScreen(positions[i]);
      marker.group.setAttribute("transform", "translate(" + p[0].toFixed(2) + " " + p[1].toFixed(2) + ")");
    });
    if (nodes.head) {
      var line = item.geometry.coordinates;
      var tip = overlay.toScreen(line[line.length - 1]);
      var from = overlay.toScreen(line[line.length - 2]);
      var dx = tip[0] - from[0];
      var dy = tip[1] - from[1];
      var length = Math.sqrt(dx * dx + dy * dy);
      if (length < 1) {
        nodes.head.setAttribute("d", "");
        return;
      }
      var size = Math.min(ARROW_HEAD, length * 0.6);
      var ux = dx / length;
      var uy = dy / length;
      var bx = tip[0] - ux * size;
      var by = tip[1] - uy * size;
      var half = size * 0.45;
      nodes.head.setAttribute(
        "d",
        "M" + tip[0].toFixed(2) + " " + tip[1].toFixed(2) +
          "L" + (bx - uy * half).toFixed(2) + " " + (by + ux * half).toFixed(2) +
          "L" + (bx + uy * half).toFixed(2) + " " + (by - ux * half).toFixed(2) + "Z"
      );
    }
  };

  Layer.prototype.undraw = function (item) {
    if (!item.nodes) return;
    [item.nodes.group, item.nodes.screen].forEach(function (node) {
      if (node.parentNode) node.parentNode.removeChild(node);
    });
    item.nodes = null;
  };

  /** Add a new item (the editor's drawings) and show it. */
  Layer.prototype.add = function (item) {
    item.key = item.key || "a" + ++keys;
    this.items.push(item);
    this.draw(item);
    this.renderLegend();
    return item;
  };

  /** Take an item off the slide and out of the legend. */
  Layer.prototype.remove = function (item) {
    if (this.selected === item) this.select(null);
    var index = this.items.indexOf(item);
    if (index !== -1) this.items.splice(index, 1);
    this.undraw(item);
    this.renderLegend();
  };

  Layer.prototype.setVisible = function (visible) {
    this.visible = visible;
    this.imageGroup.style.display = visible ? "" : "none";
    this.screenGroup.style.display = visible ? "" : "none";
    this.toggle.setAttribute("aria-pressed", visible ? "true" : "false");
    this.ctx.element.dataset.annotationsVisible = visible ? "true" : "false";
  };

  /* Selection, notes and flying ------------------------------------------------------------------ */

  Layer.prototype.select = function (item, options) {
    var previous = this.selected;
    this.selected = item || null;
    if (previous && previous.nodes) this.draw(previous);
    if (item && item.nodes) {
      this.draw(item);
      // Bring the selected shape to the front so its outline and handles are not hidden.
      this.imageGroup.appendChild(item.nodes.group);
      this.screenGroup.appendChild(item.nodes.screen);
    }
    this.renderLegend();
    if (!this.editable) this.showDetail(item);
    if (item && options && options.fly) this.flyTo(item);
    this.emit("select", item);
  };

  Layer.prototype.flyTo = function (item) {
    var bounds = Shapes.geometryBounds(item.geometry);
    if (!bounds) return;
    var viewport = this.ctx.viewer.viewport;
    var width = bounds.maxX - bounds.minX;
    var height = bounds.maxY - bounds.minY;
    // Points and thin shapes get a view at least this wide: 500 µm, or a tenth of the slide.
    var minimum = this.ctx.mpp ? 500 / this.ctx.mpp.x : this.ctx.size.width / 10;
    var size = Math.max(width, height, minimum);
    var margin = size * FLY_MARGIN;
    var cx = (bounds.minX + bounds.maxX) / 2;
    var cy = (bounds.minY + bounds.maxY) / 2;
    var boxWidth = Math.max(width, minimum) + 2 * margin;
    var boxHeight = Math.max(height, minimum) + 2 * margin;
    var rect = viewport.imageToViewportRectangle(cx - boxWidth / 2, cy - boxHeight / 2, boxWidth, boxHeight);
    viewport.fitBoundsWithConstraints(rect, Kit.prefersReducedMotion());
  };

  Layer.prototype.showDetail = function (item) {
    var detail = this.detail;
    if (!detail) return;
    detail.replaceChildren();
    if (!item) {
      detail.appendChild(el("p", { class: "anno-detail__hint", text: "Choose an annotation to read its note." }));
      return;
    }
    var swatch = el("span", { class: "anno-swatch", "aria-hidden": "true" });
    swatch.style.background = item.colour;
    detail.appendChild(el("h3", { class: "anno-detail__title" }, [swatch, itemTitle(item)]));
    detail.appendChild(el("p", { class: "anno-detail__kind", text: capitalised(kindName(item.kind)) }));
    var note;
    if (!item.note) {
      note = el("p", { class: "anno-detail__hint", text: "No note for this annotation." });
    } else if (typeof item.noteHtml === "string" && item.noteHtmlFor === item.note) {
      note = el("div", { class: "anno-detail__note rich-text" });
      note.innerHTML = item.noteHtml; // sanitised by the server
    } else {
      note = el("p", { class: "anno-detail__note", text: item.note });
    }
    detail.appendChild(note);
  };

  /* Interface ----------------------------------------------------------------------------------- */

  Layer.prototype.buildToggle = function () {
    var self = this;
    var group = this.ctx.toolGroup("annotations", "Annotations");
    var button = Kit.el("button", {
      type: "button",
      class: "viewer-button viewer-button--text slide-toggle",
      "aria-pressed": "true",
      "aria-label": "Show annotations",
      title: "Show or hide the annotations",
      "data-annotations-toggle": true,
    }, [Kit.icon("eye"), el("span", { class: "slide-toggle__text", text: "Annotations" })]);
    button.addEventListener("click", function () {
      self.setVisible(!self.visible);
      self.ctx.announce(self.visible ? "Annotations shown." : "Annotations hidden.");
    });
    group.appendChild(button);
    this.toggle = button;
    this.ctx.element.dataset.annotationsVisible = "true";
  };

  Layer.prototype.buildPanel = function () {
    var section = this.ctx.section("annotations", this.editable ? "Annotations" : "Teaching annotations", {
      "data-annotations-panel": true,
    });
    this.section = section;
    this.count = el("p", { class: "anno-count", "aria-live": "polite" });
    this.legend = el("ul", { class: "anno-legend", "data-annotation-legend": true, "aria-label": "Annotations on this slide" });
    section.appendChild(this.count);
    section.appendChild(this.legend);
    if (!this.editable) {
      this.detail = el("div", { class: "anno-detail", "data-annotation-detail": true, "aria-live": "polite" });
      section.appendChild(this.detail);
      this.showDetail(null);
    }
  };

  Layer.prototype.setEmptyText = function (text) {
    this.count.textContent = text;
  };

  Layer.prototype.renderLegend = function () {
    var self = this;
    var count = this.items.length;
    this.count.textContent = count
      ? count + (count === 1 ? " annotation" : " annotations")
      : this.editable
        ? "No annotations yet. Choose a drawing tool on the slide to add one."
        : "No teaching annotations on this slide.";
    this.legend.replaceChildren();
    this.items.forEach(function (item) {
      var swatch = el("span", { class: "anno-swatch", "aria-hidden": "true" });
      swatch.style.background = item.colour;
      var kindIcon = Kit.icon(item.kind);
      kindIcon.setAttribute("class", "anno-legend__kind");
      var button = el("button", {
        type: "button",
        class: "anno-legend__item",
        "data-annotation-item": item.key,
        "data-uuid": item.uuid || false,
        "aria-pressed": item === self.selected ? "true" : "false",
        "aria-label": itemTitle(item) + " (" + kindName(item.kind) + "). Show on the slide",
      }, [swatch, kindIcon, el("span", { class: "anno-legend__label", text: itemTitle(item) })]);
      button.addEventListener("click", function () {
        self.select(item, { fly: true });
        // The legend is redrawn under the reader: take them on to the slide and say what it shows.
        self.ctx.viewer.canvas.focus();
        self.ctx.announce("Showing " + itemTitle(item) + " on the slide" +
          (self.editable ? "." : "; its note is under the slide."));
      });
      self.legend.appendChild(el("li", {}, [button]));
    });
    this.emit("changed", this.items);
  };

  /** A click (not a drag) on a shape selects it; on empty slide it clears the selection. */
  Layer.prototype.bindClicks = function () {
    var self = this;
    this.ctx.viewer.addHandler("canvas-click", function (event) {
      if (!event.quick || self.overlay.input || !self.visible) return;
      var original = event.originalEvent;
      if (!original || typeof original.clientX !== "number") return;
      var key = self.overlay.hit(original.clientX, original.clientY);
      var item = key && self.byKey(key);
      if (item) {
        // Readers fly to what they clicked; editors are already looking at it.
        self.select(item, { fly: !self.editable });
      } else if (self.selected) {
        self.select(null);
      }
    });
  };

  function layer(ctx) {
    if (!ctx.annotations) ctx.annotations = new Layer(ctx);
    return ctx.annotations;
  }

  window.PortalAnnotations = {
    layer: layer,
    kindName: kindName,
    itemTitle: itemTitle,
    snapshot: snapshot,
    rendered: rendered,
    DEFAULT_COLOUR: DEFAULT_COLOUR,
  };

  Kit.onViewer("annotations", function (element) {
    if (!element.dataset.annotationsUrl) return;
    layer(Kit.context(element));
  });
})();
