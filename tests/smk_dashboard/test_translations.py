"""The English catalogue is complete: every message has a checked (not fuzzy) translation that
keeps its placeholders, the compiled .mo matches the .po, and key pages render in English."""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from students.models import Role

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def read_po(path: Path) -> list[Entry]:
    """The catalogue's messages (polib), without the header and obsolete entries."""
    return [
        Entry(
            line=e.linenum,
            flags=set(e.flags),
            msgctxt=e.msgctxt,
            msgid=e.msgid,
            msgid_plural=e.msgid_plural or None,
            msgstr=(
                {int(k): v for k, v in e.msgstr_plural.items()} if e.msgid_plural else {0: e.msgstr}
            ),
        )
        for e in polib.pofile(str(path))
        if e.msgid and not e.obsolete
    ]


ENTRIES = read_po(PO_FILE)


def describe(e: Entry) -> str:
    return f"{PO_FILE.name}:{e.line} {e.msgid!r}"


def test_the_catalogue_reader_sees_the_whole_catalogue():
    # Guards the checks below against a reader that silently finds nothing.
    assert len(ENTRIES) > 500
    login = [e for e in ENTRIES if e.msgid == "Masuk ke SMK Dashboard"]
    assert [e.msgstr for e in login] == [{0: "Sign in to SMK Dashboard"}]
    plural = next(e for e in ENTRIES if e.msgid == "%(n)s siswa")
    assert plural.msgid_plural == "%(n)s siswa" and set(plural.msgstr) == {0, 1}


def test_every_message_has_an_english_translation():
    missing = [describe(e) for e in ENTRIES if not e.msgstr or not all(e.msgstr.values())]
    assert not missing, "Fill the English msgstr of:\n" + "\n".join(missing)


def test_no_translation_is_left_fuzzy():
    fuzzy = [describe(e) for e in ENTRIES if "fuzzy" in e.flags]
    assert not fuzzy, "Check these guesses and remove '#, fuzzy':\n" + "\n".join(fuzzy)


def test_plural_messages_have_both_english_forms():
    wrong = [describe(e) for e in ENTRIES if e.msgid_plural and set(e.msgstr) != {0, 1}]
    assert not wrong


def test_translations_keep_the_placeholders_of_the_original():
    wrong = []
    for e in ENTRIES:
        expected = sorted(PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{describe(e)} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in ENTRIES:
        if e.msgid_plural:
            got = {
                form: compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                if e.msgctxt
                else compiled.ngettext(e.msgid, e.msgid_plural, n)
                for form, n in ((0, 1), (1, 2))
            }
        elif e.msgctxt:
            got = {0: compiled.pgettext(e.msgctxt, e.msgid)}
        else:
            got = {0: compiled.gettext(e.msgid)}
        if got != e.msgstr:
            stale.append(describe(e))
    assert not stale, "Run manage.py compilemessages; stale in the .mo:\n" + "\n".join(stale)


def english(client: Client, url: str):
    """English is a choice (the switch's cookie), never the browser's Accept-Language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url)


def test_the_login_page_is_english_on_request(client):
    page = english(client, "/accounts/login/").content.decode()
    assert "Sign in to SMK Dashboard" in page and "Masuk ke SMK Dashboard" not in page
    assert "Username" in page and "Password" in page


@pytest.mark.parametrize(
    ("role", "url", "text", "indonesian"),
    [
        (Role.BK, "/", "Counsellor home", "Beranda guru BK"),
        (Role.WALIKELAS, "/", "Homeroom teacher home", "Beranda wali kelas"),
        (Role.KEPSEK, "/audit/", "Audit log", "Log audit"),
        (Role.OPERATOR, "/privacy/", "Data subject rights", "Hak subjek data"),
        (Role.OPERATOR, "/predictions/training/", "Start training", "Mulai pelatihan"),
    ],
)
def test_key_pages_render_in_english_on_request(make_user, role, url, text, indonesian):
    client = Client()
    client.force_login(make_user(role))
    assert indonesian in client.get(url).content.decode()
    response = english(client, url)
    assert response.status_code == 200
    page = response.content.decode()
    assert text in page and indonesian not in page
    assert "Sign out" in page  # the navigation bar from base.html


def test_the_not_found_page_is_english_on_request(make_user):
    client = Client()
    client.force_login(make_user(Role.GURU))
    response = english(client, "/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    api = english(client, "/api/v1/no-such-endpoint/")
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}


def test_the_lockout_page_is_english_on_request(make_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = make_user(Role.GURU)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/accounts/login/", {"username": user.username, "password": "salah"})
    locked = client.post("/accounts/login/", {"username": user.username, "password": "salah"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Account temporarily locked" in page
    assert "The password was wrong 2 times in a row." in page
