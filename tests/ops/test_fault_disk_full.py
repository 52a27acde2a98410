"""Fault test (issue 8): the disk fills while a model artifact is being saved. The training run
ends failed with a clear error, no half-written artifact (*.tmp or *.zip) is left, no
ModelVersion row is added, and the previously active model stays active.

No mocks: the training runs in a child process whose writes really fail, in one of two ways:
- `tmpfs`: the child gets its own mount namespace (an unprivileged user namespace, `unshare
  -Urm`) in which the school's model directory is a tiny tmpfs filled to the last byte, so the
  artifact write fails with ENOSPC, exactly like a full disk. Skipped where user namespaces are
  not allowed.
- `rlimit`: RLIMIT_FSIZE below the artifact's size (SIGXFSZ ignored), so the write fails with
  EFBIG. PostgreSQL only: on SQLite the same limit would also stop the database file's writes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys

import pytest
from django.core.files.storage import storages
from django.db import connection

from predictions import services, training
from predictions.ml.registry import file_sha256
from predictions.models import ModelVersion, RunStatus
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.models import School
from tests.conftest import ROOT, database_url_for_subprocess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHILD = ROOT / "tests" / "ops" / "disk_full_child.py"


def _user_namespaces_work() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt || exit 1"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


@pytest.fixture
def trained_school(transactional_db, settings, tmp_path):
    """A seeded school whose first run (lr) succeeded: one active, intact model."""
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1))
    school = School.objects.get(npsn="20100001")
    first = training.training_run_execute(
        run_id=services.training_run_create(school=school, user=None, models=["lr"]).pk
    )
    assert first.status == RunStatus.SUCCEEDED, first.error
    return school


def _run_child(run_id: int, *, mechanism: str, directory, storage_root) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "MODEL_STORAGE_DIR": str(storage_root),
        "PYTHONUNBUFFERED": "1",
    }
    python = [sys.executable, str(CHILD), str(run_id)]
    if mechanism == "rlimit":
        command = [*python, "--fsize-limit", "4096"]
    else:
        # A 64 KiB tmpfs over the school's model directory, filled until it is full.
        script = (
            f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(str(directory))} && "
            f"(cat /dev/zero > {shlex.quote(str(directory / 'filler'))} 2>/dev/null; true) && "
            f"exec {shlex.join(python)}"
        )
        command = ["unshare", "-Urm", "sh", "-c", script]
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# Skipped before the school is seeded and trained, not after.
_POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="RLIMIT_FSIZE would also stop SQLite's own file writes: PostgreSQL only",
)


@pytest.mark.parametrize("mechanism", ["tmpfs", pytest.param("rlimit", marks=_POSTGRESQL_ONLY)])
def test_a_full_disk_while_saving_the_artifact_keeps_the_previous_model_active(
    trained_school, settings, mechanism
):
    if mechanism == "tmpfs" and not _user_namespaces_work():
        pytest.skip("unprivileged user namespaces (unshare -Urm) are not allowed here")
    school = trained_school
    active = ModelVersion.objects.get(school=school, is_active=True)
    versions_before = ModelVersion.objects.count()
    directory = services.model_storage_dir(school)
    files_before = sorted(os.listdir(directory))
    assert files_before == [os.path.basename(storages["models"].path(active.artifact_path))]

    run = services.training_run_create(school=school, user=None, models=["lr"])
    report = _run_child(
        run.pk, mechanism=mechanism, directory=directory, storage_root=settings.MODEL_STORAGE_DIR
    )

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED, run.log
    expected = "No space left on device" if mechanism == "tmpfs" else "File too large"
    assert expected in run.error, run.error
    # Nothing half-written, neither on the full disk (as the child saw it) nor on the real one.
    new_files = sorted(set(report["files"]) - set(files_before))
    assert not [f for f in new_files if f.endswith((".tmp", ".zip"))], report["files"]
    assert sorted(os.listdir(directory)) == files_before
    assert ModelVersion.objects.count() == versions_before
    still_active = ModelVersion.objects.get(school=school, is_active=True)
    assert still_active == active
    assert (
        file_sha256(storages["models"].path(still_active.artifact_path))
        == still_active.artifact_sha256
    )
