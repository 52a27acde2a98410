"""`manage.py backup` / `restore`: pg_dump + model artifacts with a sha256 manifest, retention,
and a real round trip backup -> wipe -> restore on PostgreSQL."""

import hashlib
import json
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from smk_dashboard.ops.backup import MANIFEST, PREFIX, backup_list, backup_prune
from students.models import School, Student
from tests.conftest import database_url_for_subprocess
from tests.ops.conftest import postgres_only
from tests.students.factories import SchoolFactory, StudentFactory


def _fake_backup(folder: Path, stamp: str) -> Path:
    path = folder / f"{PREFIX}{stamp}"
    path.mkdir(parents=True)
    (path / MANIFEST).write_text("{}")
    return path


def test_retention_keeps_the_newest_complete_backups_only(tmp_path):
    paths = [_fake_backup(tmp_path, f"2025010{d}T020000Z") for d in range(1, 6)]
    (tmp_path / f".{PREFIX}20250106T020000Z.partial").mkdir()  # unfinished: not a backup
    (tmp_path / f"{PREFIX}20250107T020000Z").mkdir()  # no manifest: not a backup

    removed = backup_prune(dest_dir=tmp_path, keep=2)

    assert removed == paths[:3]
    assert backup_list(dest_dir=tmp_path) == paths[3:]


def test_restore_refuses_a_backup_whose_files_do_not_match_the_manifest(tmp_path):
    path = tmp_path / f"{PREFIX}20250101T020000Z"
    path.mkdir()
    (path / "database.dump").write_bytes(b"dump")
    (path / MANIFEST).write_text(
        json.dumps(
            {
                "created_at": "2025-01-01T02:00:00+00:00",
                "files": {
                    "database.dump": {"sha256": hashlib.sha256(b"other").hexdigest(), "bytes": 4}
                },
            }
        )
    )
    with pytest.raises(CommandError, match="sha256 tidak cocok"):
        call_command("restore", str(path), "--verify-only")


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.settings_dict["ENGINE"].endswith("postgresql"), reason="SQLite message only"
)
def test_backup_on_sqlite_says_it_needs_postgresql(tmp_path):
    with pytest.raises(CommandError, match="hanya untuk PostgreSQL"):
        call_command("backup", "--dest", str(tmp_path))
    assert backup_list(dest_dir=tmp_path) == []


def _wipe_database() -> None:
    """What a lost disk or a `DROP` does: every table of the database gone."""
    connection.close()
    with psycopg.connect(database_url_for_subprocess(), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@postgres_only
def test_backup_wipe_restore_round_trips_database_and_model_artifacts(
    transactional_db, tmp_path, settings
):
    # Given: a school with students (encrypted fields too) and a trained model on disk.
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    settings.MEDIA_ROOT = tmp_path / "media"
    artifact = settings.MODEL_STORAGE_DIR / "school-1" / "v3" / "model.keras"
    artifact.parent.mkdir(parents=True)
    artifact.write_bytes(b"\x00weights\xff" * 1000)
    (settings.MODEL_STORAGE_DIR / "school-1" / "v3" / "model.json").write_text('{"v": 3}')
    school = SchoolFactory(npsn="20109999")
    students = StudentFactory.create_batch(5, school=school, father_occupation="petani")
    expected = sorted((s.nisn, s.name) for s in students)

    # When: a backup, then everything is lost, then a restore.
    out = StringIO()
    call_command("backup", "--dest", str(tmp_path / "backups"), "--keep", "3", stdout=out)
    backup_path = Path(json.loads(out.getvalue())["path"])
    manifest = json.loads((backup_path / MANIFEST).read_text())
    for name, info in manifest["files"].items():
        assert hashlib.sha256((backup_path / name).read_bytes()).hexdigest() == info["sha256"]
    assert {"database.dump", "models.tar.gz"} <= manifest["files"].keys()
    sums = (backup_path / "SHA256SUMS").read_text()
    assert f"{manifest['files']['database.dump']['sha256']}  database.dump" in sums

    restored = False
    try:
        _wipe_database()
        with pytest.raises(Exception, match="students_school"):
            School.objects.count()
        connection.close()
        artifact.unlink()
        (settings.MODEL_STORAGE_DIR / "stray-file").write_text("made after the backup")

        call_command("restore", str(backup_path), "--noinput", stdout=StringIO())
        restored = True
    finally:
        if not restored:  # leave a usable test database for the tests after this one
            connection.close()
            call_command("migrate", verbosity=0)

    # Then: the same rows, the same decrypted values, the same model files.
    connection.close()
    school = School.objects.get(npsn="20109999")
    got = sorted(Student.objects.filter(school=school).values_list("nisn", "name"))
    assert got == expected
    assert {s.father_occupation for s in Student.objects.filter(school=school)} == {"petani"}
    assert artifact.read_bytes() == b"\x00weights\xff" * 1000
    assert (artifact.parent / "model.json").read_text() == '{"v": 3}'
    assert not (settings.MODEL_STORAGE_DIR / "stray-file").exists()
    assert not (settings.MODEL_STORAGE_DIR / ".restore-staging").exists()


@postgres_only
def test_restore_of_a_corrupt_backup_changes_nothing(transactional_db, tmp_path, settings):
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    settings.MODEL_STORAGE_DIR.mkdir()
    (settings.MODEL_STORAGE_DIR / "keep.bin").write_bytes(b"current")
    SchoolFactory(npsn="20108888")
    out = StringIO()
    call_command("backup", "--dest", str(tmp_path / "backups"), stdout=out)
    backup_path = Path(json.loads(out.getvalue())["path"])
    with (backup_path / "models.tar.gz").open("ab") as fh:
        fh.write(b"tampered")
    SchoolFactory(npsn="20107777")  # made after the backup

    with pytest.raises(CommandError, match="models.tar.gz: sha256 tidak cocok"):
        call_command("restore", str(backup_path), "--noinput")

    assert set(School.objects.values_list("npsn", flat=True)) == {"20108888", "20107777"}
    assert (settings.MODEL_STORAGE_DIR / "keep.bin").read_bytes() == b"current"
