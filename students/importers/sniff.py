"""What kind of file is this, and is it safe to open? Decided from the bytes, never from the
file name. Zip containers (xlsx, ods) are measured member by member, by really inflating
them with a cap, before any spreadsheet parser sees them: a zip bomb stops here."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import FileRejected

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Stream names inside an OLE container, as UTF-16LE, that mark a password-protected
# xlsx ("EncryptedPackage") or an encrypted legacy workbook.
ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
FORMATS = ("xlsx", "xls", "ods", "csv")
DEFAULT_MAX_UNCOMPRESSED = 300 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 5_000


def not_a_spreadsheet() -> FileRejected:
    return FileRejected(
        _(
            "File ini bukan spreadsheet. Unggah file Excel (.xlsx, .xls), LibreOffice (.ods) "
            "atau CSV."
        ),
        code="not_spreadsheet",
    )


def max_uncompressed_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED)


def check_file_size(size: int) -> None:
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise FileRejected(
            _("File terlalu besar (%(size)s MB). Batasnya %(limit)s MB: pecah file per kelas.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)},
            code="too_large",
        )
    if size == 0:
        raise FileRejected(_("File kosong (0 byte)."), code="empty")


def sniff_format(path: Path) -> str:
    """Return "xlsx", "xls", "ods" or "csv", or raise FileRejected with the reason."""
    size = path.stat().st_size
    check_file_size(size)
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head.startswith(ZIP_MAGIC):
        return _sniff_zip(path)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(path)
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<table")):
        raise FileRejected(
            _(
                "File ini halaman web (HTML) yang diberi nama spreadsheet. Buka di Excel "
                "lalu simpan ulang sebagai .xlsx."
            ),
            code="html",
        )
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8")):
        raise not_a_spreadsheet()
    return "csv"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            check_zip_members(archive)
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError):
        raise FileRejected(
            _("File rusak atau tidak lengkap dan tidak bisa dibuka. Simpan ulang lalu unggah."),
            code="corrupt",
        )
    if "xl/workbook.xml" in names:
        return "xlsx"  # .xlsm too: the VBA project is never read, macros never run
    if "xl/workbook.bin" in names:
        raise FileRejected(
            _("Format .xlsb belum didukung. Simpan ulang sebagai .xlsx lalu unggah."),
            code="xlsb",
        )
    raise not_a_spreadsheet()


def check_zip_members(archive: zipfile.ZipFile) -> None:
    """Inflate every member with a running total and stop past the cap. The sizes written in
    the zip directory are not trusted: a crafted file can lie about them."""
    infos = archive.infolist()
    if len(infos) > DEFAULT_MAX_MEMBERS:
        raise _zip_bomb()
    cap = max_uncompressed_bytes()
    declared = sum(info.file_size for info in infos)
    if declared > cap:
        raise _zip_bomb()
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        with archive.open(info) as member:
            while chunk := member.read(1024 * 1024):
                total += len(chunk)
                if total > cap:
                    raise _zip_bomb()


def _zip_bomb() -> FileRejected:
    return FileRejected(
        _(
            "Isi file ini jauh lebih besar daripada ukurannya (lebih dari %(mb)s MB setelah "
            "dibuka). File ditolak demi keamanan; pecah datanya menjadi beberapa file."
        )
        % {"mb": max_uncompressed_bytes() // (1024 * 1024)},
        code="zip_bomb",
    )


def _sniff_ole(path: Path) -> str:
    data = path.read_bytes()
    if any(marker in data for marker in ENCRYPTED_MARKERS):
        raise encrypted_error()
    return "xls"


def encrypted_error() -> FileRejected:
    return FileRejected(
        _(
            "File ini dikunci dengan kata sandi. Buka di Excel, hapus kata sandinya "
            "(File → Info → Proteksi), simpan, lalu unggah lagi."
        ),
        code="encrypted",
    )
