// Polls the training run's status and updates the progress bar and log; reloads when done.
(function () {
  const root = document.getElementById("run");
  if (!root || root.dataset.finished) return;
  const url = root.dataset.statusUrl;
  const field = (name) => root.querySelector(`[data-field="${name}"]`);
  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      const run = await response.json();
      const bar = field("bar");
      bar.style.width = `${run.progress}%`;
      bar.textContent = `${run.progress}%`;
      root.querySelector("[data-testid=run-status]").textContent = run.status_label;
      field("log").textContent = run.log;
      field("device").textContent = run.device || "-";
      if (run.error) {
        field("error").textContent = run.error;
        field("error").classList.remove("d-none");
      }
      if (run.finished) {
        window.location.reload();
        return;
      }
    } catch (err) {
      // A dropped connection on a weak school network: try again on the next tick.
    }
    setTimeout(poll, 2000);
  }
  setTimeout(poll, 1000);
})();
