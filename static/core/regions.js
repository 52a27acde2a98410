// Wide tables that scroll sideways (on a phone) become named regions in the Tab order, so a
// keyboard user can scroll them and a screen reader says what they hold (WCAG 2.1.1, 4.1.2).
// The name is the table's own label, else the nearest heading above it.
(function () {
  "use strict";
  function nameOf(box) {
    var table = box.querySelector("table");
    if (table) {
      if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
      var by = table.getAttribute("aria-labelledby");
      var labelled = by && document.getElementById(by);
      if (labelled) return labelled.textContent.trim();
      if (table.caption) return table.caption.textContent.trim();
    }
    for (var el = box; el && el !== document.body; el = el.parentElement) {
      for (var prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
        var heading = /^H[1-6]$/.test(prev.tagName) ? prev : prev.querySelector("h1,h2,h3,h4,h5,h6");
        if (heading) return heading.textContent.trim();
      }
    }
    return document.title;
  }
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box).replace(/\s+/g, " ").slice(0, 120));
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSwap", mark);
})();
