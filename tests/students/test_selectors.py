"""The scoping selector decides who sees which students; every page and API relies on it."""

import pytest

from students.models import Role
from students.selectors import (
    class_queryset_for_user,
    school_queryset_for_user,
    student_queryset_for_user,
)
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools():
    s1, s2 = SchoolFactory(district="Jakarta Barat"), SchoolFactory(district="Jakarta Barat")
    c1a, c1b = SchoolClassFactory(school=s1), SchoolClassFactory(school=s1)
    c2 = SchoolClassFactory(school=s2)
    return {
        "s1": s1,
        "s2": s2,
        "c1a": c1a,
        "c1b": c1b,
        "c2": c2,
        "st1a": StudentFactory(school=s1, school_class=c1a),
        "st1b": StudentFactory(school=s1, school_class=c1b),
        "st2": StudentFactory(school=s2, school_class=c2),
    }


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.BK, Role.KEPSEK])
def test_school_wide_roles_see_every_student_of_their_school_only(two_schools, role):
    user = UserFactory(role=role, school=two_schools["s1"])
    seen = set(student_queryset_for_user(user=user))
    assert seen == {two_schools["st1a"], two_schools["st1b"]}


def test_guru_sees_only_the_classes_they_teach(two_schools):
    guru = UserFactory(role=Role.GURU, school=two_schools["s1"])
    TeachingAssignmentFactory(teacher=guru, school_class=two_schools["c1a"])
    assert list(student_queryset_for_user(user=guru)) == [two_schools["st1a"]]
    assert list(class_queryset_for_user(user=guru)) == [two_schools["c1a"]]


def test_guru_of_school_1_never_sees_school_2_even_if_wrongly_assigned_there(two_schools):
    guru = UserFactory(role=Role.GURU, school=two_schools["s1"])
    TeachingAssignmentFactory(teacher=guru, school_class=two_schools["c2"])
    assert list(student_queryset_for_user(user=guru)) == []


def test_guru_without_assignments_sees_nobody(two_schools):
    guru = UserFactory(role=Role.GURU, school=two_schools["s1"])
    assert not student_queryset_for_user(user=guru).exists()


def test_walikelas_sees_their_homeroom_class(two_schools):
    wk = UserFactory(role=Role.WALIKELAS, school=two_schools["s1"])
    two_schools["c1b"].homeroom_teacher = wk
    two_schools["c1b"].save()
    assert list(student_queryset_for_user(user=wk)) == [two_schools["st1b"]]


def test_sudin_sees_no_student_by_name_but_the_schools_of_their_district(two_schools):
    SchoolFactory(district="Jakarta Utara")
    sudin = UserFactory(role=Role.SUDIN, school=None, district="Jakarta Barat")
    assert not student_queryset_for_user(user=sudin).exists()
    assert set(school_queryset_for_user(user=sudin)) == {two_schools["s1"], two_schools["s2"]}


def test_inactive_and_anonymous_users_see_nothing(two_schools):
    from django.contrib.auth.models import AnonymousUser

    bk = UserFactory(role=Role.BK, school=two_schools["s1"], is_active=False)
    assert not student_queryset_for_user(user=bk).exists()
    assert not student_queryset_for_user(user=AnonymousUser()).exists()
