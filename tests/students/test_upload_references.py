"""Issue 25 ("also"): the size pre-check reads a cell's reference the way the reader's XML
parser does. A far cell written `r='XFD1048576'`, with a tab before the attribute, spaces
around `=` or in lower case used to pass the pre-check and was stopped only by the child's
memory cap; now the sheet is refused up front with its size."""

import zipfile

import pytest

from students.importers import FileRejected, sniff_format
from students.importers.grid import xlsx_extents
from students.importers.reading import read_sheets
from tests.students.crafted import write_raw_xlsx

FAR = "XFD200000"


def _respell(path, spelling: str):
    """Rewrite the far cell's tag of a raw xlsx as `spelling` (the rest stays)."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    assert f'<c r="{FAR}">' in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(f'<c r="{FAR}">', spelling).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


SPELLINGS = [
    f"<c r='{FAR}'>",
    f'<c\tr="{FAR}">',
    f'<c\nr="{FAR}">',
    f'<c r = "{FAR}">',
    f"<c s=\"0\"\tr='{FAR}'>",
    f'<c r="{FAR.lower()}">',
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_pre_check_measures_oddly_written_far_cells(tmp_path, spelling):
    path = write_raw_xlsx(tmp_path / "aneh.xlsx", [("A1", 1), (FAR, 2)])
    _respell(path, spelling)
    assert xlsx_extents(str(path)) == {"Data": (200_000, 16_384)}


@pytest.mark.parametrize("spelling", [SPELLINGS[0], SPELLINGS[1]])
def test_such_a_sheet_is_refused_with_its_size(tmp_path, spelling, settings):
    path = _respell(write_raw_xlsx(tmp_path / "aneh.xlsx", [("A1", 1), (FAR, 2)]), spelling)
    with pytest.raises(FileRejected) as refused:
        read_sheets(path, sniff_format(path), max_rows=200_000)
    assert refused.value.code == "too_many_cells"
    assert "3.276.800.000 sel" in refused.value.messages[0]


def test_ordinary_sheets_measure_as_before(tmp_path):
    path = write_raw_xlsx(tmp_path / "biasa.xlsx", [("A1", 1), ("C4", 2)])
    assert xlsx_extents(str(path)) == {"Data": (4, 3)}
