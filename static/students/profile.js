// Student profile: size the probability bars (widths set here because the CSP forbids inline
// style attributes from templates). The charts are drawn by predictions/charts.js.
(function () {
  "use strict";
  document.querySelectorAll(".progress-bar[data-width]").forEach(function (bar) {
    bar.style.width = bar.dataset.width + "%";
  });
})();
