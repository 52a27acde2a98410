// Import page: poll the batch status while it is being read (preview), queued or running,
// move the progress bar, and reload the page (preview, summary, error report) once the
// batch has left the state the page was drawn in.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-status-url");
  var drawnStatus = box.getAttribute("data-import-status");
  var bar = box.querySelector("[data-progress-bar]");
  var wrapper = box.querySelector("[role=progressbar]");
  var delay = 1000;

  function show(progress) {
    bar.style.width = progress + "%";
    bar.textContent = progress + "%";
    wrapper.setAttribute("aria-valuenow", String(progress));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data.progress);
        if (data.finished || (drawnStatus && data.status !== drawnStatus &&
            data.status !== "queued" && data.status !== "running")) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }

  show(parseInt(wrapper.getAttribute("aria-valuenow"), 10) || 0);
  window.setTimeout(poll, 500);
})();
