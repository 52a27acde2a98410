"""Issue 24, item 6: the pack lists the student's open to-dos and case-conference decisions
(owner with role, due date, status) in a compact block, on the one page; a decision's words
only for those who may read them, never the counselling notes."""

import datetime as dt

import pytest
from django.utils import timezone

from interventions.cases import session_services
from interventions.models import Status
from tests.interventions.factories import InterventionFactory
from tests.smk_dashboard.pages.test_student_pack import (  # noqa: F401 (fixtures)
    bk,
    client_for,
    guru,
    kepsek,
    page_count,
    pdf_text,
    rich_student,
    student,
    walikelas,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SECRET = "Ayah kehilangan pekerjaan"


@pytest.fixture
def decisions(rich_student, bk, guru, walikelas):  # noqa: F811
    intervention = InterventionFactory(
        student=rich_student, owner=bk, status=Status.IN_PROGRESS, start_date=TODAY
    )
    session_services.session_record(
        intervention=intervention,
        user=bk,
        date=TODAY,
        kind="case_conference",
        attendees="BK, guru, wali kelas",
        notes=SECRET,
        decisions=[
            {"decision": "Remedial matematika", "owner": guru,
             "due_date": TODAY + dt.timedelta(days=7)},
            {"decision": "Telepon ibu", "owner": walikelas,
             "due_date": TODAY + dt.timedelta(days=3)},
        ],
    )  # fmt: skip
    return rich_student


def test_bk_prints_both_decisions_with_owner_role_date_and_status(decisions, bk, guru):  # noqa: F811
    response = client_for(bk).get(f"/students/{decisions.pk}/summary.pdf")
    assert response.status_code == 200 and page_count(response.content) == 1
    text = pdf_text(response.content)
    assert "Tugas dan keputusan konferensi kasus" in text
    due = (TODAY + dt.timedelta(days=7)).strftime("%d-%m-%Y")
    guru_name = guru.get_full_name() or guru.username
    assert f"{due}  Remedial matematika - {guru_name} (Guru mata pelajaran), belum selesai" in text
    assert "Telepon ibu" in text and SECRET not in text


def test_the_walikelas_reads_their_own_decision_but_only_the_kind_of_the_gurus(
    decisions,
    walikelas,  # noqa: F811
):
    text = pdf_text(client_for(walikelas).get(f"/students/{decisions.pk}/summary.pdf").content)
    assert "Telepon ibu" in text
    assert "Remedial matematika" not in text and "Keputusan konferensi kasus" in text
    assert SECRET not in text
