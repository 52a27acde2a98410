"""Running the service: health probes, metrics, logging with request ids, backups, deploy
checks, the gunicorn config, and the developer's tools (embedded Redis, `make run`, the
vendored plotly.js bundle)."""
