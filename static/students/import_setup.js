// Setup page: ticking "Semua kelas X" ticks (or unticks) the classes of its group, so the
// page shows what will move; unticking one class unticks the group again (the group box
// posts all its ids, so it must never stay ticked over a class the user left out). Without
// JavaScript the group checkbox still works on its own.
(function () {
  "use strict";
  document.querySelectorAll("[data-group-toggle]").forEach(function (toggle) {
    var boxes = toggle.closest("fieldset").querySelectorAll("input[name=classes]");
    toggle.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = toggle.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        toggle.checked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      });
    });
  });
})();
