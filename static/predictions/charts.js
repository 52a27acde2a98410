// Draws every plotly figure stored as JSON on the page (model quality, reports, profile).
// No toolbar (it covers the chart on a phone). A chart inside a closed <details> is drawn
// when it is first opened: plotly cannot measure a hidden box and would draw it 700 px wide.
(function () {
  "use strict";
  if (!window.Plotly) return;
  var config = { responsive: true, displaylogo: false, displayModeBar: false };

  function draw(el) {
    if (el.dataset.drawn) return;
    var source = document.getElementById(el.dataset.figure);
    if (!source) return;
    var fig = JSON.parse(source.textContent);
    el.dataset.drawn = "1";
    // A figure may say how it changes on a phone (`phone`: layout keys, keys of every trace).
    if (fig.phone && el.clientWidth < 500) {
      Object.assign(fig.layout, fig.phone.layout || {});
      fig.data.forEach(function (trace) { Object.assign(trace, fig.phone.trace || {}); });
    }
    window.Plotly.newPlot(el, fig.data, fig.layout, config);
  }

  document.querySelectorAll(".plotly-chart[data-figure]").forEach(function (el) {
    var closed = el.closest("details:not([open])");
    if (!closed) {
      draw(el);
      return;
    }
    closed.addEventListener("toggle", function () {
      if (closed.open) closed.querySelectorAll(".plotly-chart[data-figure]").forEach(draw);
    });
  });
})();
