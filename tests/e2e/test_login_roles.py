import pytest

from students.models import Role
from tests.students.factories import StudentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLES = {
    Role.OPERATOR: "Beranda operator sekolah",
    Role.GURU: "Beranda guru mata pelajaran",
    Role.WALIKELAS: "Beranda wali kelas",
    Role.BK: "Beranda guru BK",
    Role.KEPSEK: "Beranda kepala sekolah",
    Role.SUDIN: "Beranda suku dinas",
}


@pytest.mark.parametrize("role", list(TITLES))
def test_each_role_logs_in_on_a_phone_and_sees_its_home_page(login, make_user, role):
    user = make_user(role, username=f"e2e_{role}")
    if user.school:
        StudentFactory.create_batch(2, school=user.school)
    page = login(user.username)
    assert page.get_by_test_id("home-title").inner_text() == TITLES[role]
    expected = "2" if role in (Role.OPERATOR, Role.BK, Role.KEPSEK) else "0"
    assert page.get_by_test_id("count-students").inner_text() == expected


def test_a_wrong_password_shows_a_clear_indonesian_message(login, make_user):
    user = make_user(Role.BK, username="e2e_wrong")
    page = login(user.username, "salah-sekali")
    assert "Nama pengguna atau kata sandi salah." in page.content()
