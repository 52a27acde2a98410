import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from interventions.models import Intervention, InterventionSession, Programme
from predictions.models import Prediction
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.pages.privacy import pseudonyms, research, services
from students.models import ConsentStatus, GradeRecord, Role, StudentPrivacy
from students.selectors import is_excluded_from_scoring, students_excluded_from_scoring
from tests.api.conftest import build_school
from tests.students.factories import SchoolClassFactory, StudentFactory


@pytest.fixture
def one(db):
    return build_school("")


@pytest.fixture
def two(db):
    return build_school("_2")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_export_then_anonymise_round_trip_keeps_aggregates_and_drops_identity(one):
    student = one.student
    student.father_occupation = "Nelayan"
    student.save()
    operator = one.users[Role.OPERATOR]
    programme = Programme.objects.create(school=one.school, name="Konseling", tier=2)
    intervention = Intervention.objects.create(
        student=student,
        programme=programme,
        reason=f"{student.name} sering alpa",
        owner=one.users[Role.BK],
        start_date="2025-01-06",
    )
    InterventionSession.objects.create(
        intervention=intervention, date="2025-01-07", notes="catatan-XYZ-konseling"
    )
    InterventionSession.objects.create(  # child protection: not even its date is handed over
        intervention=intervention, date="2025-01-09", notes="rahasia", very_confidential=True
    )
    client = client_for(operator)
    # The copy holds predictions and interventions once the parent's request is recorded.
    recorded = client.post(
        f"/privacy/students/{student.pk}/request/",
        {"requester": "Ayah", "received_on": timezone.localdate(), "purpose": "Salinan data"},
    )
    assert recorded.status_code == 302

    before = client.get(f"/privacy/students/{student.pk}/export.json")
    assert before.status_code == 200
    data = json.loads(before.content)
    assert data["student"]["name"] == student.name and data["student"]["nisn"] == student.nisn
    assert data["student"]["father_occupation"] == "Nelayan"
    assert len(data["grades"]) == 1 and data["predictions"][0]["factors"]
    assert data["interventions"][0]["sessions"] == [{"date": "2025-01-07", "attended": True}]
    assert "2025-01-09" not in before.content.decode()
    assert (
        "catatan-XYZ-konseling" not in before.content.decode()
    )  # counselling note text stays with BK

    pdf = client.get(f"/privacy/students/{student.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = client.post(f"/privacy/students/{student.pk}/anonymise/", {"confirm_nisn": "9999999998"})
    assert (
        bad.status_code == 200
        and StudentPrivacy.objects.filter(anonymised_at__isnull=False).count() == 0
    )
    done = client.post(f"/privacy/students/{student.pk}/anonymise/", {"confirm_nisn": student.nisn})
    assert done.status_code == 302

    after = json.loads(client.get(f"/privacy/students/{student.pk}/export.json").content)
    s = after["student"]
    assert s["name"] == f"Siswa anonim #{student.pk}"
    assert s["nisn"] != student.nisn and len(s["nisn"]) == 10 and s["nisn"].isdigit()
    assert s["birth_date"] is None and s["father_occupation"] == "" and s["nis"] == ""
    assert student.name not in json.dumps(after, ensure_ascii=False)
    assert len(after["grades"]) == 1 and GradeRecord.objects.filter(student=student).count() == 1
    assert after["predictions"][0]["factors"] == data["predictions"][0]["factors"]
    assert after["interventions"][0]["reason"] == services.REDACTED
    assert set(InterventionSession.objects.values_list("notes", flat=True)) == {services.REDACTED}
    actions = set(
        AuditEvent.objects.filter(target_id=str(student.pk)).values_list("action", flat=True)
    )
    assert {"export.student.json", "export.student.pdf", "privacy.anonymise"} <= actions
    with pytest.raises(ValidationError):
        services.student_anonymise(actor=operator, student=student)


def test_anonymised_nisns_stay_unique_and_valid(one):
    operator = one.users[Role.OPERATOR]
    for student in one.students:
        services.student_anonymise(actor=operator, student=student)
    nisns = [s.nisn for s in type(one.student).objects.filter(school=one.school)]
    assert len(set(nisns)) == len(nisns)


def test_an_objecting_student_is_excluded_from_scoring_and_loses_stored_predictions(one):
    student = one.student
    assert students_excluded_from_scoring(school=one.school).count() == 0
    services.student_consent_record(
        actor=one.users[Role.KEPSEK],
        student=student,
        consent="given",
        objects_to_automated_decisions=True,
    )
    assert list(students_excluded_from_scoring(school=one.school)) == [student]
    assert not Prediction.objects.filter(student=student).exists()
    assert is_excluded_from_scoring(student)
    # Withdrawing the objection brings the student back into scoring.
    services.student_consent_record(
        actor=one.users[Role.KEPSEK],
        student=student,
        consent="given",
        objects_to_automated_decisions=False,
    )
    assert students_excluded_from_scoring(school=one.school).count() == 0


def test_exclusion_is_per_school(one, two):
    StudentPrivacy.objects.create(student=two.student, objects_to_automated_decisions=True)
    assert students_excluded_from_scoring(school=one.school).count() == 0


def test_consent_form_records_objection_and_audits(one):
    student = one.student
    response = client_for(one.users[Role.KEPSEK]).post(
        f"/privacy/students/{student.pk}/consent/",
        {"consent": "withdrawn", "objects_to_automated_decisions": "on", "note": "surat ortu"},
    )
    assert response.status_code == 302
    record = StudentPrivacy.objects.get(student=student)
    assert record.consent == "withdrawn" and record.objects_to_automated_decisions
    assert AuditEvent.objects.filter(action="privacy.consent", target_id=str(student.pk)).exists()


def test_operator_rectifies_a_name_and_the_audit_keeps_only_field_names(one):
    student = one.student
    response = client_for(one.users[Role.OPERATOR]).post(
        f"/privacy/students/{student.pk}/rectify/",
        {
            "name": "Nama Benar",
            "nisn": student.nisn,
            "nis": student.nis,
            "gender": "L",
            "birth_date": "2008-05-17",
            "kip_recipient": "on",
        },
    )
    assert response.status_code == 302, response.content
    student.refresh_from_db()
    assert student.name == "Nama Benar" and student.gender == "L" and student.kip_recipient
    event = AuditEvent.objects.get(action="privacy.rectify")
    assert set(event.detail["fields"]) == {"name", "gender", "kip_recipient"}
    assert "Nama Benar" not in json.dumps(event.detail)


def test_rectify_refuses_a_bad_nisn(one):
    with pytest.raises(ValidationError):
        services.student_rectify(
            actor=one.users[Role.OPERATOR], student=one.student, changes={"nisn": "12ab"}
        )


def test_kepsek_may_not_rectify(one):
    client = client_for(one.users[Role.KEPSEK])
    assert client.get(f"/privacy/students/{one.student.pk}/rectify/").status_code == 403


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK])
def test_other_roles_get_403_on_privacy_pages(one, role):
    client = client_for(one.users[role])
    assert client.get("/privacy/").status_code == 403
    assert client.get(f"/privacy/students/{one.student.pk}/export.json").status_code == 403


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.KEPSEK])
@pytest.mark.parametrize(
    "suffix", ["", "export.json", "export.pdf", "anonymise/", "consent/", "rectify/"]
)
def test_another_schools_student_answers_404_on_privacy_pages(one, two, role, suffix):
    client = client_for(two.users[role])
    url = f"/privacy/students/{one.student.pk}/{suffix}"
    response = client.post(url) if suffix == "consent/" else client.get(url)
    assert response.status_code == 404 if role == Role.OPERATOR or suffix != "rectify/" else 403


