"""Reading and parsing spreadsheets (no database writes): formats, headers, values and every
kind of file that must be refused."""

import datetime as dt
import zipfile
from decimal import Decimal

import pytest

from students.importers import FileRejected, escape_formula, parse_file, sniff_format
from students.importers.sniff import OLE_MAGIC
from students.importers.values import parse_date, parse_nisn, parse_score, parse_term
from tests.students.spreadsheets import (
    roster_rows,
    write_csv,
    write_ods,
    write_openpyxl,
    write_xls,
    write_xlsx,
    zip_bomb,
)

STUDENTS = [
    ("0081234567", "2425001", "Budi Santoso", "L", dt.date(2008, 5, 17), "XI TKJ 1"),
    ("0091234568", "2425002", "Siti Aminah", "P", dt.date(2009, 1, 2), "XI TKJ 1"),
]


def parse(path, kind="roster", **kwargs):
    return parse_file(path, sniff_format(path), kind, max_rows=1000, **kwargs)


def roster_file(tmp_path, fmt):
    rows = roster_rows(STUDENTS)
    if fmt == "xlsx":
        return write_xlsx(tmp_path / "daftar.xlsx", {"Siswa": rows})
    if fmt == "xls":
        return write_xls(tmp_path / "daftar.xls", rows)
    if fmt == "ods":
        return write_ods(tmp_path / "daftar.ods", rows[2:])
    _csv, sep, encoding = fmt.split("-", 2)
    rows = [[v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in r] for r in rows]
    return write_csv(tmp_path / "daftar.csv", rows, sep=sep, encoding=encoding)


@pytest.mark.parametrize(
    "fmt", ["xlsx", "xls", "ods", "csv-;-utf-8", "csv-,-utf-8", "csv-;-cp1252", "csv-,-cp1252"]
)
def test_every_format_gives_the_same_roster(tmp_path, fmt):
    result = parse(roster_file(tmp_path, fmt))
    got = [
        (r.data["nisn"], r.data["nis"], r.data["name"], r.data["gender"], r.data["birth_date"])
        for r in result.rows
    ]
    assert got == [s[:5] for s in STUDENTS]
    assert all(r.data["school_class"] == "XI TKJ 1" for r in result.rows)
    assert not result.rejected


def test_csv_in_windows_1252_keeps_accented_names(tmp_path):
    rows = roster_rows([("0081234567", "1", "José Ñoño", "L", "17/05/2008", "X A")])
    result = parse(write_csv(tmp_path / "a.csv", rows, encoding="cp1252"))
    assert result.rows[0].data["name"] == "José Ñoño"


def test_import_keeps_leading_zeros_of_nisn_stored_as_number(tmp_path):
    rows = [["NISN", "Nama", "JK"], [81234567, "Budi", "L"], [81234567.0 + 1, "Ani", "P"]]
    result = parse(write_openpyxl(tmp_path / "n.xlsx", rows))
    assert [r.data["nisn"] for r in result.rows] == ["0081234567", "0081234568"]


@pytest.mark.parametrize("value", ["12345678901", "12A4567890", "1.23457E+09", "0"])
def test_a_nisn_that_stays_invalid_is_a_row_error(tmp_path, value):
    rows = [["NISN", "Nama"], [value, "Budi"]]
    result = parse(write_csv(tmp_path / "n.csv", rows))
    assert result.rows[0].errors and "NISN" in result.rows[0].errors[0]


@pytest.mark.parametrize(
    "value, expected",
    [
        (39585, dt.date(2008, 5, 17)),
        ("17/05/2008", dt.date(2008, 5, 17)),
        ("17-5-2008", dt.date(2008, 5, 17)),
        ("2008-05-17", dt.date(2008, 5, 17)),
        ("17 Mei 2008", dt.date(2008, 5, 17)),
        (dt.datetime(2008, 5, 17, 0, 0), dt.date(2008, 5, 17)),
    ],
)
def test_dates_as_excel_serials_and_text(value, expected):
    assert parse_date(value) == expected


def test_unreadable_date_is_an_indonesian_error():
    with pytest.raises(ValueError, match="Tanggal tidak dikenali"):
        parse_date("kemarin")


def test_values_are_normalised():
    assert parse_nisn(81234567) == "0081234567"
    assert parse_score("85,5") == Decimal("85.50")
    assert parse_score(None) is None
    assert parse_term("Ganjil 2024/2025") == "2024-1"
    assert parse_term("Semester 2 2024/2025") == "2024-2"
    assert parse_term("Genap", default_year=2023) == "2023-2"


