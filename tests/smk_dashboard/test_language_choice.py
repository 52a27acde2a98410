"""Indonesian first, English by choice (issue 24): the browser's Accept-Language never picks
English; the switch does, and is remembered; then catalogue names that ship with the app,
term names in the upload form and stored import errors are English too, while a school's
own catalogue entries stay as typed."""

from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.test import Client

from interventions.cases.programmes import programme_catalogue_seed
from interventions.conduct.services import point_catalogue_seed
from interventions.models import Behaviour
from smk_dashboard.core.catalogue import SHIPPED_NAMES, shipped_label
from students.importing.command import import_file_run
from students.models import ImportBatch, Role

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def choose_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # remembered, not for one session


def test_a_browser_set_to_english_gets_indonesian_on_a_first_visit(make_user):
    login = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = login.content.decode()
    assert "Masuk ke SMK Dashboard" in page and "Sign in to SMK Dashboard" not in page
    assert login.headers["Content-Language"] == "id"
    client = signed_in(make_user(Role.BK))
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Beranda guru BK" in home and "Counsellor home" not in home


def test_english_once_chosen_is_remembered_across_pages(make_user):
    client = signed_in(make_user(Role.BK))
    choose_english(client)
    assert "Counsellor home" in client.get("/").content.decode()
    assert "Sign out" in client.get("/interventions/").content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Beranda guru BK" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_shipped_catalogue_names_are_english_and_a_schools_own_stay_as_typed(make_user, school):
    point_catalogue_seed(school=school)
    programme_catalogue_seed(school=school)
    own = "Membawa HP saat ujian"
    Behaviour.objects.create(school=school, name=own, kind="violation", points=15)
    client = signed_in(make_user(Role.BK, school=school))
    choose_english(client)
    page = client.get("/interventions/points/catalogue/").content.decode()
    assert "Truancy" in page and "Smoking on school grounds" in page
    assert "Parents summoned to school" in page  # a threshold's action
    assert ">Bolos<" not in page
    assert "Membawa HP saat ujian" in page  # the school's own entry, as typed
    programmes = client.get("/interventions/programmes/").content.decode()
    assert "Individual counselling" in programmes and "Konseling individual" not in programmes


def test_every_shipped_name_has_an_english_translation():
    from django.utils import translation

    from interventions.cases.programmes import DEFAULT_PROGRAMMES
    from interventions.conduct.services import DEFAULT_BEHAVIOURS, DEFAULT_THRESHOLDS

    seeded = (
        {n for n, _t in DEFAULT_PROGRAMMES}
        | {n for n, _k, _p in DEFAULT_BEHAVIOURS}
        | {a for _p, a, _k in DEFAULT_THRESHOLDS}
    )
    assert seeded <= SHIPPED_NAMES
    with translation.override("en"):
        untranslated = sorted(n for n in SHIPPED_NAMES if shipped_label(n) == n)
    assert untranslated == []
    with translation.override("en"):
        assert shipped_label("Terlambat") == "Late for school"  # not "Overdue"


def test_term_names_in_the_upload_form_follow_the_chosen_language(make_user):
    client = signed_in(make_user(Role.OPERATOR))
    indonesian = client.get("/students/imports/").content.decode()
    assert "Ganjil 2024/2025" in indonesian
    choose_english(client)
    english = client.get("/students/imports/").content.decode()
    assert "Odd semester 2024/2025" in english and "Even semester 2024/2025" in english
    assert "Ganjil 2024/2025</option>" not in english


def test_a_stored_import_error_is_read_in_english(make_user, school, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["NISN", "Nama", "Kelas", "No HP Orang Tua"])
    book.active.append(["0081230001", "", "X TKJ 1", "12345"])
    path = Path(tmp_path / "kelas.xlsx")
    book.save(path)
    summary = import_file_run(school=school, kind="roster", path=path, create_missing=True)
    assert not summary["ok"]
    batch = ImportBatch.objects.get()
    stored = " ".join(m for e in batch.errors for m in e["errors"])
    assert "Nama siswa kosong." in stored  # the worker writes Indonesian

    client = signed_in(make_user(Role.OPERATOR, school=school))
    assert "Nama siswa kosong." in client.get(f"/students/imports/{batch.pk}/").content.decode()
    choose_english(client)
    page = client.get(f"/students/imports/{batch.pk}/").content.decode()
    assert "The student name is empty." in page
    assert "Phone number “12345” is not valid" in page
    assert "Nama siswa kosong." not in page and "tidak sah" not in page
    assert "nothing was saved" in page  # the batch's summary message