def test_research_export_is_pseudonymised_and_suppresses_small_cells(one, settings):
    settings.SMALL_CELL_THRESHOLD = 5
    # one.students (3) + outsider share major and grade level; add 4 more girls: 8 in a cell.
    extra = StudentFactory.create_batch(4, school=one.school, school_class=one.school_class)
    # The lone boy sits in another grade level: were he in the girls' class, its size minus
    # the 8 girls shown would count him, so the girls would be withheld too
    # (tests/smk_dashboard/pages/test_small_cells.py).
    other_level = SchoolClassFactory(
        school=one.school, major=one.school_class.major, grade_level=12
    )
    boy = StudentFactory(school=one.school, school_class=other_level, gender="L")
    for s in [*extra, boy]:
        GradeRecord.objects.create(
            student=s, subject=GradeRecord.objects.first().subject, term=one.term, score=70
        )
    response = client_for(one.users[Role.KEPSEK]).get("/privacy/research-export/")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")  # BOM so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(text)))
    # The lone boy is suppressed; so is a girl whose record (score band, days) fewer than 5
    # girls share (k-anonymity, tests/smk_dashboard/pages/test_research_linkage.py).
    assert 5 <= len(rows) <= 8 and {r["gender"] for r in rows} == {"P"}
    for s in [*one.students, boy]:
        assert s.name not in text and s.nisn not in text
    assert len({r["pseudonym"] for r in rows}) == len(rows)
    suppressed = AuditEvent.objects.get(action="export.research").detail["students_suppressed"]
    assert suppressed == 1 + 8 - len(rows)


