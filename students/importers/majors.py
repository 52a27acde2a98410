"""SMK kompetensi keahlian abbreviations as they appear in rombel names ("XII RPL 2",
"XI FARMASI 1"): a roster without a major column still puts each new class under its major.
A rombel name with none of them ("X Lasara") goes under the "unassigned" major, which the
operator fixes later on the majors page."""

from __future__ import annotations

import re

from .values import normalize_key

UNASSIGNED_CODE = "BELUM"
UNASSIGNED_NAME = "Belum ditentukan"

# code -> (name, field)
KNOWN_MAJORS: dict[str, tuple[str, str]] = {
    "RPL": ("Rekayasa Perangkat Lunak", "teknik"),
    "PPLG": ("Pengembangan Perangkat Lunak dan Gim", "teknik"),
    "TKJ": ("Teknik Komputer dan Jaringan", "teknik"),
    "TJKT": ("Teknik Jaringan Komputer dan Telekomunikasi", "teknik"),
    "TKR": ("Teknik Kendaraan Ringan", "teknik"),
    "TKRO": ("Teknik Kendaraan Ringan Otomotif", "teknik"),
    "TO": ("Teknik Otomotif", "teknik"),
    "TSM": ("Teknik Sepeda Motor", "teknik"),
    "TBSM": ("Teknik dan Bisnis Sepeda Motor", "teknik"),
    "TITL": ("Teknik Instalasi Tenaga Listrik", "teknik"),
    "TEI": ("Teknik Elektronika Industri", "teknik"),
    "TAV": ("Teknik Audio Video", "teknik"),
    "TPM": ("Teknik Pemesinan", "teknik"),
    "TM": ("Teknik Mesin", "teknik"),
    "TPL": ("Teknik Pengelasan", "teknik"),
    "DPIB": ("Desain Pemodelan dan Informasi Bangunan", "teknik"),
    "TKP": ("Teknik Konstruksi dan Perumahan", "teknik"),
    "KA": ("Kimia Analisis", "teknik"),
    "KI": ("Kimia Industri", "teknik"),
    "DKV": ("Desain Komunikasi Visual", "seni"),
    "MM": ("Multimedia", "seni"),
    "ANM": ("Animasi", "seni"),
    "BC": ("Broadcasting dan Perfilman", "seni"),
    "AKL": ("Akuntansi dan Keuangan Lembaga", "bisnis"),
    "AK": ("Akuntansi", "bisnis"),
    "OTKP": ("Otomatisasi dan Tata Kelola Perkantoran", "bisnis"),
    "MPLB": ("Manajemen Perkantoran dan Layanan Bisnis", "bisnis"),
    "BDP": ("Bisnis Daring dan Pemasaran", "bisnis"),
    "BR": ("Bisnis Ritel", "bisnis"),
    "PM": ("Pemasaran", "bisnis"),
    "LP": ("Layanan Perbankan", "bisnis"),
    "FARMASI": ("Farmasi", "kesehatan"),
    "FKK": ("Farmasi Klinis dan Komunitas", "kesehatan"),
    "KEP": ("Keperawatan", "kesehatan"),
    "TLM": ("Teknologi Laboratorium Medik", "kesehatan"),
    "AP": ("Akomodasi Perhotelan", "pariwisata"),
    "PH": ("Perhotelan", "pariwisata"),
    "TB": ("Tata Boga", "pariwisata"),
    "KUL": ("Kuliner", "pariwisata"),
    "TBS": ("Tata Busana", "pariwisata"),
    "UPW": ("Usaha Perjalanan Wisata", "pariwisata"),
}
_SPLIT = re.compile(r"[\s\-_/.]+")


def known_major(class_name: str) -> tuple[str, str, str] | None:
    """(code, name, field) of the first known abbreviation in a rombel name, else None."""
    for token in _SPLIT.split(normalize_key(class_name).upper()):
        if token in KNOWN_MAJORS:
            name, field = KNOWN_MAJORS[token]
            return token, name, field
    return None