def test_header_is_found_below_title_rows_and_footer_is_skipped(tmp_path):
    rows = [
        ["PEMERINTAH PROVINSI DKI JAKARTA"],
        ["SMK NEGERI 99 JAKARTA", None, "NPSN : 20100001"],
        [None],
        ["No", "NISN", "Nama Siswa", "Jenis Kelamin", "Rombel"],
        [1, "0081234567", "Budi", "Laki-laki", "X TKR 1"],
        [None],
        [None, None, None, "Mengetahui, Kepala Sekolah"],
    ]
    result = parse(write_xlsx(tmp_path / "t.xlsx", {"Data": rows}))
    assert result.tables[0].header_row_numbers == [4]
    assert len(result.rows) == 1 and result.rows[0].data["gender"] == "L"
    assert result.npsn == "20100001"


def test_two_row_header_reads_pengetahuan_and_keterampilan(tmp_path):
    rows = [
        ["LEGER NILAI"],
        ["Semester : Ganjil 2024/2025"],
        ["No", "NISN", "Nama", "Matematika", None, "Bahasa Inggris", None],
        [None, None, None, "Pengetahuan", "Keterampilan", "P", "K"],
        [1, 81234567, "Budi", 80, 85.5, None, 90],
    ]
    path = write_xlsx(tmp_path / "leger.xlsx", {"Leger": rows}, merges=[])
    result = parse(path, "grades")
    assert result.layout == "wide" and result.term_code == "2024-1"
    assert result.rows[0].cells == [
        ("Matematika", "pengetahuan", "2024-1", Decimal("80.00")),
        ("Matematika", "keterampilan", "2024-1", Decimal("85.50")),
        ("Bahasa Inggris", "keterampilan", "2024-1", Decimal("90.00")),
    ]


def test_single_header_grades_are_nilai_akhir_and_term_option_wins(tmp_path):
    rows = [["Semester : Genap 2023/2024"], ["NIS", "Nama", "Matematika", "Rata-rata"]]
    rows.append(["2425001", "Budi", 77, 77])
    result = parse(write_csv(tmp_path / "l.csv", rows), "grades", term_code="2024-1")
    assert result.rows[0].cells == [("Matematika", "akhir", "2024-1", Decimal("77.00"))]


def test_blank_score_is_not_graded_and_bad_scores_are_row_errors(tmp_path):
    rows = [["NISN", "Nama", "MTK", "BIND"]]
    rows += [["0081234567", "A", None, 70], ["0081234568", "B", 101, "baik"]]
    result = parse(write_csv(tmp_path / "g.csv", rows), "grades", term_code="2024-1")
    assert [c[0] for c in result.rows[0].cells] == ["BIND"] and not result.rows[0].errors
    assert "MTK: Nilai 101 di luar rentang 0–100." in result.rows[1].errors
    assert "BIND: Nilai baik bukan angka." in result.rows[1].errors


def test_long_grade_layout_reads_the_term_of_each_row(tmp_path):
    rows = [["NISN", "Mata Pelajaran", "Semester", "Nilai"]]
    rows += [["0081234567", "Matematika", "2024-1", 80], ["0081234567", "Matematika", "2", 82]]
    result = parse(write_csv(tmp_path / "long.csv", rows, sep=","), "grades", term_code="2024-1")
    assert result.layout == "long"
    assert [r.cells[0][2] for r in result.rows] == ["2024-1", "2024-2"]


def test_grades_without_any_term_are_refused(tmp_path):
    rows = [["NISN", "Nama", "Matematika"], ["0081234567", "A", 80]]
    with pytest.raises(FileRejected, match="Semester tidak diketahui"):
        parse(write_csv(tmp_path / "g.csv", rows), "grades")


def test_attendance_recap_with_ketidakhadiran_over_s_i_a(tmp_path):
    rows = [
        ["Semester : Ganjil 2024/2025"],
        ["No", "NISN", "Nama", "Ketidakhadiran", None, None],
        [None, None, None, "S", "I", "A"],
        [1, "0081234567", "Budi", 2, None, 1],
    ]
    result = parse(write_csv(tmp_path / "r.csv", rows, encoding="cp1252"), "attendance")
    assert result.layout == "recap"
    assert {k: result.rows[0].data[k] for k in ("sakit", "izin", "alpa")} == {
        "sakit": 2,
        "izin": 0,
        "alpa": 1,
    }


def test_daily_grid_takes_month_from_sheet_name_and_skips_blanks(tmp_path):
    header = ["NISN", "Nama", *range(1, 32)]
    row = ["0081234567", "Budi", "H", "s", None, "I", "A", *(["H"] * 26)]
    result = parse(write_xlsx(tmp_path / "d.xlsx", {"Juli 2024": [header, row]}), "attendance")
    assert result.layout == "daily"
    cells = dict(result.rows[0].cells)
    assert cells[dt.date(2024, 7, 1)] == "H" and cells[dt.date(2024, 7, 2)] == "S"
    assert dt.date(2024, 7, 3) not in cells
    assert len(cells) == 30


