"""The first day at a new school, driven in Chromium (issue 26, item 5): the steps shared by
the browser journey (test_first_day.py) and benchmarks/first_day.py. `Journey` counts every
click (a button or link pressed, a file or an option chosen) and times the run."""

from __future__ import annotations

import time
from pathlib import Path

from tests.students.dapodik.server import NAMES, student_rows
from tests.students.spreadsheets import write_xlsx

SUBJECTS = ["Matematika", "Bahasa Indonesia", "Bahasa Inggris", "Dasar-dasar Kejuruan"]
TERM_TITLE = "Semester : Ganjil 2025/2026"


class Journey:
    def __init__(self, page, base_url: str):
        self.page, self.base = page, base_url.rstrip("/")
        self.clicks = 0
        self.started = time.monotonic()
        self.marks: dict[str, float] = {}

    def click(self, locator) -> None:
        self.clicks += 1
        locator.click()

    def choose_file(self, selector: str, path: Path) -> None:
        self.clicks += 1
        self.page.set_input_files(selector, str(path))

    def choose(self, selector: str, value: str) -> None:
        self.clicks += 1
        self.page.select_option(selector, value)

    def mark(self, name: str) -> None:
        self.marks[name] = round(time.monotonic() - self.started, 2)

    def sign_in(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base}/accounts/login/")  # the address typed once: no click
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.click(self.page.locator("button[type=submit]"))

    def sign_out(self) -> None:
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible():  # a phone: the menu is folded
            self.click(toggler)
        self.click(self.page.get_by_role("button", name="Keluar"))

    def home(self) -> None:
        self.click(self.page.locator("a.navbar-brand"))

    def upload(self, kind: str, path: Path, *, create_missing: bool) -> None:
        """From the import page: choose the kind and file, preview, confirm, read the summary."""
        page = self.page
        self.choose("select[name=kind]", kind)
        self.choose_file("input[name=file]", path)
        if create_missing:
            self.click(page.locator("input[name=create_missing]"))
        self.click(page.get_by_role("button", name="Unggah dan pratinjau"))
        page.get_by_test_id("preview-counts").wait_for(timeout=90_000)
        self.click(page.get_by_test_id("confirm"))
        page.get_by_test_id("import-summary").wait_for(timeout=90_000)

    def confirm_preview(self) -> None:
        self.page.get_by_test_id("preview-counts").wait_for(timeout=90_000)
        self.click(self.page.get_by_test_id("confirm"))
        self.page.get_by_test_id("import-summary").wait_for(timeout=90_000)

    def back_to_imports(self) -> None:
        self.click(self.page.locator("main a", has_text="Impor data").first)

    def result(self) -> dict:
        return {"seconds": round(time.monotonic() - self.started, 2), "clicks": self.clicks,
                "marks": self.marks}  # fmt: skip


def students(n: int = 12) -> list[dict]:
    return student_rows(n)


def ledger(folder: Path, rows: list[dict]) -> Path:
    """One term's ledger: every third student below KKM (75) in two subjects or more."""
    table = [["LEGER NILAI"], [TERM_TITLE], ["No", "NISN", "Nama", *SUBJECTS]]
    for i, s in enumerate(rows):
        low = i % 3 == 0
        scores = [62, 68, 80, 78] if low else [82, 85, 79, 88]
        table.append([i + 1, s["nisn"], s["nama"], *scores])
    return write_xlsx(folder / "leger-ganjil.xlsx", {"Leger": table})


def recap(folder: Path, rows: list[dict]) -> Path:
    """One term's attendance recap: every fourth student with 6 days alpa."""
    table = [["REKAP PRESENSI"], [TERM_TITLE], ["NISN", "Nama", "S", "I", "A", "Hari Efektif"]]
    for i, s in enumerate(rows):
        table.append([s["nisn"], s["nama"], 1, 0, 6 if i % 4 == 1 else 0, 100])
    return write_xlsx(folder / "rekap-presensi.xlsx", {"Rekap": table})


def roster(folder: Path, rows: list[dict]) -> Path:
    table = [["DAFTAR PESERTA DIDIK"], ["NISN", "NIPD", "Nama", "JK", "Tanggal Lahir", "Rombel"]]
    for s in rows:
        table.append([s["nisn"], s["nipd"], s["nama"], s["jenis_kelamin"], s["tanggal_lahir"],
                      s["nama_rombel"]])  # fmt: skip
    return write_xlsx(folder / "daftar-siswa.xlsx", {"Siswa": table})


def expected_flagged(rows: list[dict]) -> set[str]:
    return {s["nama"] for i, s in enumerate(rows) if i % 3 == 0 or i % 4 == 1}


__all__ = ["NAMES", "Journey", "expected_flagged", "ledger", "recap", "roster", "students"]
