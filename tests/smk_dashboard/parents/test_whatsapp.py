"""The WhatsApp action: a neutral, editable message; the contact is logged by the POST and
only then does the browser go to the click-to-chat link."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from interventions.contacts.models import ParentContact
from smk_dashboard.core.models import AuditEvent

from .conftest import client_for

pytestmark = pytest.mark.django_db
RISK_WORDS = ("kurang", "risiko", "perhatian", "prediksi", "poin", "pelanggaran", "bolos", "BK:")


def url(student) -> str:
    return f"/interventions/contacts/students/{student.pk}/whatsapp/"


@pytest.mark.parametrize("role", ["walikelas", "bk"])
def test_the_draft_is_neutral_and_opening_whatsapp_logs_the_contact_first(people, role):
    student, user = people["student"], people[role]
    c = client_for(user)
    page = c.get(url(student)).content.decode()
    draft = re.search(r'<textarea name="message"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "Budi Santoso" in draft and "Slamet Riyadi" in draft
    assert not any(word.lower() in draft.lower() for word in RISK_WORDS)
    assert not ParentContact.objects.exists()  # showing the form logs nothing

    edited = "Selamat siang Pak Slamet, boleh saya telepon besok pukul 10?"
    response = c.post(url(student), {"to": "orang_tua", "message": edited})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "wa.me", "/6281234567890")
    assert parse_qs(target.query)["text"] == [edited]
    contact = ParentContact.objects.get()
    assert (contact.student, contact.channel, contact.recorded_by) == (student, "whatsapp", user)
    assert "Slamet Riyadi" in contact.contact_person and contact.summary == edited
    assert AuditEvent.objects.filter(action="contact.whatsapp", user=user).exists()


@pytest.mark.parametrize("role", ["guru", "other_walikelas", "kepsek", "operator"])
def test_others_cannot_message_parents(people, role):
    c = client_for(people[role])
    assert c.get(url(people["student"])).status_code in (403, 404)
    response = c.post(url(people["student"]), {"to": "orang_tua", "message": "Halo"})
    assert response.status_code in (403, 404)
    assert not ParentContact.objects.exists()


def test_an_empty_message_or_unknown_recipient_is_refused_and_nothing_logged(people):
    c = client_for(people["bk"])
    response = c.post(url(people["student"]), {"to": "orang_tua", "message": "   "})
    assert response.status_code == 200
    response = c.post(url(people["student"]), {"to": "wali", "message": "Halo"})
    assert response.status_code == 200 and "text-danger" in response.content.decode()
    assert not ParentContact.objects.exists()


def test_without_a_mobile_number_there_is_no_whatsapp_button(people):
    student = people["student"]
    student.parent_phone = "+62217654321"  # a landline
    student.save()
    page = client_for(people["walikelas"]).get(f"/students/{student.pk}/").content.decode()
    assert "021-7654321" in page and 'data-testid="whatsapp"' not in page
    response = client_for(people["walikelas"]).get(url(student))
    assert response.status_code == 302 and response["Location"] == f"/students/{student.pk}/"


def test_only_the_whatsapp_form_lets_its_answer_go_to_wa_me(people):
    c = client_for(people["walikelas"])
    form_csp = c.get(url(people["student"]))["Content-Security-Policy"]
    assert "form-action 'self' https://wa.me;" in form_csp
    profile_csp = c.get(f"/students/{people['student'].pk}/")["Content-Security-Policy"]
    assert "form-action 'self';" in profile_csp and "wa.me" not in profile_csp
