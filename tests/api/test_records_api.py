"""The API of issue 24 (item 11): conduct points and their catalogue, parent contacts and
letters (the PDF too), PKL placements and parents, with the pages' permissions, need-to-know
fields, audit, pagination and bounded input."""

import datetime as dt

import pytest

from interventions.conduct.models import PointEntry
from interventions.conduct.services import point_catalogue_seed
from interventions.contacts.models import Letter, ParentContact
from interventions.contacts.services import parent_contact_record
from interventions.models import Behaviour
from smk_dashboard.core.models import AuditEvent
from students.models import PklPlacement, Role, Student

TODAY = dt.date.today()


@pytest.fixture
def one(world):
    point_catalogue_seed(school=world.one.school)
    return world.one


def behaviour(one, name="Terlambat") -> Behaviour:
    return Behaviour.objects.get(school=one.school, name=name)


def test_a_points_app_records_an_entry_as_the_teacher_and_it_is_audited(one, api_client_for):
    guru = one.users[Role.GURU]
    url = f"/api/v1/students/{one.student.pk}/points/"
    answer = api_client_for(guru).post(
        url, {"behaviour": behaviour(one).pk, "date": str(TODAY)}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["points"] == 5 and answer.json()["total"] == 5
    entry = PointEntry.objects.get()
    assert (entry.student, entry.recorded_by) == (one.student, guru)
    assert AuditEvent.objects.filter(action="points.record", user=guru).exists()
    listing = api_client_for(one.users[Role.KEPSEK]).get(url, {"page_size": 1})
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 1 and body["results"][0]["running_total"] == 5
    assert body["results"][0]["behaviour"]["label"] == "Terlambat"
    assert AuditEvent.objects.filter(action="points.list").exists()


def test_a_70_point_total_crossing_a_threshold_makes_its_to_do(one, api_client_for):
    bk = api_client_for(one.users[Role.BK])
    url = f"/api/v1/students/{one.student.pk}/points/"
    fight = behaviour(one, "Berkelahi").pk  # 50
    assert (
        bk.post(url, {"behaviour": fight, "date": str(TODAY)}, format="json").json()[
            "todos_created"
        ]
        == 1
    )
    second = bk.post(
        url, {"behaviour": behaviour(one, "Bolos").pk, "date": str(TODAY)}, format="json"
    )
    assert second.json()["total"] == 70 and second.json()["todos_created"] == 0


@pytest.mark.parametrize(
    ("date", "field"),
    [
        (str(TODAY + dt.timedelta(days=1)), "date"),  # the future
        (str(TODAY - dt.timedelta(days=800)), "date"),  # beyond two school years
        ("0001-01-01", "date"),
        ("２０２５-01-01", "date"),  # full-width digits
    ],
)
def test_dates_out_of_range_are_refused_in_indonesian(one, api_client_for, date, field):
    answer = api_client_for(one.users[Role.BK]).post(
        f"/api/v1/students/{one.student.pk}/points/",
        {"behaviour": behaviour(one).pk, "date": date},
        format="json",
    )
    assert answer.status_code == 400 and field in answer.json()
    assert not PointEntry.objects.exists()


@pytest.mark.parametrize("behaviour_id", ["1_000", "²", 2**40, -1, "abc"])
def test_ids_are_ascii_digits_and_bounded(one, api_client_for, behaviour_id):
    answer = api_client_for(one.users[Role.BK]).post(
        f"/api/v1/students/{one.student.pk}/points/",
        {"behaviour": behaviour_id, "date": str(TODAY)},
        format="json",
    )
    assert answer.status_code == 400


def test_a_behaviour_of_another_school_or_student_out_of_scope_is_refused(
    world, one, api_client_for
):
    point_catalogue_seed(school=world.two.school)
    guru = api_client_for(one.users[Role.GURU])
    foreign = Behaviour.objects.filter(school=world.two.school).first().pk
    url = f"/api/v1/students/{one.student.pk}/points/"
    assert (
        guru.post(url, {"behaviour": foreign, "date": str(TODAY)}, format="json").status_code == 400
    )
    outsider = f"/api/v1/students/{one.outsider.pk}/points/"  # a class the guru does not teach
    body = {"behaviour": behaviour(one).pk, "date": str(TODAY)}
    assert guru.post(outsider, body, format="json").status_code == 404
    assert guru.get(f"/api/v1/students/{world.two.student.pk}/points/").status_code == 404
    operator = api_client_for(one.users[Role.OPERATOR])
    assert operator.post(url, body, format="json").status_code == 403
    assert not PointEntry.objects.exists()


def test_void_is_bk_and_kepsek_with_a_reason_once(one, api_client_for):
    entry_id = (
        api_client_for(one.users[Role.BK])
        .post(
            f"/api/v1/students/{one.student.pk}/points/",
            {"behaviour": behaviour(one).pk, "date": str(TODAY)},
            format="json",
        )
        .json()["id"]
    )
    url = f"/api/v1/points/{entry_id}/void/"
    assert api_client_for(one.users[Role.GURU]).post(url, {"reason": "x"}).status_code == 403
    kepsek = api_client_for(one.users[Role.KEPSEK])
    assert kepsek.post(url, {}, format="json").status_code == 400
    assert kepsek.post(url, {"reason": "salah siswa"}, format="json").status_code == 200
    assert kepsek.post(url, {"reason": "lagi"}, format="json").status_code == 409
    assert PointEntry.objects.get().void_reason == "salah siswa"


def test_the_catalogue_lists_the_schools_behaviours_and_thresholds(one, api_client_for):
    answer = api_client_for(one.users[Role.GURU]).get("/api/v1/points/catalogue/")
    assert answer.status_code == 200
    names = {b["name"] for b in answer.json()["behaviours"]}
    assert {"Terlambat", "Berkelahi"} <= names
    assert [t["points"] for t in answer.json()["thresholds"]] == [50, 100]
    assert (
        api_client_for(one.users[Role.OPERATOR]).get("/api/v1/points/catalogue/").status_code == 403
    )


def test_contact_summaries_reach_only_bk_and_the_recorder(one, api_client_for):
    wali, bk = one.users[Role.WALIKELAS], one.users[Role.BK]
    parent_contact_record(
        user=bk,
        student=one.student,
        date=TODAY,
        channel="telepon",
        contact_person="Ibu Sri",
        summary="Ayah sakit, anak bekerja",
        follow_up="Kunjungan rumah",
    )
    url = f"/api/v1/students/{one.student.pk}/contacts/"
    created = api_client_for(wali).post(
        url,
        {
            "date": str(TODAY),
            "channel": "whatsapp",
            "contact_person": "Pak Slamet",
            "summary": "ok",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["summary"] == "ok"
    rows = {r["contact_person"]: r for r in api_client_for(wali).get(url).json()["results"]}
    assert rows["Ibu Sri"]["summary"] is None and rows["Ibu Sri"]["follow_up"] is None
    assert rows["Pak Slamet"]["summary"] == "ok"
    kepsek_rows = api_client_for(one.users[Role.KEPSEK]).get(url).json()["results"]
    assert all(r["summary"] is None for r in kepsek_rows)
    bk_rows = api_client_for(bk).get(url).json()["results"]
    assert {r["summary"] for r in bk_rows} == {"ok", "Ayah sakit, anak bekerja"}
    assert api_client_for(one.users[Role.GURU]).get(url).status_code == 403
    future = {
        "date": str(TODAY + dt.timedelta(days=2)),
        "channel": "telepon",
        "contact_person": "X",
    }
    assert api_client_for(bk).post(url, future, format="json").status_code == 400
    assert ParentContact.objects.count() == 2


def test_a_letter_is_made_from_the_template_listed_and_printed_as_pdf(world, one, api_client_for):
    bk = api_client_for(one.users[Role.BK])
    made = bk.post(
        f"/api/v1/students/{one.student.pk}/letters/", {"kind": "panggilan"}, format="json"
    )
    assert made.status_code == 201, made.json()
    letter = Letter.objects.get()
    assert made.json()["number"] == letter.number and one.student.name in letter.body
    assert ParentContact.objects.get().letter == letter  # logged as a contact, as the page does
    listing = api_client_for(one.users[Role.WALIKELAS]).get(
        f"/api/v1/students/{one.student.pk}/letters/"
    )
    assert listing.json()["results"][0]["pdf"] == f"/api/v1/letters/{letter.pk}/pdf/"
    pdf = api_client_for(one.users[Role.KEPSEK]).get(f"/api/v1/letters/{letter.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="letter.print").exists()
    assert (
        api_client_for(one.users[Role.GURU]).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code
        == 403
    )
    stranger = api_client_for(world.two.users[Role.BK])
    assert stranger.get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 404


def test_pkl_ratings_follow_need_to_know(one, api_client_for):
    PklPlacement.objects.create(
        student=one.student, term=one.term, company="PT Maju", days_present=50, days_total=60,
        rating_attitude=88, rating_skills=80,
    )  # fmt: skip
    url = f"/api/v1/students/{one.student.pk}/pkl/"
    wali = api_client_for(one.users[Role.WALIKELAS]).get(url).json()["results"][0]
    assert wali["company"] == "PT Maju" and wali["rating_attitude"] == 88.0
    guru = api_client_for(one.users[Role.GURU]).get(url).json()["results"][0]
    assert guru["company"] == "PT Maju" and guru["rating_attitude"] is None
    assert guru["days_present"] is None
    assert AuditEvent.objects.filter(action="pkl.list").exists()


def test_parents_through_the_api(one, api_client_for):
    Student.objects.filter(pk=one.student.pk).update(
        mother_name="Sri Wahyuni", parent_phone="+6281234567890"
    )
    url = f"/api/v1/students/{one.student.pk}/parents/"
    wali = api_client_for(one.users[Role.WALIKELAS]).get(url)
    assert wali.status_code == 200 and wali.json()["parent_phone"] == "+6281234567890"
    assert AuditEvent.objects.filter(action="parents.read").exists()
    for role in (Role.GURU, Role.KEPSEK, Role.OPERATOR):
        assert api_client_for(one.users[role]).get(url).status_code == 403
    operator = api_client_for(one.users[Role.OPERATOR])
    changed = operator.patch(url, {"guardian_phone": "0857 1111 2222"}, format="json")
    assert changed.status_code == 200 and changed.json()["guardian_phone"] == "+6285711112222"
    refused = operator.patch(url, {"parent_phone": "0812"}, format="json")
    assert refused.status_code == 400 and "tidak sah" in str(refused.json())
    assert Student.objects.get(pk=one.student.pk).parent_phone == "+6281234567890"
    other_wali = api_client_for(one.users[Role.WALIKELAS])
    outsider = f"/api/v1/students/{one.outsider.pk}/parents/"
    assert other_wali.get(outsider).status_code == 404  # not in the walikelas's class


def test_full_width_digits_in_an_id_are_refused(one, api_client_for):
    answer = api_client_for(one.users[Role.BK]).post(
        f"/api/v1/students/{one.student.pk}/points/",
        {"behaviour": "１", "date": str(TODAY)},
        format="json",
    )
    assert answer.status_code == 400 and not PointEntry.objects.exists()


def test_bk_adds_a_behaviour_to_the_catalogue_and_others_may_not(one, api_client_for):
    url = "/api/v1/points/catalogue/behaviours/"
    body = {"name": "Membawa HP saat ujian", "kind": "violation", "points": 15}
    made = api_client_for(one.users[Role.BK]).post(url, body, format="json")
    assert made.status_code == 201 and made.json()["label"] == "Membawa HP saat ujian"
    again = api_client_for(one.users[Role.BK]).post(url, body, format="json")
    assert again.status_code == 400 and "sudah ada" in again.json()["detail"]
    wrong_sign = {**body, "name": "Lain", "points": -5}
    assert (
        api_client_for(one.users[Role.BK]).post(url, wrong_sign, format="json").status_code == 400
    )
    for role in (Role.GURU, Role.KEPSEK, Role.OPERATOR):
        assert api_client_for(one.users[role]).post(url, body, format="json").status_code == 403
    assert Behaviour.objects.filter(school=one.school, name=body["name"]).count() == 1
