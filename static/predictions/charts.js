// Draws every plotly figure stored as JSON on the page (model quality, reports, profile).
(function () {
  "use strict";
  if (!window.Plotly) return;
  document.querySelectorAll(".plotly-chart[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source) return;
    var fig = JSON.parse(source.textContent);
    window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
  });
})();
