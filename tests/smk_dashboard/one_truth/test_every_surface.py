"""One truth per term (issue 23, item 6): after several model versions, a promotion, a
cancelled "Jadikan aktif" preview, a rollback and a preview still waiting for confirmation,
every surface counts the same students in each category for the term: the active model's
current predictions. A candidate's preview reaches nothing.

The scorings run through the real services (`scoring_run_start`, the worker's
`scoring_run_execute`, `scoring_run_switch`, `scoring_run_cancel`); only the model is a
stand-in: `_compute` returns the categories planned for that version (a fitted Keras model
needs minutes to train, and what it predicts is not what this test is about)."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zlib
from collections import Counter

import openpyxl
import pytest
from django.test import Client

from interventions.models import Intervention, Status
from predictions import feedback, services
from predictions import scoring as worker
from predictions.ml.registry import file_sha256
from predictions.models import ModelVersion, Prediction, ScoringPurpose, ScoringStatus
from predictions.selectors import published_predictions
from students.models import Role, Student
from tests.interventions.factories import InterventionFactory
from tests.predictions.factories import ModelVersionFactory
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CATS = ("kurang", "sedang", "baik")
N = 30


def plan(kurang: int, sedang: int) -> list[str]:
    """Categories for students 0..N-1: the first `kurang`, then `sedang`, the rest baik."""
    return ["kurang"] * kurang + ["sedang"] * sedang + ["baik"] * (N - kurang - sedang)


def counts(categories) -> dict[str, int]:
    c = Counter(categories)
    return {cat: c.get(cat, 0) for cat in CATS}


class FakeModel:
    """What each version predicts, set before each scoring: (term, based_on, categories)."""

    def __init__(self, students):
        self.students = students
        self.plans: dict[int, tuple] = {}

    def compute(self, scoring) -> list[dict]:
        term, based_on, categories = self.plans[scoring.model_version_id]
        p = {"kurang": (0.8, 0.15, 0.05), "sedang": (0.2, 0.6, 0.2), "baik": (0.05, 0.15, 0.8)}
        return [
            {
                "student_id": s.pk,
                "term_id": term.pk,
                "based_on_term_id": based_on.pk,
                "model_version_id": scoring.model_version_id,
                "category": cat,
                "p_kurang": p[cat][0],
                "p_sedang": p[cat][1],
                "p_baik": p[cat][2],
                "factors": [],
            }
            for s, cat in zip(self.students, categories, strict=True)
        ]


def _version(school, algorithm, tmp_path) -> ModelVersion:
    artifact = tmp_path / f"{algorithm}.bin"
    artifact.write_bytes(f"model {algorithm}".encode())
    version = ModelVersionFactory(
        school=school,
        algorithm=algorithm,
        is_active=False,
        artifact_path=str(artifact),
        artifact_sha256=file_sha256(str(artifact)),
    )
    return version


def _score(fake, version, *, purpose, auto_switch=False):
    version.refresh_from_db()
    run = services.scoring_run_start(
        school=version.school,
        version=version,
        purpose=purpose,
        auto_switch=auto_switch,
        queue=False,
    )
    return worker.scoring_run_execute(scoring_id=run.pk)


@pytest.fixture
def history(monkeypatch, tmp_path):
    """A school of 30 students in one class, and this history:

    1. v1 (rf) is trained and switches itself in: term 2025-2, 6/10/14.
    2. New data: v1 re-scores for 2026-1: 7/9/14. A teacher answers on a sedang student's
       prediction, and a counsellor opens an intervention from a kurang one (both rows are
       then rewritten in place by later scorings of v1).
    3. Operator previews v2 (gbdt): 20/5/5, and presses "Batal".
    4. Operator previews v3 (lr): 12/8/10, and confirms: v3 is active.
    5. Rollback: operator previews v1 again (new data since: 8/9/13) and confirms.
    6. Operator previews v4 (cnn): 25/3/2, and leaves it waiting for confirmation.
    The truth for 2026-1 is v1's 8/9/13; for 2025-2, v1's 6/10/14."""
    school = SchoolFactory(district="Jakarta Barat")
    walikelas = UserFactory(role=Role.WALIKELAS, school=school)
    klass = SchoolClassFactory(school=school, grade_level=11, homeroom_teacher=walikelas)
    students = [
        StudentFactory(school=school, school_class=klass, name=f"Murid {i:02d}") for i in range(N)
    ]
    users = {
        role: UserFactory(role=role, school=school)
        for role in (Role.GURU, Role.BK, Role.KEPSEK, Role.OPERATOR)
    }
    users[Role.WALIKELAS] = walikelas
    users[Role.SUDIN] = UserFactory(role=Role.SUDIN, school=None, district="Jakarta Barat")
    t1, t2 = TermFactory(year=2025, semester=2), TermFactory(year=2026, semester=1)
    base0, base1 = TermFactory(year=2025, semester=1), t1
    TeachingAssignmentFactory(teacher=users[Role.GURU], school_class=klass, term=t1)

    fake = FakeModel(students)
    monkeypatch.setattr(worker, "_compute", fake.compute)
    v1, v2, v3, v4 = (_version(school, a, tmp_path) for a in ("rf", "gbdt", "lr", "cnn"))

    fake.plans[v1.pk] = (t1, base0, plan(6, 10))
    _score(fake, v1, purpose=ScoringPurpose.SWITCH, auto_switch=True)

    fake.plans[v1.pk] = (t2, base1, plan(7, 9))
    _score(fake, v1, purpose=ScoringPurpose.REFRESH)
    answered = Prediction.objects.get(student=students[7], model_version=v1, term=t2)
    feedback.prediction_feedback_record(
        prediction=answered, user=users[Role.GURU], agrees=True, note="sesuai"
    )
    trigger = Prediction.objects.get(student=students[0], model_version=v1, term=t2)
    InterventionFactory(
        student=students[0],
        owner=users[Role.BK],
        triggered_by=trigger,
        status=Status.IN_PROGRESS,
    )

    fake.plans[v2.pk] = (t2, base1, plan(20, 5))
    preview = _score(fake, v2, purpose=ScoringPurpose.SWITCH)
    assert preview.status == ScoringStatus.READY
    services.scoring_run_cancel(scoring=preview, user=users[Role.OPERATOR])

    fake.plans[v3.pk] = (t2, base1, plan(12, 8))
    services.scoring_run_switch(
        scoring=_score(fake, v3, purpose=ScoringPurpose.SWITCH), user=users[Role.OPERATOR]
    )

    fake.plans[v1.pk] = (t2, base1, plan(8, 9))
    services.scoring_run_switch(
        scoring=_score(fake, v1, purpose=ScoringPurpose.SWITCH), user=users[Role.OPERATOR]
    )

    fake.plans[v4.pk] = (t2, base1, plan(25, 3))
    waiting = _score(fake, v4, purpose=ScoringPurpose.SWITCH)
    assert waiting.status == ScoringStatus.READY

    return {
        "school": school,
        "students": students,
        "users": users,
        "versions": (v1, v2, v3, v4),
        "terms": (t1, t2),
        "truth": counts(plan(8, 9)),
        "truth_t1": counts(plan(6, 10)),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _table_rows(html: str, testid: str) -> list[list[str]]:
    """The body rows of the table `data-testid=testid`, each as its cells' text."""
    table = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", " ", c).split("(")[0].strip() for c in cells])
    return rows


def _html_category_row(row: list[str]) -> dict[str, int]:
    """The last four cells are kurang, sedang, baik and Jumlah (a school cell may come
    first on the district report)."""
    values = [int(v) for v in row[-4:]]
    return dict(zip([*CATS, "n"], values, strict=True))


def _sum_rows(rows: list[dict]) -> dict[str, int]:
    return {c: sum(r[c] for r in rows) for c in [*CATS, "n"]}


def _pdf_chunks(content: bytes) -> list[str]:
    """The strings drawn on the PDF's pages, in order (fpdf2 streams, inflated)."""
    chunks = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        with contextlib.suppress(zlib.error):
            raw = zlib.decompressobj().decompress(raw)
        chunks.extend(re.findall(rb"\((.*?)\)\s*Tj", raw, re.S))
    return [c.decode("latin-1").replace("\\(", "(").replace("\\)", ")") for c in chunks]


def _pdf_table(chunks: list[str], title: str, next_title: str) -> list[str]:
    start = chunks.index(title)
    end = next(i for i in range(start + 1, len(chunks)) if chunks[i].startswith(next_title))
    return chunks[start + 1 : end]


def _pdf_counts(cells: list[str]) -> list[int]:
    """The counts of a drawn category table: "8 (26,7%)" -> 8; a bare number is a Jumlah."""
    return [int(m.group(1)) for c in cells if (m := re.fullmatch(r"(\d+)(?: \(.*\))?", c))]


def _xlsx_sheet(content: bytes, title: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[title[:31]]
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]


def _last_term_row(rows: list[tuple], offset: int) -> dict[str, int]:
    row = rows[-1]
    return dict(zip([*CATS, "n"], row[offset : offset + 4], strict=True))


def test_the_history_holds_what_the_test_means(history):
    """The scenario really contains the traps: previews whose rows exist, and v1 rows
    rewritten in place after v3's were written."""
    v1, v2, v3, v4 = history["versions"]
    t1, t2 = history["terms"]
    assert ModelVersion.objects.get(is_active=True) == v1
    current = Prediction.objects.current()
    assert counts(current.values_list("category", flat=True)) == history["truth"]
    assert set(current.values_list("term", flat=True)) == {t2.pk}
    assert Prediction.objects.filter(model_version=v2, term=t2).count() == N
    assert Prediction.objects.filter(model_version=v4, term=t2).count() == N
    students = history["students"]
    kept = Prediction.objects.get(student=students[7], model_version=v1, term=t2)
    newer = Prediction.objects.get(student=students[7], model_version=v3, term=t2)
    assert kept.is_current and kept.feedback.exists()
    assert kept.created_at < newer.created_at  # the newest row is not the current one


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK, Role.OPERATOR])
def test_every_home_page_counts_the_active_models_kurang(history, role):
    html = _client(history["users"][role]).get("/").content.decode()
    found = re.search(r"(\d+) siswa perlu perhatian seluruhnya", html)
    assert found, html
    assert int(found.group(1)) == history["truth"]["kurang"]


