"""Referrals to bk (issue 14): a teacher refers a student with a short reason, bk sees it in
the caseload and on the home page, accepts it into an intervention, the teacher sees the
status on the profile."""

import datetime as dt

import pytest
from django.test import Client

from interventions.models import BkReferral, BkReferralStatus, Intervention
from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REASON = "Alpa tiga kali minggu ini, bilang bantu orang tua jualan."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def teaching_guru(guru, school_class):
    TeachingAssignmentFactory(teacher=guru, school_class=school_class)
    return guru


def refer_url(student) -> str:
    return f"/interventions/referrals/students/{student.pk}/new/"


def test_a_teacher_refers_bk_accepts_and_the_teacher_sees_the_status(
    teaching_guru, bk, student, programme
):
    guru = teaching_guru
    teacher = client_for(guru)
    form = teacher.get(refer_url(student))
    assert form.status_code == 200
    assert 'data-testid="referral-form"' in form.content.decode()
    response = teacher.post(refer_url(student), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == f"/students/{student.pk}/"
    referral = BkReferral.objects.get()
    assert (referral.student, referral.referred_by, referral.reason, referral.status) == (
        student,
        guru,
        REASON,
        BkReferralStatus.OPEN,
    )
    assert AuditEvent.objects.filter(action="referral.create", user=guru).exists()
    profile = teacher.get(f"/students/{student.pk}/").content.decode()
    assert 'data-status="open"' in profile and "Menunggu BK" in profile

    counsellor = client_for(bk)
    for page in ("/", "/interventions/caseload/"):
        body = counsellor.get(page).content.decode()
        assert 'data-testid="open-referral"' in body, page
        assert REASON in body and student.name in body
    bk_profile = counsellor.get(f"/students/{student.pk}/").content.decode()
    assert 'data-testid="profile-accept-referral"' in bk_profile
    assert 'data-testid="profile-accept-referral"' not in profile  # not for the teacher
    accept = f"/interventions/new/?student={student.pk}&referral={referral.pk}"
    prefilled = counsellor.get(accept).content.decode()
    assert 'data-testid="from-referral"' in prefilled
    assert REASON in prefilled  # the reason field starts from the teacher's words
    response = counsellor.post(
        f"/interventions/new/?referral={referral.pk}",
        {
            "student": student.pk,
            "referral": referral.pk,
            "programme": programme.pk,
            "reason": f"Rujukan guru: {REASON}",
            "goal": "Hadir setiap hari",
            "owner": bk.pk,
            "start_date": dt.date.today().isoformat(),
            "follow_up_days": 14,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    intervention = Intervention.objects.get()
    referral.refresh_from_db()
    assert (referral.status, referral.intervention, referral.handled_by) == (
        BkReferralStatus.ACCEPTED,
        intervention,
        bk,
    )
    assert intervention.student == student
    assert AuditEvent.objects.filter(action="referral.accept", user=bk).exists()
    # gone from bk's to-do; the teacher sees it accepted
    assert 'data-testid="open-referral"' not in counsellor.get("/").content.decode()
    profile = teacher.get(f"/students/{student.pk}/").content.decode()
    assert 'data-status="accepted"' in profile and "Diterima BK" in profile
    # an accepted referral cannot be accepted again
    assert counsellor.get(accept).status_code == 404


def test_a_failed_accept_leaves_the_referral_open_and_no_intervention(bk, student, walikelas):
    referral = BkReferral.objects.create(
        school=student.school, student=student, referred_by=walikelas, reason=REASON
    )
    response = client_for(bk).post(
        f"/interventions/new/?referral={referral.pk}",
        {"student": student.pk, "referral": referral.pk, "reason": "x", "owner": bk.pk},
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == BkReferralStatus.OPEN
    assert not Intervention.objects.exists()


def test_an_empty_reason_is_refused_with_a_message(walikelas, student):
    response = client_for(walikelas).post(refer_url(student), {"reason": "   "})
    assert response.status_code == 200
    assert "Tuliskan alasan singkat rujukan." in response.content.decode()
    assert not BkReferral.objects.exists()


def test_a_second_open_referral_by_the_same_teacher_is_refused(walikelas, student):
    client = client_for(walikelas)
    client.post(refer_url(student), {"reason": REASON})
    response = client.post(refer_url(student), {"reason": "lagi"})
    assert "masih menunggu BK" in response.content.decode()
    assert BkReferral.objects.count() == 1


def test_referring_a_student_of_another_class_or_school_answers_404(
    teaching_guru, walikelas, bk, school, student
):
    other_class = StudentFactory(school=school, school_class=SchoolClassFactory(school=school))
    elsewhere = StudentFactory(school=SchoolFactory())
    for teacher in (teaching_guru, walikelas):
        client = client_for(teacher)
        for target in (other_class, elsewhere):
            assert client.get(refer_url(target)).status_code == 404
            assert client.post(refer_url(target), {"reason": REASON}).status_code == 404
    assert not BkReferral.objects.exists()
    # bk of another school cannot accept or decline this school's referral
    referral = BkReferral.objects.create(
        school=school, student=student, referred_by=walikelas, reason=REASON
    )
    outsider = client_for(UserFactory(role=Role.BK, school=elsewhere.school, username="bkx"))
    assert outsider.get(f"/interventions/new/?referral={referral.pk}").status_code == 404
    assert outsider.post(f"/interventions/referrals/{referral.pk}/decline/").status_code == 404
    assert REASON not in outsider.get("/interventions/caseload/").content.decode()
    referral.refresh_from_db()
    assert referral.status == BkReferralStatus.OPEN


def test_a_referral_reason_is_stored_encrypted(walikelas, student):
    client_for(walikelas).post(refer_url(student), {"reason": REASON})
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM interventions_bkreferral")
        (stored,) = cursor.fetchone()
    assert REASON not in stored
    assert BkReferral.objects.get().reason == REASON


def test_another_teacher_does_not_see_someone_elses_referral(teaching_guru, walikelas, student):
    BkReferral.objects.create(
        school=student.school, student=student, referred_by=walikelas, reason=REASON
    )
    body = client_for(teaching_guru).get(f"/students/{student.pk}/").content.decode()
    assert REASON not in body
    assert 'data-testid="refer-to-bk"' in body
