"""The nightly Dapodik sync (issue 26) as beat sends it: the task, by name, on a real Celery
worker process over the real Redis broker, pulling from a real HTTP server that answers like
the Dapodik web service. Leavers are marked, nobody is deleted, and the outcome is kept on
the school's connection."""

import pytest
from django.conf import settings

from smk_dashboard.celery import app
from students.dapodik.services import dapodik_connection_save
from students.models import DapodikConnection, Student, StudentStatus
from tests.students.dapodik.server import NPSN, TOKEN, FakeDapodik
from tests.students.factories import SchoolFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
TASK = "students.tasks.dapodik_sync_nightly_task"


def test_the_beat_schedule_names_the_task():
    assert settings.CELERY_BEAT_SCHEDULE["dapodik-sync-nightly"]["task"] == TASK


def test_nightly_sync_on_a_real_worker_marks_leavers_and_records_the_outcome(worker):
    school = SchoolFactory(npsn=NPSN)
    with FakeDapodik() as dapodik:
        dapodik_connection_save(school=school, user=None, url=dapodik.url, npsn=NPSN, token=TOKEN)
        assert app.send_task(TASK).get(timeout=90) == {NPSN: True}
        assert Student.objects.filter(school=school).count() == 12
        gone = dapodik.leave("0081000007")
        assert app.send_task(TASK).get(timeout=90) == {NPSN: True}
    left = Student.objects.get(nisn=gone["nisn"])
    assert left.status == StudentStatus.KELUAR and Student.objects.count() == 12
    connection = DapodikConnection.objects.get()
    assert connection.last_ok and connection.last_summary["left"] == [gone["nama"]]
