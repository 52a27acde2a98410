"""Parent contact log, letters from per-school templates, and the threshold-to-letter flow."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from interventions.conduct import services as conduct_services
from interventions.conduct.models import Behaviour, LetterKind
from interventions.contacts import services as contact_services
from interventions.contacts.letters import date_id, letter_number
from interventions.contacts.models import ContactChannel, Letter, ParentContact
from smk_dashboard.core.models import AuditEvent
from students.models import ConsentStatus, Role, StudentPrivacy
from tests.students.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_date_is_written_in_indonesian_and_the_number_has_a_roman_month():
    assert date_id(dt.date(2026, 12, 1)) == "1 Desember 2026"
    assert letter_number(sequence=7, npsn="20100001", day=dt.date(2026, 8, 3)) == (
        "007/BK/20100001/VIII/2026"
    )


def test_threshold_to_letter_flow_numbers_the_letter_and_logs_a_contact(
    school, bk, walikelas, student
):
    """A walikelas records a violation, the threshold is crossed, bk opens the to-do's
    letter (drafted from the school's template), saves it and prints the PDF."""
    conduct_services.point_catalogue_seed(school=school)
    fight = Behaviour.objects.get(school=school, name="Berkelahi")
    wali = client_for(walikelas)
    wali.post(
        f"/interventions/points/students/{student.pk}/new/",
        {"behaviour": fight.pk, "date": TODAY.isoformat()},
    )
    bk_client = client_for(bk)
    home = bk_client.get("/").content.decode()
    assert 'data-testid="todo-letter"' in home
    todo = student.point_todos.get()
    form = bk_client.get(f"/interventions/letters/students/{student.pk}/new/?todo={todo.pk}")
    draft = form.content.decode()
    assert "Panggilan orang tua/wali siswa" in draft and student.name in draft
    assert "{nama}" not in draft
    response = bk_client.post(
        f"/interventions/letters/students/{student.pk}/new/",
        {
            "todo": todo.pk,
            "kind": LetterKind.SUMMONS,
            "date": TODAY.isoformat(),
            "subject": "Panggilan orang tua/wali siswa",
            "body": f"Mohon hadir, {student.name}.",
        },
    )
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.todo == todo and letter.number.startswith(f"001/BK/{school.npsn}/")
    contact = ParentContact.objects.get()
    assert contact.channel == ContactChannel.LETTER and contact.letter == letter
    pdf = bk_client.get(f"/interventions/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    profile = bk_client.get(f"/students/{student.pk}/").content.decode()
    assert letter.number in profile
    assert AuditEvent.objects.filter(action="letter.create", user=bk).exists()


def test_letter_numbers_run_per_school_and_year(school, bk, student):
    day = dt.date(TODAY.year, 1, 5) if TODAY.month > 1 else TODAY
    made = [
        contact_services.letter_create(
            user=bk, student=student, kind="panggilan", date=day, subject="s", body="b"
        )
        for _ in range(3)
    ]
    assert [m.sequence for m in made] == [1, 2, 3]


def test_a_template_with_an_unknown_placeholder_is_rejected(bk):
    with pytest.raises(ValidationError, match="alamat"):
        contact_services.letter_template_save(
            user=bk,
            kind="pemberitahuan",
            letterhead="SMK X",
            subject="Hal",
            body="Kepada {nama} di {alamat}",
            signer_title="Kepala Sekolah",
        )


def test_the_edited_template_is_used_for_the_next_draft(bk, student):
    contact_services.letter_template_save(
        user=bk,
        kind="rujukan",
        letterhead="SMK NEGERI CONTOH\nJl. Contoh 1",
        subject="Rujukan untuk {nama}",
        body="Siswa {nama} kelas {kelas} kami rujuk.",
        signer_title="Kepala Sekolah",
        signer_name="Drs. Contoh",
    )
    draft = contact_services.letter_draft(student=student, kind="rujukan", day=TODAY)
    assert draft["subject"] == f"Rujukan untuk {student.name}"
    assert student.school_class.name in draft["body"]


def test_the_contact_summary_is_encrypted_and_only_bk_and_the_recorder_read_it(
    bk, walikelas, kepsek, student
):
    contact_services.parent_contact_record(
        user=walikelas,
        student=student,
        date=TODAY,
        channel="whatsapp",
        contact_person="Ibu Sari",
        summary="Ayah sedang sakit keras",
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM interventions_parentcontact")
        (stored,) = cursor.fetchone()
    assert "sakit" not in stored
    for user, sees in ((bk, True), (walikelas, True), (kepsek, False)):
        page = client_for(user).get(f"/students/{student.pk}/").content.decode()
        assert ("Ayah sedang sakit keras" in page) is sees, user.role
        assert 'data-testid="parent-contact"' in page
    assert AuditEvent.objects.filter(action="contact.read", user=bk).exists()


def test_guru_sees_no_contact_log_on_the_profile(school, student, guru):
    from tests.students.factories import TeachingAssignmentFactory

    TeachingAssignmentFactory(teacher=guru, school_class=student.school_class)
    page = client_for(guru).get(f"/students/{student.pk}/").content.decode()
    assert 'data-testid="parent-contacts"' not in page and 'data-testid="log-contact"' not in page


def test_another_walikelas_cannot_log_a_contact_or_read_a_letter(school, bk, student):
    letter = contact_services.letter_create(
        user=bk, student=student, kind="panggilan", date=TODAY, subject="s", body="b"
    )
    other = UserFactory(role=Role.WALIKELAS, school=school)
    client = client_for(other)
    assert client.get(f"/interventions/contacts/students/{student.pk}/new/").status_code == 404
    assert client.get(f"/interventions/letters/{letter.pk}.pdf").status_code == 404
    with pytest.raises(ValidationError):
        contact_services.parent_contact_record(
            user=other, student=student, date=TODAY, channel="telepon", contact_person="x"
        )


def test_a_contact_in_the_future_is_rejected_and_nothing_is_stored(walikelas, student):
    response = client_for(walikelas).post(
        f"/interventions/contacts/students/{student.pk}/new/",
        {
            "date": (TODAY + dt.timedelta(days=2)).isoformat(),
            "channel": "telepon",
            "contact_person": "Bapak Joko",
        },
    )
    assert response.status_code == 200 and "masa depan" in response.content.decode()
    assert not ParentContact.objects.exists()


def test_the_profile_shows_the_guardian_consent(bk, student):
    StudentPrivacy.objects.create(student=student, consent=ConsentStatus.GIVEN)
    page = client_for(bk).get(f"/students/{student.pk}/").content.decode()
    assert 'data-testid="guardian-consent"' in page and "Diberikan" in page


def test_another_school_bk_gets_404_for_the_letter(other_school, bk, student):
    letter = contact_services.letter_create(
        user=bk, student=student, kind="panggilan", date=TODAY, subject="s", body="b"
    )
    stranger = UserFactory(role=Role.BK, school=other_school)
    assert client_for(stranger).get(f"/interventions/letters/{letter.pk}.pdf").status_code == 404


def test_anonymising_a_student_redacts_contacts_letters_and_session_details(bk, kepsek, student):
    from interventions.cases.session_services import session_record
    from interventions.models import InterventionSession
    from smk_dashboard.pages.privacy.services import REDACTED, student_anonymise
    from tests.interventions.factories import InterventionFactory

    contact_services.parent_contact_record(
        user=bk, student=student, date=TODAY, channel="telepon", contact_person="Ibu Sari",
        summary="Ayah sakit",
    )  # fmt: skip
    contact_services.letter_create(
        user=bk, student=student, kind="panggilan", date=TODAY, subject="s", body="Isi surat"
    )
    intervention = InterventionFactory(student=student, owner=bk, start_date=TODAY)
    session_record(
        intervention=intervention, user=bk, date=TODAY, kind="home_visit",
        visit_address="Jl. Mawar 3", findings="Rumah sepi",
    )  # fmt: skip
    student_anonymise(actor=kepsek, student=student)
    summaries = {c.summary for c in ParentContact.objects.all()}
    assert summaries == {REDACTED}
    assert {c.contact_person for c in ParentContact.objects.all()} == {REDACTED}
    assert Letter.objects.get().body == REDACTED
    session = InterventionSession.objects.get(kind="home_visit")
    assert session.visit_address == REDACTED and session.findings == REDACTED