def test_daily_grid_with_real_date_headers_and_bad_code(tmp_path):
    days = [dt.date(2025, 1, d) for d in range(6, 11)]
    rows = [["NIS", "Nama", *days], ["2425001", "Budi", "H", "H", "X", "H", "H"]]
    result = parse(write_xlsx(tmp_path / "d.xlsx", {"Data": rows}), "attendance")
    assert result.layout == "daily"
    assert "08/01/2025: Kode presensi X tidak dikenal (pakai H, S, I atau A)." in (
        result.rows[0].errors
    )


def test_the_same_student_twice_in_the_file_is_counted_once(tmp_path):
    rows = roster_rows([STUDENTS[0], STUDENTS[0]], title=False)
    result = parse(write_openpyxl(tmp_path / "dup.xlsx", rows))
    assert len(result.rows) == 1 and not result.rows[0].errors
    assert result.repeats == 1


def test_duplicate_nisn_with_different_data_marks_both_rows(tmp_path):
    moved = (*STUDENTS[0][:5], "XI TKJ 2")  # same child, two classes: which one is right?
    rows = roster_rows([STUDENTS[0], moved], title=False)
    result = parse(write_openpyxl(tmp_path / "dup.xlsx", rows))
    assert all("muncul lebih dari sekali" in " ".join(r.errors) for r in result.rows)


def test_formulas_give_their_cached_value_and_are_never_evaluated(tmp_path):
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["NISN", "Nama", "Matematika"])
    ws.write_row(1, 0, ["0081234567", "Budi"])
    ws.write_formula(1, 2, "=40+40", None, 75)  # cached 75; evaluating would give 80
    ws.write_row(2, 0, ["0081234568", "Ani"])
    ws.write_formula(2, 2, '=WEBSERVICE("http://example.invalid")', None, 60)
    book.close()
    result = parse(path, "grades", term_code="2024-1")
    assert [r.cells[0][3] for r in result.rows] == [Decimal("75.00"), Decimal("60.00")]


def test_text_starting_with_formula_characters_stays_text(tmp_path):
    rows = roster_rows([("0081234567", "1", '=HYPERLINK("x")', "L", None, "@SUM(A1)")])
    result = parse(write_xlsx(tmp_path / "t.xlsx", {"S": rows}))
    assert result.rows[0].data["name"] == '=HYPERLINK("x")'
    assert result.rows[0].data["school_class"] == "@SUM(A1)"


def test_escape_formula_prefixes_dangerous_text_only():
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("@cmd") == "'@cmd"
    assert escape_formula("+62 812") == "'+62 812"
    assert escape_formula("-5") == "-5"
    assert escape_formula("Budi") == "Budi"
    assert escape_formula(12) == 12


def test_macros_in_an_xlsm_are_ignored(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"S": roster_rows(STUDENTS)})
    macro = tmp_path / "m.xlsm"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b'Attribute VB_Name = "Evil"\nShell "rm -rf /"')
    assert len(parse(macro).rows) == 2


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.7 binary\x00\x01", "bukan spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "bukan spreadsheet"),
        (b"just one line of prose without separators", "bukan spreadsheet"),
        (b"<html><table><tr><td>NISN</td></tr></table></html>", "halaman web"),
        (b"", "File kosong"),
        (OLE_MAGIC + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "kata sandi"),
        (b"PK\x03\x04broken zip", "rusak"),
    ],
)
def test_bad_files_are_refused_with_an_indonesian_message(tmp_path, content, message):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message):
        parse(path)


def test_truncated_workbook_is_refused_as_corrupt(tmp_path):
    good = write_xlsx(tmp_path / "g.xlsx", {"S": roster_rows(STUDENTS)})
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(FileRejected, match="rusak"):
        parse(bad)


def test_zip_bomb_is_refused_before_parsing(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
    path = zip_bomb(tmp_path / "bomb.xlsx", megabytes=40)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(FileRejected, match="keamanan"):
        sniff_format(path)


def test_empty_sheet_and_missing_header_are_refused(tmp_path):
    empty = write_xlsx(tmp_path / "e.xlsx", {"Kosong": []})
    with pytest.raises(FileRejected, match="kosong"):
        parse(empty)
    no_header = write_csv(tmp_path / "n.csv", [["apa", "ini"], ["1", "2"]])
    with pytest.raises(FileRejected, match="judul kolom tidak ditemukan"):
        parse(no_header)


def test_size_and_row_limits(tmp_path, settings):
    path = write_csv(tmp_path / "big.csv", roster_rows(STUDENTS * 3, title=False))
    settings.IMPORT_MAX_FILE_BYTES = 50
    with pytest.raises(FileRejected, match="terlalu besar"):
        sniff_format(path)
    settings.IMPORT_MAX_FILE_BYTES = 20 * 1024 * 1024
    with pytest.raises(FileRejected, match="melebihi batas 3 baris"):
        parse_file(path, "csv", "roster", max_rows=3)