def test_the_sudin_home_shows_no_prediction_counts_to_disagree_with(history):
    """The sudin's home counts schools and students only; their category counts are the
    district report's (below)."""
    html = _client(history["users"][Role.SUDIN]).get("/").content.decode()
    assert "perlu perhatian" not in html.lower()


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK])
def test_the_risk_list_and_its_csv_and_xlsx_count_each_category_alike(history, role):
    client = _client(history["users"][role])
    for category, expected in history["truth"].items():
        html = client.get("/students/risk/", {"category": category}).content.decode()
        shown = re.search(r'data-testid="risk-count">(\d+) siswa', html)
        assert shown and int(shown.group(1)) == expected, category
        export = client.get("/students/risk/", {"category": category, "export": "csv"})
        body = b"".join(export.streaming_content).decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(body)))) - 1 == expected, category
        xlsx = client.get("/students/risk/", {"category": category, "export": "xlsx"})
        content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        assert sheet.max_row - 1 == expected, category


def test_the_school_report_page_pdf_and_xlsx_agree_with_the_current_predictions(history):
    truth = history["truth"] | {"n": N}
    client = _client(history["users"][Role.KEPSEK])
    html = client.get("/reports/school/").content.decode()
    by_grade = _sum_rows([_html_category_row(r) for r in _table_rows(html, "by-grade")])
    trend = [_html_category_row(r) for r in _table_rows(html, "trend")]
    assert by_grade == truth
    assert trend[-1] == truth  # the current term, not the cancelled preview's 20/5/5
    assert trend[0] == history["truth_t1"] | {"n": N}
    assert len(trend) == 2
    coverage = re.search(r"(\d+) dari (\d+) siswa yang perlu perhatian", html)
    assert coverage and int(coverage.group(2)) == truth["kurang"]

    chunks = _pdf_chunks(client.get("/reports/school/", {"export": "pdf"}).content)
    grade = _pdf_counts(
        _pdf_table(
            chunks, "Kategori prediksi per tingkat", "Kategori prediksi per kompetensi keahlian"
        )
    )
    trend_pdf = _pdf_counts(
        _pdf_table(chunks, "Tren prediksi per semester", "Hasil nyata per semester")
    )
    assert grade == [truth[c] for c in [*CATS, "n"]]
    # the kurang bars drawn per term, above the tables
    bars = _pdf_counts(_pdf_table(chunks, "Prediksi per semester", "Kategori prediksi per tingkat"))
    assert bars == [history["truth_t1"]["kurang"], truth["kurang"]]
    assert trend_pdf == [history["truth_t1"][c] for c in CATS] + [N] + [
        truth[c] for c in [*CATS, "n"]
    ]

    xlsx = client.get("/reports/school/", {"export": "xlsx"}).content
    assert _last_term_row(_xlsx_sheet(xlsx, "Tren prediksi per semester"), 1) == truth
    grade_rows = _xlsx_sheet(xlsx, "Kategori prediksi per tingkat")
    assert [_last_term_row(grade_rows, 1)] == [truth]


