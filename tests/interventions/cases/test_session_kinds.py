"""Home visits, case conferences, referrals out and the "sangat rahasia" tier."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from interventions.actions.models import ActionItem
from interventions.cases import session_services
from interventions.models import CaseDecision, InterventionSession, Status
from smk_dashboard.core.models import AuditEvent
from tests.interventions.factories import InterventionFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SECRET = "Siswa menceritakan kekerasan di rumah."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def intervention(bk, student, programme, walikelas):
    intervention = InterventionFactory(
        student=student,
        programme=programme,
        owner=bk,
        status=Status.IN_PROGRESS,
        start_date=TODAY - dt.timedelta(days=10),
    )
    intervention.participants.add(walikelas)
    return intervention


@pytest.fixture
def secret_session(intervention, bk):
    return session_services.session_record(
        intervention=intervention,
        user=bk,
        date=TODAY,
        kind="home_visit",
        notes=SECRET,
        visit_address="Jl. Mawar 3, RT 01",
        attendees="Ibu, nenek",
        findings="Rumah sepi",
        very_confidential=True,
    )


def test_a_home_visit_stores_the_address_encrypted(secret_session):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT visit_address, findings FROM interventions_interventionsession WHERE id = %s",
            [secret_session.pk],
        )
        address, findings = cursor.fetchone()
    assert "Mawar" not in address and "sepi" not in findings
    assert InterventionSession.objects.get(pk=secret_session.pk).visit_address.startswith("Jl.")


def test_the_kepsek_reads_a_sangat_rahasia_session_and_the_read_is_audited(
    intervention, secret_session, kepsek
):
    page = client_for(kepsek).get(f"/interventions/{intervention.pk}/").content.decode()
    assert SECRET in page and "Jl. Mawar 3" in page
    event = AuditEvent.objects.get(action="note.read_sangat_rahasia")
    assert event.user == kepsek and event.detail["sessions"] == [secret_session.pk]


def test_the_owner_reads_it_and_every_read_is_audited(intervention, secret_session, bk):
    client = client_for(bk)
    for _ in range(2):
        assert SECRET in client.get(f"/interventions/{intervention.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="note.read_sangat_rahasia", user=bk).count() == 2


def test_another_bk_and_the_walikelas_see_it_listed_without_content(
    intervention, secret_session, other_bk, walikelas
):
    for user in (other_bk, walikelas):
        page = client_for(user).get(f"/interventions/{intervention.pk}/").content.decode()
        assert 'data-testid="very-confidential"' in page, user.role
        assert 'data-testid="content-withheld"' in page
        assert SECRET not in page and "Mawar" not in page and "Rumah sepi" not in page
    assert not AuditEvent.objects.filter(action="note.read_sangat_rahasia").exists()


def test_another_bk_cannot_open_it_for_editing_or_through_the_api(
    intervention, secret_session, other_bk
):
    client = client_for(other_bk)
    url = f"/interventions/{intervention.pk}/sessions/{secret_session.pk}/"
    assert client.get(url).status_code == 403
    api = client.get(f"/api/v1/interventions/{intervention.pk}/sessions/{secret_session.pk}/")
    assert api.status_code == 403
    listing = client.get(f"/api/v1/interventions/{intervention.pk}/sessions/").json()
    assert [(r["notes"], r["kind"], r["very_confidential"]) for r in listing] == [
        (None, "home_visit", True)
    ]


def test_only_the_owner_may_write_a_sangat_rahasia_session(intervention, other_bk):
    with pytest.raises(ValidationError, match="sangat rahasia"):
        session_services.session_record(
            intervention=intervention, user=other_bk, date=TODAY, very_confidential=True
        )
    assert not InterventionSession.objects.exists()
    form = client_for(other_bk).get(f"/interventions/{intervention.pk}/sessions/new/")
    assert 'name="very_confidential"' not in form.content.decode()


# A due date within the year ahead (issue 25: dates within sensible bounds).
LATER = TODAY + dt.timedelta(days=300)


def decision_rows(*rows) -> dict:
    """The decisions formset of the case-conference form, as a browser posts it."""
    data = {"decisions-TOTAL_FORMS": str(len(rows)), "decisions-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        data.update({f"decisions-{n}-{key}": value for key, value in row.items()})
    return data


def test_a_case_conference_records_decisions_with_responsible_and_due_date(
    intervention, bk, walikelas
):
    response = client_for(bk).post(
        f"/interventions/{intervention.pk}/sessions/new/",
        {
            "kind": "case_conference",
            "date": TODAY.isoformat(),
            "attended": "on",
            "attendees": "BK, wali kelas, orang tua, kepala sekolah",
            **decision_rows(
                {"decision": "Jadwal belajar di rumah", "other": "Orang tua",
                 "due_date": LATER.isoformat()},
                {"decision": "Pantau presensi harian", "owner": str(walikelas.pk),
                 "due_date": TODAY.isoformat()},
                {"decision": "", "owner": "", "due_date": ""},
            ),
        },
    )  # fmt: skip
    assert response.status_code == 302
    decisions = list(CaseDecision.objects.order_by("due_date"))
    wali_name = walikelas.get_full_name() or walikelas.username
    assert [(d.responsible, d.owner, d.due_date) for d in decisions] == [
        (wali_name, walikelas, TODAY),
        ("Orang tua", None, LATER),
    ]
    # The staff member's decision is their to-do; the parent's stays as text.
    assert [(a.owner, a.text, a.decision) for a in ActionItem.objects.all()] == [
        (walikelas, "Pantau presensi harian", decisions[0])
    ]
    page = client_for(bk).get(f"/interventions/{intervention.pk}/").content.decode()
    assert "Jadwal belajar di rumah" in page


def test_a_decision_without_a_date_is_reported_and_nothing_is_stored(intervention, bk, guru):
    response = client_for(bk).post(
        f"/interventions/{intervention.pk}/sessions/new/",
        {
            "kind": "case_conference",
            "date": TODAY.isoformat(),
            "attendees": "BK",
            **decision_rows({"decision": "Hanya keputusan tanpa tanggal",
                             "owner": str(guru.pk), "due_date": ""}),
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "perlu isi, penanggung jawab dan batas waktu" in response.content.decode()
    assert not InterventionSession.objects.exists()


def test_a_referral_out_starts_sent_and_its_status_and_outcome_are_updated(intervention, bk):
    session = session_services.session_record(
        intervention=intervention,
        user=bk,
        date=TODAY,
        kind="referral",
        referral_to="Puskesmas Kecamatan",
        referral_reason="Keluhan sulit tidur berkepanjangan",
    )
    assert session.referral_status == "sent"
    response = client_for(bk).post(
        f"/interventions/{intervention.pk}/sessions/{session.pk}/referral/",
        {"status": "completed", "outcome": "Konseling psikolog 4 kali"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.referral_status == "completed"
    assert session.referral_outcome == "Konseling psikolog 4 kali"


def test_a_referral_without_a_destination_is_rejected(intervention, bk):
    with pytest.raises(ValidationError, match="dirujuk ke mana"):
        session_services.session_record(
            intervention=intervention, user=bk, date=TODAY, kind="referral"
        )
