"""The operator's first-day checklist on the home page (issue 26, item 5): each step of
setting up a school, its state in real counts and the page that does it. Steps: the roster
(Dapodik or an upload), the classes' majors, grade ledgers, attendance, the first flags and
the first model."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from predictions.pooled import pooled_refusal
from students.importers.majors import UNASSIGNED_CODE
from students.models import (
    AttendanceRecord,
    AttendanceSummary,
    DapodikConnection,
    GradeRecord,
    ImportBatch,
    ImportStatus,
    School,
    SchoolClass,
    Student,
    StudentStatus,
    User,
)


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    state: str
    url: str
    action: str


def _roster(school: School) -> Step:
    active = Student.objects.filter(school=school, status=StudentStatus.AKTIF).count()
    connection = DapodikConnection.objects.filter(school=school).first()
    via = ""
    if connection and connection.last_sync_at:
        via = " · " + (
            _("Dapodik tersambung") if connection.last_ok else _("tarikan Dapodik terakhir gagal")
        )
    state = (
        ngettext("%(n)s siswa aktif", "%(n)s siswa aktif", active) % {"n": active}
        if active
        else _("Belum ada siswa")
    )
    return Step(
        "roster",
        _("Daftar siswa (Dapodik atau unggah)"),
        active > 0,
        state + via,
        reverse("students:dapodik"),
        _("Tarik dari Dapodik") if not active else _("Sinkronkan dengan Dapodik"),
    )


def _majors(school: School) -> Step:
    classes = SchoolClass.objects.filter(school=school)
    total = classes.count()
    unassigned = classes.filter(major__code=UNASSIGNED_CODE).count()
    if not total:
        state = _("Belum ada kelas")
    elif unassigned:
        state = ngettext(
            "%(n)s kelas belum punya kompetensi keahlian",
            "%(n)s kelas belum punya kompetensi keahlian",
            unassigned,
        ) % {"n": unassigned}
    else:
        state = ngettext(
            "%(n)s kelas, semua dengan kompetensi keahlian",
            "%(n)s kelas, semua dengan kompetensi keahlian",
            total,
        ) % {"n": total}
    return Step(
        "majors",
        _("Kompetensi keahlian tiap kelas"),
        bool(total) and not unassigned,
        state,
        reverse("students:import_setup"),
        _("Rapikan kelas"),
    )


def _grades(school: School) -> Step:
    terms = (
        GradeRecord.objects.filter(student__school=school)
        .values_list("term__code", flat=True)
        .distinct()
        .count()
    )
    state = (
        ngettext("Nilai %(n)s semester", "Nilai %(n)s semester", terms) % {"n": terms}
        if terms
        else _("Belum ada leger nilai")
    )
    url = reverse("students:imports") + "?kind=grades"
    return Step("grades", _("Leger nilai"), terms > 0, state, url, _("Unggah leger"))


def _attendance(school: School) -> Step:
    recaps = AttendanceSummary.objects.filter(student__school=school).exists()
    daily = recaps or AttendanceRecord.objects.filter(student__school=school).exists()
    state = _("Presensi sudah ada") if daily else _("Belum ada presensi")
    url = reverse("students:imports") + "?kind=attendance"
    return Step("attendance", _("Presensi"), daily, state, url, _("Unggah rekap presensi"))


def _flags(indicators, has_model: bool) -> Step:
    url = reverse("students:indicators")
    if has_model:  # not counted here: a big school's flags are read on the risk list only
        state = _("Model aktif; tanda indikator tetap tersedia sebagai pembanding")
        return Step("flags", _("Tanda pertama"), True, state, url, _("Atur batas indikator"))
    if indicators is None or indicators.term is None:
        state, done = _("Menunggu nilai atau presensi"), False
    else:
        done = True
        state = ngettext(
            "%(n)s siswa ditandai, berdasarkan indikator",
            "%(n)s siswa ditandai, berdasarkan indikator",
            indicators.flagged,
        ) % {"n": indicators.flagged}
        state += " " + _("(belum model)")
    return Step("flags", _("Tanda pertama"), done, state, url, _("Atur batas indikator"))


def _model(school: School, version) -> Step:
    pending = ImportBatch.objects.filter(
        school=school, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)
    ).exists()
    if version:
        state = _("Model aktif: %(a)s v%(v)s") % {
            "a": version.algorithm.upper(),
            "v": version.version,
        }
        if version.is_pooled:
            state += " · " + _("model bersama (dilatih dari sekolah lain)")
    else:
        state = _(
            "Belum ada model: perlu nilai dua semester berturut-turut (semester dan hasil "
            "semester berikutnya)"
        )
        if pending:
            state += " · " + _("impor masih berjalan")
        elif pooled_refusal(school=school) is None:
            state += " · " + _("sampai itu, model bersama dari sekolah lain dapat dipakai")
    url = reverse("predictions:training")
    return Step("model", _("Model pertama"), version is not None, state, url, _("Latih model"))


def operator_checklist(*, user: User, indicators, version) -> list[Step]:
    """The six steps for the operator's school, in the order a school does them.
    `indicators`: the school's flags (risk.selectors.risk_indicator_list) and `version`: its
    active model or None, both read by the home page (the page packages do not import each
    other)."""
    school = user.school
    return [
        _roster(school),
        _majors(school),
        _grades(school),
        _attendance(school),
        _flags(indicators, version is not None),
        _model(school, version),
    ]