def test_pseudonyms_depend_on_the_key(settings):
    settings.PSEUDONYM_KEY = "a" * 40
    first = pseudonyms.pseudonym("0012345678", purpose="research")
    settings.PSEUDONYM_KEY = "b" * 40
    assert pseudonyms.pseudonym("0012345678", purpose="research") != first


def test_research_export_leaves_out_students_whose_guardian_withdrew_consent(one, settings):
    settings.SMALL_CELL_THRESHOLD = 1
    before, _suppressed = research.research_export_rows(school=one.school)
    withdrawn = one.students[0]
    StudentPrivacy.objects.create(student=withdrawn, consent=ConsentStatus.WITHDRAWN)
    StudentPrivacy.objects.create(student=one.students[1], consent=ConsentStatus.GIVEN)
    after, _suppressed = research.research_export_rows(school=one.school)
    gone = pseudonyms.pseudonym(f"{one.school.npsn}:{withdrawn.nisn}", purpose="research")
    assert gone in {r["pseudonym"] for r in before}
    assert gone not in {r["pseudonym"] for r in after} and len(after) == len(before) - 1


def test_export_holds_points_contacts_letters_and_pkl_but_not_their_confidential_text(one):
    import datetime as dt

    from interventions.conduct.models import Behaviour
    from interventions.conduct.services import (
        point_catalogue_seed,
        point_entry_record,
        point_entry_void,
    )
    from interventions.contacts.services import letter_create, parent_contact_record
    from students.models import PklPlacement

    student, bk = one.student, one.users[Role.BK]
    point_catalogue_seed(school=one.school)
    late = Behaviour.objects.get(school=one.school, name="Terlambat")
    from django.utils import timezone

    day = timezone.localdate() - dt.timedelta(days=10)
    point_entry_record(user=bk, student=student, behaviour=late, date=day, description="07.45")
    voided, _todos = point_entry_record(user=bk, student=student, behaviour=late, date=day)
    point_entry_void(user=bk, entry=voided, reason="salah siswa")
    parent_contact_record(
        user=bk, student=student, date=day, channel="telepon", contact_person="Ibu Siti",
        summary="ringkasan-RAHASIA-123", follow_up="tindak-lanjut-RAHASIA-456",
    )  # fmt: skip
    letter = letter_create(
        user=bk, student=student, kind="panggilan", date=day, subject="Panggilan orang tua",
        body="isi-surat-RAHASIA-789",
    )  # fmt: skip
    PklPlacement.objects.create(
        student=student, term=one.term, company="PT Maju", mentor="Pak Joko",
        days_present=50, days_total=60, rating_attitude=80, rating_skills="77.5",
    )  # fmt: skip

    client = client_for(one.users[Role.OPERATOR])
    response = client.get(f"/privacy/students/{student.pk}/export.json")
    data = json.loads(response.content)
    text = response.content.decode()
    points = data["conduct_points"]
    assert [(p["behaviour"], p["points"], p["voided"]) for p in points] == [
        ("Terlambat", 5, False),
        ("Terlambat", 5, True),
    ]
    assert points[0]["description"] == "07.45" and points[1]["void_reason"] == "salah siswa"
    assert data["conduct_points_total"] == 5
    contacts = {(c["date"], c["channel"], c["contact_person"]) for c in data["parent_contacts"]}
    assert (day.isoformat(), "telepon", "Ibu Siti") in contacts
    assert data["letters"] == [
        {"kind": "panggilan", "number": letter.number, "date": day.isoformat(),
         "subject": "Panggilan orang tua"},
    ]  # fmt: skip
    assert data["pkl_placements"] == [
        {"term": one.term.code, "term_label": one.term.label, "company": "PT Maju",
         "mentor": "Pak Joko", "days_present": 50,
         "days_total": 60, "rating_attitude": 80.0, "rating_skills": 77.5},
    ]  # fmt: skip
    # Confidential like counselling notes: handed over by the guru BK, never in the file.
    for secret in ("ringkasan-RAHASIA-123", "tindak-lanjut-RAHASIA-456", "isi-surat-RAHASIA-789"):
        assert secret not in text
    assert "rahasia" in data["parent_contact_notes"]
    pdf = client.get(f"/privacy/students/{student.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from tests.smk_dashboard.pages.test_student_pack import pdf_text

    drawn = pdf_text(pdf.content)
    for shown in ("Terlambat", "Dibatalkan: salah siswa", "Ibu Siti", letter.number, "PT Maju"):
        assert shown in drawn
    assert "RAHASIA" not in drawn
