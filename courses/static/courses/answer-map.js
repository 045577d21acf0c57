/*
 * A question's answer map over its slide (courses/answer_map.html): the cohort's click density
 * (point questions) or outline agreement (outline questions) as a picture in level-0 pixels,
 * the misconception clusters as numbered rings, and the cluster buttons that fly the view to
 * each. Load after courses/answer-layer.js and answer-viewer.js (which draws the reference).
 *
 * The data is the json_script "answer-map-data" (courses/assessment/heatmaps.py, the same as
 * the API's answer-map endpoint): a grid {origin_x, origin_y, cell_size, columns, rows} and
 * values[row][column]. Each cell becomes one pixel of a canvas, coloured on a viridis-like
 * scale (density: share of the peak; agreement: share of outlines) and transparent where
 * nobody clicked or drew; the canvas goes into the answer layer as an SVG image stretched over
 * the grid's bounds, so it follows zoom, rotation and flip with the rest of the overlay.
 * Checkboxes [data-layer-toggle=heatmap|reference|clusters] show and hide the layers.
 * Flying respects prefers-reduced-motion (it jumps instead).
 */
(function () {
  "use strict";

  var Kit = window.PortalSlideKit;
  var Answers = window.PortalAnswers;
  if (!Kit || !Answers || !Answers.layer) return;

  // Viridis at five stops: dark purple (few) to yellow (most).
  var STOPS = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  var FLY_MARGIN = 0.3; // share of the view added around a cluster on every side

  function colour(t) {
    var scaled = Math.min(Math.max(t, 0), 1) * (STOPS.length - 1);
    var i = Math.min(Math.floor(scaled), STOPS.length - 2);
    var f = scaled - i;
    return STOPS[i].map(function (channel, c) {
      return Math.round(channel + (STOPS[i + 1][c] - channel) * f);
    });
  }

  /** A data: URL of the map, one pixel per cell; null when the map is empty. */
  function mapPicture(grid, values, scale) {
    if (!(scale > 0) || !grid.columns || !grid.rows) return null;
    var canvas = document.createElement("canvas");
    canvas.width = grid.columns;
    canvas.height = grid.rows;
    var context = canvas.getContext("2d");
    var image = context.createImageData(grid.columns, grid.rows);
    for (var r = 0; r < grid.rows; r++) {
      var row = values[r] || [];
      for (var c = 0; c < grid.columns; c++) {
        var t = (row[c] || 0) / scale;
        var at = (r * grid.columns + c) * 4;
        if (t <= 0.01) continue; // left transparent: nobody here
        var rgb = colour(t);
        image.data[at] = rgb[0];
        image.data[at + 1] = rgb[1];
        image.data[at + 2] = rgb[2];
        image.data[at + 3] = Math.round(255 * (0.3 + 0.45 * Math.min(t, 1)));
      }
    }
    context.putImageData(image, 0, 0);
    return canvas.toDataURL("image/png");
  }

  function flyTo(ctx, bounds, eps) {
    var viewport = ctx.viewer.viewport;
    var width = bounds[2] - bounds[0];
    var height = bounds[3] - bounds[1];
    // A cluster is seen with its neighbourhood: at least four times the clustering distance.
    var minimum = Math.max(4 * eps, 1);
    var size = Math.max(width, height, minimum);
    var margin = size * FLY_MARGIN;
    var boxWidth = Math.max(width, minimum) + 2 * margin;
    var boxHeight = Math.max(height, minimum) + 2 * margin;
    var cx = (bounds[0] + bounds[2]) / 2;
    var cy = (bounds[1] + bounds[3]) / 2;
    var rect = viewport.imageToViewportRectangle(cx - boxWidth / 2, cy - boxHeight / 2, boxWidth, boxHeight);
    viewport.fitBoundsWithConstraints(rect, Kit.prefersReducedMotion());
  }

  function setUp(element) {
    var figure = element.closest("[data-answer-map]");
    var data = Answers.readJson("answer-map-data");
    if (!figure || !data || !data.grid) return;
    var ctx = Kit.context(element);
    var layer = Answers.layer(ctx);
    var grid = data.grid;
    var bounds = [
      grid.origin_x,
      grid.origin_y,
      grid.origin_x + grid.columns * grid.cell_size,
      grid.origin_y + grid.rows * grid.cell_size,
    ];
    var picture = data.density
      ? mapPicture(grid, data.density.values, data.density.peak)
      : data.agreement
        ? mapPicture(grid, data.agreement.values, 1)
        : null;
    if (picture) layer.picture("heatmap", picture, bounds);
    element.setAttribute("data-heatmap", picture ? "drawn" : "empty");

    var clusters = data.clusters || [];
    layer.set("clusters", clusters.length ? [{ type: "MultiPoint", coordinates: clusters.map(function (c) { return c.centre; }) }] : [], { marker: "ring", numbered: true });
    Answers.bindToggles(element, layer);

    // eps in level-0 px (the API gives µm, or px on a slide without a pixel size).
    var eps = data.units === "um" && ctx.mpp ? data.eps_um / ctx.mpp.x : data.eps_um;
    var page = figure.closest(".answer-map-page") || document;
    page.querySelectorAll("[data-cluster]").forEach(function (button) {
      button.addEventListener("click", function () {
        var index = Number(button.getAttribute("data-cluster")) - 1;
        var cluster = clusters[index];
        if (!cluster) return;
        page.querySelectorAll("[data-cluster]").forEach(function (other) {
          other.setAttribute("aria-pressed", other === button ? "true" : "false");
        });
        ctx.whenOpen(function () {
          flyTo(ctx, cluster.bounds, eps);
          element.setAttribute("data-shown-cluster", String(index + 1));
          ctx.announce("Cluster " + (index + 1) + ": " + cluster.size + " wrong " + (cluster.size === 1 ? "answer" : "answers") + ".");
        });
      });
      button.setAttribute("aria-pressed", "false");
    });

    ctx.whenOpen(function () {
      // Open on the mapped area: the cohort's answers and the reference.
      var viewport = ctx.viewer.viewport;
      var rect = viewport.imageToViewportRectangle(bounds[0], bounds[1], bounds[2] - bounds[0], bounds[3] - bounds[1]);
      viewport.fitBoundsWithConstraints(rect, true);
      element.setAttribute("data-answer-map-ready", "true");
    });
  }

  Kit.onViewer("answer-map", setUp);
})();