def test_the_district_report_page_pdf_and_xlsx_agree_with_the_current_predictions(history):
    truth = history["truth"] | {"n": N}
    client = _client(history["users"][Role.SUDIN])
    html = client.get("/reports/district/").content.decode()
    rows = html.split('data-testid="district-coverage"')[0]
    trend = re.search(r"Tren prediksi per semester.*?(<table.*?</table>)", rows, re.S).group(1)
    trend_rows = [_html_category_row(r) for r in _table_rows(trend, r"[^\"]*")]
    assert trend_rows[-1] == truth
    assert trend_rows[0] == history["truth_t1"] | {"n": N}

    chunks = _pdf_chunks(client.get("/reports/district/", {"export": "pdf"}).content)
    trend_pdf = _pdf_counts(
        _pdf_table(chunks, "Tren prediksi per semester", "Hasil nyata per semester")
    )
    assert trend_pdf[-4:] == [truth[c] for c in [*CATS, "n"]]

    xlsx = client.get("/reports/district/", {"export": "xlsx"}).content
    assert _last_term_row(_xlsx_sheet(xlsx, "Tren prediksi per semester"), 2) == truth


def test_effectiveness_and_caseload_count_the_same_kurang_students(history):
    kurang = history["truth"]["kurang"]
    bk = _client(history["users"][Role.BK])
    html = bk.get("/interventions/effectiveness/").content.decode()
    reviewed = re.search(r"Sudah ditinjau guru: (\d+) dari (\d+) siswa", html)
    assert reviewed and int(reviewed.group(2)) == kurang
    caseload = bk.get("/interventions/caseload/").content.decode()
    open_cases = Intervention.objects.filter(status=Status.IN_PROGRESS).count()
    assert open_cases == 1
    assert len(re.findall(r'data-testid="create-for-\d+"', caseload)) == kurang - open_cases


