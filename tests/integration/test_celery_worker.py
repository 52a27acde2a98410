"""A real Celery worker process consumes from the real Redis broker."""

import pytest

from smk_dashboard.celery import ping

pytestmark = [pytest.mark.integration]


def test_a_real_worker_runs_a_task_from_the_real_broker(worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert worker.poll() is None
