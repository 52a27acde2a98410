"""Issue 24, item 4: declining a referral takes a reason from a short list plus words for the
teacher, after a confirmation page; the teacher sees the reason and is notified, as they are
when bk accepts."""

import datetime as dt

import pytest
from django.test import Client

from interventions.models import BkReferral, BkReferralStatus
from interventions.referrals import services
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.core.notifications import Notification

pytestmark = pytest.mark.django_db

REASON = "Alpa tiga kali minggu ini, bilang bantu orang tua jualan."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def referral(student, walikelas):
    return BkReferral.objects.create(
        school=student.school, student=student, referred_by=walikelas, reason=REASON
    )


def test_the_decline_button_opens_a_confirmation_page_and_changes_nothing(bk, referral):
    page = client_for(bk).get(f"/interventions/referrals/{referral.pk}/decline/")
    assert page.status_code == 200
    body = page.content.decode()
    assert REASON in body and 'name="reason"' in body and 'data-testid="decline-confirm"' in body
    referral.refresh_from_db()
    assert referral.status == BkReferralStatus.OPEN


def test_declining_without_a_reason_is_refused_and_nothing_changes(bk, referral):
    response = client_for(bk).post(f"/interventions/referrals/{referral.pk}/decline/", {})
    assert response.status_code == 200
    assert "Pilih alasan mengapa rujukan tidak dilanjutkan." in response.content.decode()
    # "Alasan lain" needs the words for the teacher.
    response = client_for(bk).post(
        f"/interventions/referrals/{referral.pk}/decline/", {"reason": "other", "note": " "}
    )
    assert "Alasan lain: tuliskan keterangannya untuk guru." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == BkReferralStatus.OPEN and referral.decline_reason == ""
    assert not Notification.objects.exists()


def test_a_declined_referral_shows_the_teacher_its_reason_and_notifies_them(
    bk, walikelas, student, referral
):
    response = client_for(bk).post(
        f"/interventions/referrals/{referral.pk}/decline/",
        {"reason": "walikelas", "note": "Mohon bicara dulu dengan orang tua; kabari BK."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (BkReferralStatus.DECLINED, "walikelas")
    teacher = client_for(walikelas)
    profile = teacher.get(f"/students/{student.pk}/").content.decode()
    assert 'data-status="declined"' in profile
    assert "Ditangani dulu oleh wali kelas" in profile
    assert "Mohon bicara dulu dengan orang tua; kabari BK." in profile
    note = Notification.objects.get(user=walikelas)
    assert (
        note.text == f"Rujukan {student.name} tidak dilanjutkan BK: Ditangani dulu oleh wali kelas"
    )
    assert "Mohon bicara" not in note.text  # names and the reason, never bk's words
    assert 'data-testid="unread-count">1<' in teacher.get("/").content.decode()
    assert AuditEvent.objects.filter(action="referral.decline", detail__reason="walikelas").exists()


def test_accepting_a_referral_notifies_the_teacher(bk, walikelas, student, referral, programme):
    services.referral_accept(
        user=bk,
        referral=referral,
        programme=programme,
        reason="Dari rujukan wali kelas",
        start_date=dt.date.today(),
    )
    [note] = Notification.objects.filter(user=walikelas)
    assert note.kind == "referral" and "diterima BK" in note.text and student.name in note.text
    assert not Notification.objects.filter(user=bk).exists()


def test_closing_the_intervention_of_a_referral_notifies_the_teacher_without_the_note(
    bk, walikelas, student, referral, programme
):
    from interventions.cases import services as case_services

    intervention = services.referral_accept(
        user=bk, referral=referral, programme=programme, reason="Dari rujukan",
        start_date=dt.date.today(),
    )  # fmt: skip
    case_services.intervention_start(intervention=intervention, user=bk)
    case_services.intervention_close(
        intervention=intervention, user=bk, status="completed", outcome="improved",
        closing_note="Rahasia: keluarga pindah rumah",
    )  # fmt: skip
    texts = list(Notification.objects.filter(user=walikelas).values_list("text", flat=True))
    assert any("ditutup: Selesai" in t and student.name in t for t in texts), texts
    assert not any("Rahasia" in t for t in texts)
