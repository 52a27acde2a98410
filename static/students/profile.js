// Student profile: draw the plotly figures stored as JSON, and size the probability bars
// (widths set here because the CSP forbids inline style attributes from templates).
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source || !window.Plotly) return;
    var fig = JSON.parse(source.textContent);
    window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
  }
  document.querySelectorAll(".plotly-chart[data-figure]").forEach(draw);
  document.querySelectorAll(".progress-bar[data-width]").forEach(function (bar) {
    bar.style.width = bar.dataset.width + "%";
  });
})();
