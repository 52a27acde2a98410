"""Issue 25's findings on need-to-know, one test each: the pack PDF (2), the prefilled reason
of a new intervention (5), parent-contact follow-ups (7) and the counselling group of a
walikelas who also teaches another class (15)."""

import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from interventions.models import Intervention, Outcome, Programme, Status
from tests.interventions.factories import InterventionFactory
from tests.students.factories import TeachingAssignmentFactory

from .outputs import as_text
from .world import NOTES, OTHER_CLASS, SOCIO, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(school):
    return build_world(school)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_finding_2_the_pack_prints_no_socio_economic_reason_for_the_walikelas(world):
    response = client_for(world.users["walikelas"]).get(f"/students/{world.student.pk}/summary.pdf")
    text = as_text(response)
    assert response.status_code == 200 and "Sari Rahasia" in text
    assert [v for v in SOCIO if v in text] == []
    assert "Faktor di luar sekolah" in text  # what the page and the API show


def test_finding_5_a_prefilled_reason_saved_by_bk_holds_nothing_the_walikelas_may_not_read(
    world,
):
    bk, walikelas = world.users["bk"], world.users["walikelas"]
    Programme.objects.get_or_create(school=world.school, name="Bimbingan belajar", tier=1)
    url = f"/interventions/new/?student={world.student.pk}&prediction={world.ids['prediction']}"
    page = client_for(bk).get(url).content.decode()
    prefilled = unescape(re.search(r'<textarea name="reason"[^>]*>(.*?)</textarea>', page, re.S)[1])
    assert "Faktor di luar sekolah" in prefilled
    assert [v for v in SOCIO if v in prefilled] == []
    programme = Programme.objects.filter(school=world.school).first()
    response = client_for(bk).post(
        url,
        {
            "student": world.student.pk,
            "prediction": world.ids["prediction"],
            "programme": programme.pk,
            "reason": prefilled.strip(),
            "goal": "",
            "owner": bk.pk,
            "start_date": timezone.localdate().isoformat(),
            "follow_up_days": 14,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Intervention.objects.exclude(pk=world.ids["intervention"]).get(student=world.student)
    text = as_text(client_for(walikelas).get(f"/interventions/{created.pk}/"))
    assert "Faktor di luar sekolah" in text
    assert [v for v in SOCIO if v in text] == []


def test_finding_7_a_contact_follow_up_is_as_confidential_as_its_summary(world):
    path = f"/students/{world.student.pk}/"
    for name in ("walikelas", "kepsek"):
        text = as_text(client_for(world.users[name]).get(path))
        assert "Ibu kandung" in text, name  # the contact is listed
        assert [v for v in NOTES if v in text] == [], name
    bk_text = as_text(client_for(world.users["bk"]).get(path))
    assert NOTES[1] in bk_text and NOTES[2] in bk_text  # the bk who recorded it reads both


def test_finding_15_a_walikelas_reads_counselling_of_the_homeroom_class_only(world):
    walikelas = client_for(world.users["walikelas"])
    other = world.other
    assert walikelas.get(f"/students/{other.pk}/").status_code == 200  # still taught
    assert walikelas.get(f"/interventions/{world.ids['other_intervention']}/").status_code == 404
    for path in (
        f"/students/{other.pk}/",
        "/interventions/",
        "/api/v1/interventions/",
        "/students/risk/",
        "/students/risk/?export=csv",
    ):
        assert OTHER_CLASS[0] not in as_text(walikelas.get(path)), path
    profile = walikelas.get(f"/students/{other.pk}/")
    assert profile.context["show_counselling"] is False
    assert profile.context["show_ratings"] is False and profile.context["ratings"] == []
    # The walikelas of class B reads it.
    text = as_text(
        client_for(world.users["walikelas_b"]).get(
            f"/interventions/{world.ids['other_intervention']}/"
        )
    )
    assert OTHER_CLASS[0] in text


def test_an_intervention_closed_as_membaik_is_a_strength_only_for_counselling_readers(world):
    InterventionFactory(
        student=world.other,
        owner=world.users["bk"],
        status=Status.COMPLETED,
        outcome=Outcome.IMPROVED,
        closed_at=timezone.now(),
    )
    path = f"/students/{world.other.pk}/"
    for name in ("guru", "walikelas"):  # both only teach class B
        response = client_for(world.users[name]).get(path)
        assert response.status_code == 200 and "selesai: membaik" not in as_text(response), name
    home = as_text(client_for(world.users["walikelas"]).get("/"))
    assert "intervensi selesai: membaik" not in home
    for name in ("walikelas_b", "bk"):
        assert "selesai: membaik" in as_text(client_for(world.users[name]).get(path)), name


def test_two_walikelas_who_see_the_same_classes_do_not_share_a_cached_risk_list(world):
    # walikelas_b also teaches class A: both see classes A and B, each leads one of them.
    TeachingAssignmentFactory(teacher=world.users["walikelas_b"], school_class=world.class_a)
    url = "/students/risk/?intervention=ya"
    first = as_text(client_for(world.users["walikelas"]).get(url))
    assert "Sari Rahasia" in first and "Tono Kelas B" not in first
    second = as_text(client_for(world.users["walikelas_b"]).get(url))
    assert "Tono Kelas B" in second and "Sari Rahasia" not in second
