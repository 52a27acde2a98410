// Risk list: changing a filter applies it at once (the button stays for keyboards).
(function () {
  "use strict";
  var form = document.getElementById("risk-filters");
  if (!form) return;
  form.querySelectorAll("select").forEach(function (el) {
    el.addEventListener("change", function () { form.submit(); });
  });
})();
