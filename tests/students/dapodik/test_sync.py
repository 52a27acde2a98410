"""`manage.py dapodik_sync` (CONTRACTS §2) against a real HTTP server that answers like the
Dapodik web service: the roster comes in through the roster import, a refusal, a timeout or a
half answer writes nothing and exits 1, a moved student changes rombel, a leaver is marked
`keluar` and kept."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from students.dapodik.services import dapodik_connection_save, dapodik_sync_nightly
from students.models import DapodikConnection, ImportBatch, Student, StudentStatus
from tests.students.factories import SchoolFactory

from .server import NPSN, TOKEN, FakeDapodik

KEYS = {"rows", "created", "updated", "unchanged", "rejected", "errors"}


@pytest.fixture
def dapodik():
    with FakeDapodik() as server:
        yield server


@pytest.fixture
def school(db):
    return SchoolFactory(npsn=NPSN)


def sync(*args):
    out = io.StringIO()
    call_command("dapodik_sync", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def sync_fails(*args, match: str):
    out = io.StringIO()
    with pytest.raises(CommandError, match=match):
        call_command("dapodik_sync", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_pulls_the_roster_through_the_roster_import(school, dapodik):
    summary = sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN)
    assert set(summary) >= KEYS and summary["ok"]
    assert (summary["rows"], summary["created"], summary["rejected"]) == (12, 12, 0)
    batch = ImportBatch.objects.get()
    assert (batch.source, batch.kind, batch.status) == ("dapodik", "roster", "done")
    adi = Student.objects.select_related("school_class", "major").get(nisn="0081000000")
    assert (adi.name, adi.nis, adi.gender) == ("Adi Saputra", "2400", "L")
    assert adi.school_class.name == "X TKJ 1" and adi.school_class.grade_level == 10
    assert adi.major.name == "Teknik Komputer dan Jaringan"
    # no stored connection asked for parents' data: none comes, and parents' names never do
    assert adi.father_occupation == "" and adi.income_bracket == ""
    assert "Ayah" not in batch.file.read().decode("utf-8-sig")
    assert {"/WebService/getSekolah", "/WebService/getPesertaDidik"} <= set(dapodik.requests)


@pytest.mark.django_db
def test_a_second_pull_changes_nothing(school, dapodik):
    sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN)
    summary = sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 12)
    assert summary["left_count"] == 0


@pytest.mark.django_db
def test_moved_student_changes_rombel_and_a_leaver_is_marked_not_deleted(school, dapodik):
    sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN)
    dapodik.move("0081000000", "rb-x-tkj-2")
    gone = dapodik.leave("0081000004")
    dry = sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN, "--dry-run")
    assert dry["left_count"] == 1 and dry["left"] == [gone["nama"]]
    assert Student.objects.get(nisn="0081000004").status == StudentStatus.AKTIF  # dry run
    summary = sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN)
    assert (summary["updated"], summary["unchanged"], summary["left_count"]) == (1, 10, 1)
    assert Student.objects.get(nisn="0081000000").school_class.name == "X TKJ 2"
    leaver = Student.objects.get(nisn="0081000004")
    assert leaver.status == StudentStatus.KELUAR and Student.objects.count() == 12
    dapodik.students.append(gone)  # listed again (a mistake corrected in Dapodik)
    assert sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN)["returned"] == 1
    assert Student.objects.get(nisn="0081000004").status == StudentStatus.AKTIF


@pytest.mark.django_db
def test_wrong_key_exits_1_and_writes_nothing(school, dapodik):
    summary = sync_fails(
        "--school", NPSN, "--url", dapodik.url, "--token", "salah", match="menolak kunci"
    )
    assert not summary["ok"] and "401" in summary["message"]
    assert not Student.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_timeout_exits_1_with_a_clear_message(school, dapodik, settings):
    settings.DAPODIK_TIMEOUT_SECONDS = 0.5
    dapodik.delay = 2
    summary = sync_fails(
        "--school", NPSN, "--url", dapodik.url, "--token", TOKEN, match="batas waktu"
    )
    assert "tidak dapat dihubungi" in summary["message"] and not Student.objects.exists()


@pytest.mark.django_db
def test_unreachable_address_exits_1(school):
    sync_fails(
        "--school", NPSN, "--url", "http://127.0.0.1:9", "--token", TOKEN,
        match="tidak dapat dihubungi",
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "words"), [("half", "terputus"), ("short", "tidak lengkap")])
def test_a_half_answer_never_marks_anyone_as_left(school, dapodik, mode, words):
    sync("--school", NPSN, "--url", dapodik.url, "--token", TOKEN)
    dapodik.mode = mode
    sync_fails("--school", NPSN, "--url", dapodik.url, "--token", TOKEN, match=words)
    assert not Student.objects.exclude(status=StudentStatus.AKTIF).exists()
    assert ImportBatch.objects.count() == 1


@pytest.mark.django_db
def test_stored_connection_key_is_encrypted_and_the_nightly_sync_uses_it(school, dapodik):
    dapodik_connection_save(
        school=school, user=None, url=dapodik.url, npsn=NPSN, token=TOKEN, include_parents=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM students_dapodikconnection")
        assert TOKEN not in cursor.fetchone()[0]
    assert dapodik_sync_nightly() == {NPSN: True}
    stored = DapodikConnection.objects.get()
    assert stored.last_ok and stored.last_summary["created"] == 12
    adi = Student.objects.get(nisn="0081000000")  # the school chose parents' data
    assert adi.father_occupation == "Buruh" and adi.income_bracket
    dapodik.token = "kunci-baru"  # the key was changed in Dapodik: recorded, nothing written
    assert dapodik_sync_nightly() == {NPSN: False}
    stored.refresh_from_db()
    assert not stored.last_ok and "menolak" in stored.last_message