def test_the_api_list_and_detail_count_each_category_alike(history):
    client = _client(history["users"][Role.BK])
    for category, expected in history["truth"].items():
        listed = client.get("/api/v1/students/", {"category": category}).json()
        assert listed["count"] == expected, category
    details = Counter()
    for student in history["students"]:
        body = client.get(f"/api/v1/students/{student.pk}/").json()
        details[body["latest_category"]] += 1
    assert {c: details[c] for c in CATS} == history["truth"]


def test_no_preview_reaches_a_students_history(history):
    """The API's and the profile's prediction history hold no prediction of the cancelled
    or the waiting preview."""
    _v1, v2, _v3, v4 = history["versions"]
    client = _client(history["users"][Role.BK])
    student = history["students"][20]  # kurang in both previews, baik in every shown model
    api = client.get(f"/api/v1/students/{student.pk}/predictions/").json()
    versions = {row["model_version"]["id"] for row in api["results"]}
    assert versions and not versions & {v2.pk, v4.pk}
    assert {row["category"] for row in api["results"]} == {"baik"}
    profile = client.get(f"/students/{student.pk}/").content.decode()
    assert str(v2) not in profile and str(v4) not in profile


def test_the_history_selector_picks_the_current_prediction_for_the_current_term(history):
    """Per student and term, the history's prediction is the one readers see now (even where
    a newer row of another model exists), and a past term keeps what was shown then."""
    _v1, v2, _v3, v4 = history["versions"]
    t1, t2 = history["terms"]
    latest = published_predictions(
        students=Student.objects.filter(school=history["school"]), latest_per_term=True
    )
    current = set(Prediction.objects.current().values_list("id", flat=True))
    assert set(latest.filter(term=t2).values_list("id", flat=True)) == current
    assert counts(latest.filter(term=t1).values_list("category", flat=True)) == history["truth_t1"]
    shown = published_predictions(students=Student.objects.filter(school=history["school"]))
    assert not shown.filter(model_version__in=[v2, v4]).exists()


def test_batal_on_the_waiting_preview_cancels_it_and_changes_nothing(history):
    _v1, _v2, _v3, v4 = history["versions"]
    waiting = v4.scorings.get(status=ScoringStatus.READY)
    operator = _client(history["users"][Role.OPERATOR])
    page = operator.get(f"/predictions/scoring/{waiting.pk}/").content.decode()
    assert 'data-testid="cancel-switch"' in page
    response = operator.post(f"/predictions/scoring/{waiting.pk}/", {"action": "cancel"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ScoringStatus.CANCELLED
    assert ModelVersion.objects.get(is_active=True) == history["versions"][0]
    current = Prediction.objects.current().values_list("category", flat=True)
    assert counts(current) == history["truth"]
    # A cancelled preview cannot be confirmed afterwards.
    operator.post(f"/predictions/scoring/{waiting.pk}/")
    assert not ModelVersion.objects.get(pk=v4.pk).is_active
