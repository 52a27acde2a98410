"""The operator's tidy-up after an import (issue 23 item 5): several classes, or every class
that shares an abbreviation, go under one major in one step, all or none, audited per class
as when moved alone. Only the school's operator may do it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from smk_dashboard.core.models import AuditEvent
from smk_dashboard.core.page_cache import school_version
from students.importers.majors import UNASSIGNED_CODE, UNASSIGNED_NAME
from students.models import Role, SchoolClass, Student
from students.selectors import class_abbreviation, school_class_groups
from students.services import school_class_major_set, school_classes_major_set
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user, school):
    return make_user(Role.OPERATOR, school=school)


@pytest.fixture
def unassigned(school):
    return MajorFactory(school=school, code=UNASSIGNED_CODE, name=UNASSIGNED_NAME)


@pytest.fixture
def tkj(school):
    return MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")


@pytest.fixture
def classes(school, unassigned):
    """What a hand-made roster leaves: classes under "Belum ditentukan", with students."""
    made = {}
    for name in ("X TKJT 1", "X TKJT 2", "XI-TKJT-1", "X Lasara", "XII Lasara A", "X 1"):
        made[name] = SchoolClassFactory(school=school, major=unassigned, name=name)
        for _ in range(2):
            StudentFactory(school=school, school_class=made[name], major=unassigned)
    return made


@pytest.mark.parametrize(
    "name, abbreviation",
    [
        ("XI TKJ 2", "TKJ"),
        ("X-TJKT-1", "TJKT"),
        ("XII Lasara A", "LASARA"),
        ("10 AKL1", "AKL"),
        ("XII.RPL.3", "RPL"),
        ("X Teknik Mesin 1", "TEKNIK MESIN"),
        ("X 1", ""),
    ],
)
def test_a_class_name_gives_its_abbreviation(name, abbreviation):
    assert class_abbreviation(name) == abbreviation


def test_classes_are_grouped_by_abbreviation_in_one_query(
    school, classes, django_assert_num_queries
):
    with django_assert_num_queries(1):
        groups = school_class_groups(school=school, only_code=UNASSIGNED_CODE)
    assert [(g.abbreviation, [c.name for c in g.classes]) for g in groups] == [
        ("LASARA", ["X Lasara", "XII Lasara A"]),
        ("TKJT", ["X TKJT 1", "X TKJT 2", "XI-TKJT-1"]),
        ("", ["X 1"]),
    ]
    assert groups[1].classes[0].n_students == 2


def test_several_classes_move_with_their_students_in_one_step(
    school, operator, classes, unassigned, tkj
):
    ids = [classes[n].pk for n in ("X TKJT 1", "X TKJT 2", "XI-TKJT-1")]
    school_version(school.id)
    before = school_version(school.id)
    done = school_classes_major_set(school=school, class_ids=ids, major=tkj, user=operator)
    assert (done.classes, done.students) == (3, 6)
    assert set(SchoolClass.objects.filter(pk__in=ids).values_list("major", flat=True)) == {tkj.pk}
    assert Student.objects.filter(school_class_id__in=ids, major=tkj).count() == 6
    assert SchoolClass.objects.get(pk=classes["X Lasara"].pk).major == unassigned
    assert AuditEvent.objects.filter(action="class.major").count() == 3
    assert school_version(school.id) != before  # cached pages of the school are stale


def test_a_student_who_carried_another_major_stays_with_it(school, operator, classes, tkj):
    school_class = classes["X TKJT 1"]
    other = MajorFactory(school=school, code="RPL")
    odd = StudentFactory(school=school, school_class=school_class, major=other)
    school_classes_major_set(school=school, class_ids=[school_class.pk], major=tkj, user=operator)
    odd.refresh_from_db()
    assert odd.major == other


def test_classes_already_under_the_major_are_left_alone(school, operator, classes, tkj):
    first = classes["X TKJT 1"]
    school_class_major_set(school_class=first, major=tkj, user=operator)
    done = school_classes_major_set(
        school=school, class_ids=[first.pk, classes["X TKJT 2"].pk], major=tkj, user=operator
    )
    assert (done.classes, done.students) == (1, 2)
    assert AuditEvent.objects.filter(action="class.major").count() == 2


def test_a_class_of_another_school_refuses_the_whole_step(
    school, operator, classes, tkj, other_school
):
    foreign = SchoolClassFactory(school=other_school)
    mine = classes["X TKJT 1"]
    with pytest.raises(ValidationError, match="tidak ditemukan di sekolah Anda"):
        school_classes_major_set(
            school=school, class_ids=[mine.pk, foreign.pk], major=tkj, user=operator
        )
    mine.refresh_from_db()
    assert mine.major.code == UNASSIGNED_CODE and not AuditEvent.objects.exists()


def test_another_schools_major_and_an_empty_choice_are_refused(
    school, operator, classes, other_school
):
    with pytest.raises(ValidationError, match="milik sekolah lain"):
        school_classes_major_set(
            school=school,
            class_ids=[classes["X 1"].pk],
            major=MajorFactory(school=other_school),
            user=operator,
        )
    with pytest.raises(ValidationError, match="sedikitnya satu kelas"):
        school_classes_major_set(
            school=school, class_ids=[], major=MajorFactory(school=school), user=operator
        )


@pytest.mark.parametrize("role", [Role.WALIKELAS, Role.GURU, Role.BK, Role.KEPSEK])
def test_only_the_operator_may_assign_majors(make_user, school, classes, tkj, role):
    with pytest.raises(PermissionDenied):
        school_classes_major_set(
            school=school,
            class_ids=[classes["X 1"].pk],
            major=tkj,
            user=make_user(role, school=school),
        )


# --- the page ------------------------------------------------------------------------------


def test_the_page_groups_classes_and_a_group_checkbox_assigns_them_all_without_js(
    client, operator, school, classes, tkj
):
    client.force_login(operator)
    url = reverse("students:import_setup")
    page = client.get(url).content.decode()
    group = [c.pk for c in (classes["X TKJT 1"], classes["X TKJT 2"], classes["XI-TKJT-1"])]
    value = ",".join(str(pk) for pk in group)
    assert f'name="groups" value="{value}"' in page and "Semua kelas TKJT (3)" in page
    response = client.post(
        url, {"action": "assign_many", "groups": value, "major": tkj.pk}, follow=True
    )
    assert "3 kelas (6 siswa) kini di Teknik Komputer dan Jaringan" in response.content.decode()
    assert set(SchoolClass.objects.filter(pk__in=group).values_list("major", flat=True)) == {tkj.pk}
    assert "TKJT" not in client.get(url).content.decode()  # they left the unassigned list
    assert "X TKJT 1" in client.get(url + "?semua=1").content.decode()


def test_single_classes_and_a_group_can_be_ticked_together(client, operator, classes, tkj):
    client.force_login(operator)
    lasara = classes["X Lasara"]
    client.post(
        reverse("students:import_setup"),
        {
            "action": "assign_many",
            "classes": [lasara.pk, classes["X 1"].pk],
            "groups": [f"{classes['X TKJT 1'].pk}"],
            "major": tkj.pk,
        },
    )
    assert SchoolClass.objects.filter(major=tkj).count() == 3


def test_nothing_ticked_or_garbage_says_so_and_changes_nothing(client, operator, classes, tkj):
    client.force_login(operator)
    url = reverse("students:import_setup")
    page = client.post(url, {"action": "assign_many", "major": tkj.pk}).content.decode()
    assert "Pilih sedikitnya satu kelas." in page
    page = client.post(
        url, {"action": "assign_many", "groups": "1,abc", "major": tkj.pk}
    ).content.decode()
    assert "Pilihan kelas tidak dikenal." in page
    assert not SchoolClass.objects.filter(major=tkj).exists()


def test_a_foreign_class_id_in_the_form_changes_nothing(
    client, operator, classes, tkj, other_school
):
    foreign = SchoolClassFactory(school=other_school)
    client.force_login(operator)
    page = client.post(
        reverse("students:import_setup"),
        {"action": "assign_many", "classes": [classes["X 1"].pk, foreign.pk], "major": tkj.pk},
    ).content.decode()
    assert "tidak ditemukan di sekolah Anda" in page
    foreign.refresh_from_db()
    assert not SchoolClass.objects.filter(major=tkj).exists() and foreign.major != tkj


def test_a_walikelas_cannot_bulk_assign(client, make_user, school, classes, tkj):
    client.force_login(make_user(Role.WALIKELAS, school=school))
    response = client.post(
        reverse("students:import_setup"),
        {"action": "assign_many", "classes": [classes["X 1"].pk], "major": tkj.pk},
    )
    assert response.status_code == 403
    assert not SchoolClass.objects.filter(major=tkj).exists()
