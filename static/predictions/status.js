// While predictions are being (re)computed: poll the school's status, update the progress
// and reload the page once the new predictions are current.
(function () {
  const root = document.querySelector("[data-testid=prediction-status][data-busy]");
  if (!root) return;
  const url = root.dataset.statusUrl;
  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      const state = await response.json();
      const field = root.querySelector("[data-field=progress]");
      if (field) field.textContent = state.progress;
      if (!state.busy) {
        window.location.reload();
        return;
      }
    } catch (err) {
      // A dropped connection on a weak school network: try again on the next tick.
    }
    setTimeout(poll, 3000);
  }
  setTimeout(poll, 2000);
})();
