"""Parents reachable (issue 24): the names and numbers reach bk and the student's walikelas,
never a subject teacher, another class's walikelas, the kepsek or the operator's pages;
every read of a number is audited; bk and the operator correct them; stored encrypted."""

import pytest
from django.db import connection

from smk_dashboard.core.models import AuditEvent
from students.models import Student

from .conftest import client_for

pytestmark = pytest.mark.django_db


def profile(user, student):
    return client_for(user).get(f"/students/{student.pk}/")


@pytest.mark.parametrize("role", ["walikelas", "bk"])
def test_walikelas_and_bk_see_the_parents_and_the_read_is_audited(people, role):
    student = people["student"]
    page = profile(people[role], student).content.decode()
    assert 'data-testid="parents"' in page
    assert "Slamet Riyadi" in page and "Sri Wahyuni" in page
    assert "0812-3456-7890" in page and 'href="tel:+6281234567890"' in page
    assert 'data-testid="whatsapp"' in page
    event = AuditEvent.objects.get(action="parents.read")
    assert (event.user, event.target_id) == (people[role], str(student.pk))


@pytest.mark.parametrize("role", ["guru", "other_walikelas", "kepsek"])
def test_no_one_else_who_opens_the_profile_sees_them(people, role):
    response = profile(people[role], people["student"])
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="parents"' not in page
    for secret in ("Slamet Riyadi", "Sri Wahyuni", "3456", "wa.me"):
        assert secret not in page
    assert not AuditEvent.objects.filter(action="parents.read").exists()


def test_the_values_are_encrypted_at_rest(people):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT father_name, parent_phone FROM students_student WHERE id = %s",
            [people["student"].pk],
        )
        father, phone = cursor.fetchone()
    assert father.startswith("fernet:") and "Slamet" not in father
    assert phone.startswith("fernet:") and "812" not in phone


def test_bk_corrects_the_numbers_which_are_normalised_and_audited(people):
    student, bk = people["student"], people["bk"]
    c = client_for(bk)
    form = c.get(f"/students/{student.pk}/parents/")
    assert form.status_code == 200 and "Slamet Riyadi" in form.content.decode()
    response = c.post(
        f"/students/{student.pk}/parents/",
        {
            "father_name": "Slamet Riyadi",
            "mother_name": "Sri Wahyuni",
            "parent_phone": "0812 3456 7890",
            "guardian_name": "Bibi Ani",
            "guardian_phone": "+62 857-1111-2222",
        },
    )
    assert response.status_code == 302
    student = Student.objects.get(pk=student.pk)
    assert (student.guardian_name, student.guardian_phone) == ("Bibi Ani", "+6285711112222")
    event = AuditEvent.objects.get(action="parents.update")
    assert event.detail == {"fields": ["guardian_name", "guardian_phone"]}
    assert "857" not in str(event.detail)


def test_a_nonsense_number_is_refused_in_indonesian_and_nothing_is_stored(people):
    student = people["student"]
    response = client_for(people["bk"]).post(
        f"/students/{student.pk}/parents/",
        {"father_name": "Orang Lain", "parent_phone": "12345", "guardian_phone": "abc"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "tidak sah" in page
    student = Student.objects.get(pk=student.pk)
    assert (student.father_name, student.parent_phone) == ("Slamet Riyadi", "+6281234567890")
    assert not AuditEvent.objects.filter(action="parents.update").exists()


@pytest.mark.parametrize("role", ["walikelas", "guru", "kepsek", "operator"])
def test_only_bk_edits_from_the_profile(people, role):
    url = f"/students/{people['student'].pk}/parents/"
    assert client_for(people[role]).get(url).status_code == 403
    response = client_for(people[role]).post(url, {"father_name": "X"})
    assert response.status_code == 403
    assert Student.objects.get(pk=people["student"].pk).father_name == "Slamet Riyadi"


def test_bk_of_another_school_gets_404(people, other_school):
    from tests.students.factories import UserFactory

    stranger = UserFactory(role="bk", school=other_school)
    assert client_for(stranger).get(f"/students/{people['student'].pk}/parents/").status_code == 404


def test_the_operator_corrects_them_on_the_privacy_page(people):
    student = people["student"]
    c = client_for(people["operator"])
    page = c.get(f"/privacy/students/{student.pk}/rectify/").content.decode()
    assert "Slamet Riyadi" in page
    data = {
        "name": student.name,
        "nisn": student.nisn,
        "nis": student.nis,
        "gender": student.gender,
        "birth_date": "",
        "father_name": "Slamet Riyadi",
        "mother_name": "Sri Wahyuni",
        "guardian_name": "",
        "parent_phone": "62 813 0000 1111",
        "guardian_phone": "",
    }
    assert c.post(f"/privacy/students/{student.pk}/rectify/", data).status_code == 302
    assert Student.objects.get(pk=student.pk).parent_phone == "+6281300001111"
    data["parent_phone"] = "0812"
    response = c.post(f"/privacy/students/{student.pk}/rectify/", data)
    assert response.status_code == 200 and "tidak sah" in response.content.decode()
    assert Student.objects.get(pk=student.pk).parent_phone == "+6281300001111"
