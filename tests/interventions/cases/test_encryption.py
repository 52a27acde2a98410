import pytest
from django.db import connection

from interventions.models import InterventionSession
from tests.interventions.factories import SessionFactory

pytestmark = pytest.mark.django_db

SECRET = "Siswa mengaku sering dimarahi ayahnya sampai tidak bisa tidur."


def raw_notes(pk: int) -> str:
    table = InterventionSession._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT notes FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_counselling_notes_are_encrypted_at_rest_and_plaintext_through_the_model():
    session = SessionFactory(notes=SECRET)
    stored = raw_notes(session.pk)
    assert SECRET not in stored
    assert "dimarahi" not in stored
    assert stored.startswith("fernet:")
    assert InterventionSession.objects.get(pk=session.pk).notes == SECRET


def test_each_save_uses_a_fresh_token_so_equal_notes_do_not_look_equal():
    a, b = SessionFactory(notes=SECRET), SessionFactory(notes=SECRET)
    assert raw_notes(a.pk) != raw_notes(b.pk)
