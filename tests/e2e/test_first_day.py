"""Day one at a new school (issue 26): the operator of a school with one term of grades and
attendance signs in, pulls the roster from a (real, test) Dapodik web service, uploads a
ledger and a recap; the principal then sees students flagged with their indicators, within
a minute of the last upload, and no page shows a probability for them. The same by the
upload route (roster file instead of Dapodik). A real Celery worker does the imports.

With FIRST_DAY_OUT set, each route appends its seconds and clicks (JSON lines) to that file
(benchmarks/first_day.py); with SMK_SHOTS_DIR set, the Dapodik route saves screenshots."""

import json
import os
import re
from pathlib import Path

import pytest

from students.models import Role, Student, StudentStatus
from tests.students.dapodik.server import NPSN, TOKEN, FakeDapodik
from tests.students.factories import SchoolFactory

from .first_day import Journey, expected_flagged, ledger, recap, roster, students

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-uji-123"
PROBABILITY = re.compile(r"(peluang|risiko)[^<]{0,40}\d+\s?%", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))


@pytest.fixture
def new_school(make_user):
    school = SchoolFactory(npsn=NPSN, name="SMK Hari Pertama")
    make_user(Role.OPERATOR, school=school, username="op_baru")
    make_user(Role.KEPSEK, school=school, username="kepsek_baru")
    return school


def _record(route: str, journey: Journey, after_last_upload: float) -> None:
    out = os.environ.get("FIRST_DAY_OUT")
    if out:
        line = {
            "route": route,
            **journey.result(),
            "flags_after_last_upload_s": round(after_last_upload, 2),
        }
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")


def _shots(page, name: str) -> None:
    folder = os.environ.get("SMK_SHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def _principal_sees_flags(journey: Journey, rows: list[dict]) -> float:
    """Sign in as kepsek, open the risk list from the home page; returns the seconds from the
    last upload's confirm to the flags on screen."""
    page = journey.page
    journey.sign_out()
    journey.sign_in("kepsek_baru", PASSWORD)
    assert (
        "berdasarkan indikator, belum model" in page.get_by_test_id("home-indicators").inner_text()
    )
    journey.click(page.get_by_test_id("risk-link"))
    page.get_by_test_id("indicator-flags").wait_for()
    journey.mark("flags_seen")
    shown = set(page.get_by_test_id("indicator-row").locator("a.fw-semibold").all_inner_texts())
    assert shown == expected_flagged(rows)
    first = page.get_by_test_id("indicator-row").first.inner_text()
    assert "mapel di bawah KKM" in first or "Alpa" in first  # each flag names its indicator
    assert (
        "Berdasarkan indikator, belum model."
        in page.get_by_test_id("indicator-notice").inner_text()
    )
    for html in (page.content(),):
        assert not PROBABILITY.search(html)
        assert 'data-testid="risk-band"' not in html
    return journey.marks["flags_seen"] - journey.marks["last_upload"]


def test_first_day_by_dapodik(page, live_server, new_school, worker, tmp_path):
    rows = students()
    with FakeDapodik() as dapodik:
        journey = Journey(page, live_server.url)
        journey.sign_in("op_baru", PASSWORD)
        assert page.get_by_test_id("checklist").is_visible()
        journey.click(page.get_by_test_id("checklist-link-roster"))
        page.fill("#id_url", dapodik.url)
        assert page.input_value("#id_npsn") == NPSN  # the school's own, filled in
        page.fill("#id_token", TOKEN)
        journey.click(page.get_by_test_id("dapodik-save"))
        _shots(page, "dapodik-settings")
        journey.click(page.get_by_test_id("dapodik-pull"))
        page.get_by_test_id("preview-counts").wait_for(timeout=90_000)
        _shots(page, "dapodik-preview")
        journey.confirm_preview()
        assert page.get_by_test_id("count-created").inner_text() == str(len(rows))
        journey.mark("roster")
        journey.back_to_imports()
        journey.upload("grades", ledger(tmp_path, rows), create_missing=True)
        journey.back_to_imports()
        journey.upload("attendance", recap(tmp_path, rows), create_missing=False)
        journey.mark("last_upload")
        journey.home()
        done = page.get_by_test_id("checklist-step").evaluate_all(
            "els => Object.fromEntries(els.map(e => [e.dataset.step, e.dataset.done]))"
        )
        assert done["roster"] == done["grades"] == done["attendance"] == done["flags"] == "ya"
        assert done["model"] == "tidak"
        _shots(page, "checklist")
        after = _principal_sees_flags(journey, rows)
        _shots(page, "risk-indicators")
    assert after < 60
    assert Student.objects.filter(school=new_school, status=StudentStatus.AKTIF).count() == 12
    _record("dapodik", journey, after)


def test_first_day_by_upload(page, live_server, new_school, worker, tmp_path):
    rows = students()
    journey = Journey(page, live_server.url)
    journey.sign_in("op_baru", PASSWORD)
    journey.click(page.get_by_test_id("checklist-link-grades"))  # the import page
    journey.upload("roster", roster(tmp_path, rows), create_missing=True)
    journey.mark("roster")
    journey.back_to_imports()
    journey.upload("grades", ledger(tmp_path, rows), create_missing=True)
    journey.back_to_imports()
    journey.upload("attendance", recap(tmp_path, rows), create_missing=False)
    journey.mark("last_upload")
    after = _principal_sees_flags(journey, rows)
    assert after < 60
    _record("upload", journey, after)
