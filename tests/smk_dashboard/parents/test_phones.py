"""Indonesian phone numbers, however they are written, become one stored form; nonsense is
refused in Indonesian."""

import pytest

from smk_dashboard.core.phones import (
    phone_display,
    phone_is_mobile,
    phone_normalize,
    whatsapp_link,
)


@pytest.mark.parametrize(
    "typed",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "+62 812-3456-7890",
        "+6281234567890",
        "6281234567890",
        "62 0812 3456 7890",
        "81234567890",  # the spreadsheet dropped the leading zero
        "(0812) 3456.7890",
    ],
)
def test_every_way_of_writing_a_mobile_number_is_one_stored_number(typed):
    assert phone_normalize(typed) == "+6281234567890"


def test_a_landline_keeps_its_area_code_and_is_not_offered_for_whatsapp():
    stored = phone_normalize("(021) 765-4321")
    assert stored == "+62217654321"
    assert not phone_is_mobile(stored)
    assert phone_is_mobile(phone_normalize("0812 3456 7890"))


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "0812",
        "abc",
        "0812-3456-7890-1234-5",
        "+1 415 555 0100",
        "０８１２３４５６７８９０",  # full-width digits
        "0812²3456789",
        "1_000_000_000",
        "=HYPERLINK(1)",
        "0000000000",
    ],
)
def test_nonsense_is_refused_with_an_indonesian_message(typed):
    with pytest.raises(ValueError) as exc:
        phone_normalize(typed)
    message = str(exc.value)
    assert "Nomor" in message and ("tidak sah" in message or "bukan nomor Indonesia" in message)


def test_blank_and_dash_are_no_number():
    assert phone_normalize("") == phone_normalize("  ") == phone_normalize("-") == ""
    assert phone_normalize(None) == ""


def test_a_stored_number_is_shown_as_people_write_it_and_linked_for_whatsapp():
    assert phone_display("+6281234567890") == "0812-3456-7890"
    assert phone_display("+62274512345") == "0274-512345"
    link = whatsapp_link("+6281234567890", "Selamat siang, Bapak/Ibu & anak?")
    assert link.startswith("https://wa.me/6281234567890?text=Selamat%20siang%2C")
    assert "%26" in link and "&" not in link.split("?", 1)[1]
