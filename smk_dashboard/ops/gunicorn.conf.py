"""gunicorn settings for production: `gunicorn -c smk_dashboard/ops/gunicorn.conf.py`.

Every value can be changed through the environment (listed in .env.example):
GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS,
GUNICORN_PRELOAD, FORWARDED_ALLOW_IPS, PROMETHEUS_MULTIPROC_DIR.
"""

import os
import shutil
from pathlib import Path

wsgi_app = "smk_dashboard.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each holds one request at a time and ~100-250 MB. Two per core is plenty for
# a school; WEB_CONCURRENCY overrides (gunicorn reads it too).
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, min(2 * (os.cpu_count() or 1), 8))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow memory growth (pandas, exports) cannot accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# The master imports the application once and every worker is forked from it. Without this,
# each worker start (and one comes every `max_requests` answers) imports Django and the apps
# again: about 3 s of CPU on the 2-core test machine, which the other workers' answers waited
# behind under load. Nothing opens a database or Redis connection at import time (tested in
# tests/ops/test_web_startup.py), so no socket is shared between forked workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "on").lower() not in ("0", "off", "false", "no")
# Heartbeat files in memory, not on a possibly slow container disk.
# bandit B108: gunicorn only keeps its worker heartbeat files there (its documented advice).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108  # nosec B108
# The reverse proxy in front (nginx) sets X-Forwarded-*; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s ua="%(a)s"'
proc_name = "smk-dashboard-web"


def on_starting(server):
    """Multi-process metrics: start from an empty PROMETHEUS_MULTIPROC_DIR (old files of dead
    workers would otherwise be counted again)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        # The contents only: the folder itself may be a systemd RuntimeDirectory.
        for entry in folder.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def child_exit(server, worker):
    """Multi-process metrics: fold a dead worker's live values away."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
