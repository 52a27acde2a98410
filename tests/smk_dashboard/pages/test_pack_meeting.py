"""The pack for a parent meeting (issue 24, item 8): the open referral's reason for those who
may read it, the contacts with the parents and the letters sent (dates and kinds, never a
summary), the term each figure is from, and still one page."""

import datetime as dt

import pytest

from interventions.contacts import services as contact_services
from interventions.referrals import services as referral_services
from smk_dashboard.pages.pack.meeting import with_meeting_items
from smk_dashboard.pages.pack.pdf import student_pack_pdf
from smk_dashboard.pages.pack.selectors import student_pack
from students.models import Role
from tests.predictions.factories import PredictionFactory
from tests.smk_dashboard.pages.test_student_pack import (  # noqa: F401 (fixtures)
    bk,
    client_for,
    kepsek,
    page_count,
    pdf_text,
    student,
    walikelas,
)
from tests.students.factories import TeachingAssignmentFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
REASON = "Sering melamun dan tidak mengerjakan tugas praktik"
SUMMARY = "Ibu bercerita tentang masalah keluarga"
DAY = dt.date(2026, 11, 3)


@pytest.fixture
def meeting_student(school, student, bk, walikelas):  # noqa: F811
    guru = UserFactory(role=Role.GURU, school=school, first_name="Rina", last_name="Guru")
    TeachingAssignmentFactory(teacher=guru, school_class=student.school_class)
    referral_services.referral_create(user=guru, student=student, reason=REASON)
    contact_services.parent_contact_record(
        user=bk,
        student=student,
        date=DAY,
        channel="telepon",
        contact_person="Ibu Sari",
        summary=SUMMARY,
        follow_up="Datang ke sekolah",
        follow_up_date=DAY + dt.timedelta(days=7),
    )
    contact_services.letter_create(
        user=walikelas,
        student=student,
        kind="panggilan",
        date=DAY + dt.timedelta(days=1),
        subject="Panggilan orang tua",
        body="Mohon hadir.",
    )
    # Predicted for Genap 2025/2026 from the data of Ganjil 2025/2026 (a past term).
    PredictionFactory(
        student=student,
        category="kurang",
        term=TermFactory(year=2025, semester=2),
        based_on_term=TermFactory(year=2025, semester=1),
    )
    return student


def _pack_text(user, student) -> str:  # noqa: F811
    response = client_for(user).get(f"/students/{student.pk}/summary.pdf")
    assert response.status_code == 200
    assert page_count(response.content) == 1
    return pdf_text(response.content)


@pytest.mark.parametrize("role", ["bk", "walikelas"])
def test_bk_and_the_walikelas_see_the_referral_reason_contacts_and_letters(
    role,
    meeting_student,
    bk,  # noqa: F811
    walikelas,  # noqa: F811
):
    text = _pack_text({"bk": bk, "walikelas": walikelas}[role], meeting_student)
    assert "Rujukan ke BK" in text and REASON in text and "Rina Guru" in text
    assert "3 November 2026 - Telepon dengan Ibu Sari" in text
    assert "tindak lanjut 10 November 2026" in text
    assert "4 November 2026 - Surat panggilan orang tua, nomor" in text
    # never the confidential content, not even for bk
    assert SUMMARY not in text and "Datang ke sekolah" not in text and "Mohon hadir" not in text


def test_the_kepsek_sees_that_a_referral_waits_but_not_its_reason(meeting_student, kepsek):  # noqa: F811
    text = _pack_text(kepsek, meeting_student)
    assert "Rujukan ke BK" in text and REASON not in text
    assert "Alasannya hanya dapat dibaca BK, wali kelas dan perujuk" in text
    assert "Telepon dengan Ibu Sari" in text and SUMMARY not in text


def test_a_reason_about_last_term_names_that_term(meeting_student, bk):  # noqa: F811
    text = _pack_text(bk, meeting_student)
    assert "semester ini" not in text
    assert "Alpa 6 hari pada semester Ganjil 2025/2026" in text


def test_many_contacts_and_letters_still_fit_one_page(meeting_student, bk):  # noqa: F811
    for k in range(12):
        contact_services.parent_contact_record(
            user=bk,
            student=meeting_student,
            date=DAY - dt.timedelta(days=k + 1),
            channel="whatsapp",
            contact_person="Bapak " + "x" * 100,
        )
    data = with_meeting_items(
        student_pack(student=meeting_student), user=bk, student=meeting_student
    )
    content = student_pack_pdf(data, compress=False)
    assert page_count(content) == 1
    assert "Kontak dengan orang tua" in pdf_text(content)
