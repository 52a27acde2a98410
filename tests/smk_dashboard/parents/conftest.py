import pytest
from django.test import Client

from students.models import Role
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

PARENTS = {
    "father_name": "Slamet Riyadi",
    "mother_name": "Sri Wahyuni",
    "guardian_name": "",
    "parent_phone": "+6281234567890",
    "guardian_phone": "",
}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def people(school):
    """A class with its walikelas and a subject teacher, bk, kepsek, operator, another
    class's walikelas, and a student whose parents are on file."""
    wali = UserFactory(role=Role.WALIKELAS, school=school, username="wali")
    school_class = SchoolClassFactory(school=school, homeroom_teacher=wali, name="XI TKJ 1")
    guru = UserFactory(role=Role.GURU, school=school, username="guru")
    TeachingAssignmentFactory(teacher=guru, school_class=school_class)
    other_wali = UserFactory(role=Role.WALIKELAS, school=school, username="wali2")
    other_class = SchoolClassFactory(school=school, homeroom_teacher=other_wali)
    # the other walikelas also teaches this class: a teacher there, not its walikelas
    TeachingAssignmentFactory(teacher=other_wali, school_class=school_class)
    student = StudentFactory(
        school=school, school_class=school_class, name="Budi Santoso", **PARENTS
    )
    return {
        "student": student,
        "walikelas": wali,
        "guru": guru,
        "other_walikelas": other_wali,
        "other_class": other_class,
        "bk": UserFactory(role=Role.BK, school=school, username="bk"),
        "kepsek": UserFactory(role=Role.KEPSEK, school=school, username="kepsek"),
        "operator": UserFactory(role=Role.OPERATOR, school=school, username="operator"),
    }
