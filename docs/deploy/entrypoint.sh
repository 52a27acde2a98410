#!/bin/sh
# Container entrypoint for SMK Dashboard: `entrypoint.sh ROLE [extra args]`.
#
#   web             migrate --noinput, then gunicorn (smk_dashboard/ops/gunicorn.conf.py)
#   worker-default  Celery worker on queue `default` (imports, scoring)
#   worker-ml       Celery worker on queue `ml` (training on CPU)
#   worker-gpu      Celery worker on queue `gpu` (training on a GPU host)
#   beat            Celery beat (periodic jobs; run exactly one per site)
#   backup          one backup now (manage.py backup)
#   backup-loop     a backup every BACKUP_INTERVAL_SECONDS (default 86400), with retention
#   manage          manage.py with the remaining arguments
#   anything else   run as a command
#
# Only the web role migrates, so that workers never race to alter the schema; workers that
# start first wait for the broker and retry the database (acks_late, retries).
set -eu

ROLE="${1:-web}"
[ "$#" -gt 0 ] && shift

PYTHON="${PYTHON:-python}"
CELERY="$PYTHON -m celery -A smk_dashboard"

# Multi-process metrics: each service starts with an empty folder of its own.
# (The contents only: under systemd the folder is a RuntimeDirectory in a root-owned parent.)
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
fi

case "$ROLE" in
  web)
    # With several web replicas starting at once, leave MIGRATE_ON_START=on on one only.
    case "${MIGRATE_ON_START:-on}" in
      on|1|true|yes) $PYTHON manage.py migrate --noinput ;;
    esac
    exec $PYTHON -m gunicorn -c smk_dashboard/ops/gunicorn.conf.py "$@"
    ;;
  worker-default)
    exec $CELERY worker -Q default -n "default@%h" \
      --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel "${LOG_LEVEL:-INFO}" -E "$@"
    ;;
  worker-ml)
    # One training at a time per worker: a run uses all cores and much memory.
    exec $CELERY worker -Q ml -n "ml@%h" \
      --concurrency "${CELERY_CONCURRENCY:-1}" --max-tasks-per-child 1 \
      --loglevel "${LOG_LEVEL:-INFO}" -E "$@"
    ;;
  worker-gpu)
    exec $CELERY worker -Q gpu -n "gpu@%h" \
      --concurrency "${CELERY_CONCURRENCY:-1}" --max-tasks-per-child 1 \
      --loglevel "${LOG_LEVEL:-INFO}" -E "$@"
    ;;
  beat)
    exec $CELERY beat --loglevel "${LOG_LEVEL:-INFO}" \
      --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" "$@"
    ;;
  backup)
    exec $PYTHON manage.py backup "$@"
    ;;
  backup-loop)
    while true; do
      $PYTHON manage.py backup "$@" || echo "backup failed; next try in ${BACKUP_INTERVAL_SECONDS:-86400} s" >&2
      sleep "${BACKUP_INTERVAL_SECONDS:-86400}"
    done
    ;;
  manage)
    exec $PYTHON manage.py "$@"
    ;;
  *)
    exec "$ROLE" "$@"
    ;;
esac
