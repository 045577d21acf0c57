/*
 * The viewer's motion follows the reader's prefers-reduced-motion setting (WCAG 2.2, 2.3.3):
 * with "reduce", zooming and panning jump to where they go (every OpenSeadragon spring gets an
 * animation time of 0, tiles appear without blending) instead of gliding there; when the setting
 * changes while the page is open, every viewer follows at once.
 *
 *   PortalViewerMotion.options()      -> the animation options for a new viewer
 *   PortalViewerMotion.attach(viewer) -> keep that viewer (and its overview) in step
 *   PortalViewerMotion.reduced()      -> true when motion should be reduced now
 *
 * The viewer's own numbers (ANIMATION) live here, so viewer.js has one place to ask.
 */
(function () {
  "use strict";

  var ANIMATION = { animationTime: 0.6, springStiffness: 8, blendTime: 0 };
  var STILL = { animationTime: 0, springStiffness: 8, blendTime: 0 };
  var QUERY = "(prefers-reduced-motion: reduce)";
  var media = window.matchMedia ? window.matchMedia(QUERY) : null;
  var attached = [];

  function reduced() {
    return Boolean(media && media.matches);
  }

  function options() {
    var chosen = reduced() ? STILL : ANIMATION;
    return { animationTime: chosen.animationTime, springStiffness: chosen.springStiffness, blendTime: chosen.blendTime };
  }

  function springsOf(viewer) {
    var springs = [];
    var viewport = viewer.viewport;
    if (viewport) {
      springs.push(viewport.centerSpringX, viewport.centerSpringY, viewport.zoomSpring, viewport.degreesSpring);
    }
    for (var i = 0; viewer.world && i < viewer.world.getItemCount(); i++) {
      var item = viewer.world.getItemAt(i);
      springs.push(item._xSpring, item._ySpring, item._scaleSpring, item._degreesSpring);
      item.blendTime = options().blendTime;
    }
    return springs.filter(Boolean);
  }

  /** Give `viewer` (and its overview, which follows it) the current motion setting. */
  function follow(viewer) {
    var chosen = options();
    viewer.animationTime = chosen.animationTime;
    viewer.springStiffness = chosen.springStiffness;
    viewer.blendTime = chosen.blendTime;
    [viewer, viewer.navigator].forEach(function (target) {
      if (!target) return;
      springsOf(target).forEach(function (spring) {
        spring.animationTime = target === viewer ? chosen.animationTime : Math.min(spring.animationTime, chosen.animationTime);
        spring.springStiffness = chosen.springStiffness;
      });
    });
    viewer.element.setAttribute("data-motion", reduced() ? "reduced" : "animated");
  }

  function attach(viewer) {
    attached.push(viewer);
    follow(viewer);
    // Tiled images made later (the slide opens after the viewer) get their springs then.
    viewer.world.addHandler("add-item", function () {
      follow(viewer);
    });
  }

  if (media) {
    var changed = function () {
      attached.forEach(follow);
    };
    if (media.addEventListener) media.addEventListener("change", changed);
    else if (media.addListener) media.addListener(changed);
  }

  window.PortalViewerMotion = { options: options, attach: attach, reduced: reduced };
})();
