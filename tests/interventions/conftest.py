import pytest

from interventions.cases.programmes import programme_catalogue_seed
from students.models import Role
from tests.students.factories import SchoolClassFactory, StudentFactory, UserFactory


@pytest.fixture
def programmes(school):
    return programme_catalogue_seed(school=school)


@pytest.fixture
def programme(programmes):
    return programmes[0]


@pytest.fixture
def bk(school):
    return UserFactory(role=Role.BK, school=school, username="bk1")


@pytest.fixture
def other_bk(school):
    return UserFactory(role=Role.BK, school=school, username="bk1b")


@pytest.fixture
def kepsek(school):
    return UserFactory(role=Role.KEPSEK, school=school, username="kepsek1")


@pytest.fixture
def guru(school):
    return UserFactory(role=Role.GURU, school=school, username="guru1")


@pytest.fixture
def walikelas(school):
    return UserFactory(role=Role.WALIKELAS, school=school, username="wali1")


@pytest.fixture
def school_class(school, walikelas):
    return SchoolClassFactory(school=school, homeroom_teacher=walikelas, name="XI TKJ 1")


@pytest.fixture
def student(school, school_class):
    return StudentFactory(school=school, school_class=school_class, name="Budi Santoso")


@pytest.fixture
def other_class_student(school):
    return StudentFactory(school=school, name="Citra Lestari")
