"""Interventions for the demo school, so its pages have something to show."""

import datetime as dt

import numpy as np
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from students.models import GradeRecord, School, Student, StudentStatus, User

from .models import Intervention, InterventionSession, Outcome, Programme, Status

DEMO_NOTES = [
    "Siswa bercerita sering membantu orang tua berjualan sampai malam, sehingga terlambat.",
    "Disepakati jadwal belajar bersama teman sebangku dua kali seminggu.",
    "Orang tua hadir; sepakat memantau kehadiran dan menghubungi wali kelas bila sakit.",
    "Nilai kejuruan mulai naik; siswa lebih percaya diri saat praktik.",
]


@transaction.atomic
def demo_interventions_seed(*, school: School, owner: User, seed: int) -> int:
    """A few interventions with sessions and notes for the demo, on students whose latest
    term average is lowest. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    programmes = list(Programme.objects.filter(school=school).order_by("id"))
    last_term = (
        GradeRecord.objects.filter(student__school=school)
        .order_by("-term__year", "-term__semester")
        .values_list("term_id", flat=True)
        .first()
    )
    if last_term is None or not programmes:
        return 0
    weakest = (
        Student.objects.filter(school=school, status=StudentStatus.AKTIF, grades__term=last_term)
        .annotate(avg=Avg("grades__score"))
        .order_by("avg", "id")[:8]
    )
    start = dt.date(2026, 2, 2)
    created = 0
    for k, student in enumerate(weakest):
        status = [Status.COMPLETED, Status.IN_PROGRESS, Status.PLANNED][k % 3]
        intervention = Intervention.objects.create(
            student=student,
            programme=programmes[k % len(programmes)],
            reason="Rata-rata semester terakhir di bawah KKM dan beberapa kali alpa.",
            goal="Rata-rata kembali di atas KKM pada semester berikutnya.",
            owner=owner,
            start_date=start + dt.timedelta(days=7 * k),
            status=status,
            outcome=Outcome.IMPROVED
            if status == Status.COMPLETED and k % 2 == 0
            else (Outcome.NO_CHANGE if status == Status.COMPLETED else Outcome.UNKNOWN),
        )
        n_sessions = 0 if status == Status.PLANNED else int(rng.integers(1, 4))
        next_follow_up = intervention.start_date
        for j in range(n_sessions):
            date = intervention.start_date + dt.timedelta(days=14 * j)
            next_follow_up = date + dt.timedelta(days=14)
            InterventionSession.objects.create(
                intervention=intervention,
                date=date,
                notes=DEMO_NOTES[(k + j) % len(DEMO_NOTES)],
                attended=bool(rng.random() > 0.15),
                next_follow_up=next_follow_up,
                created_by=owner,
            )
        if status == Status.COMPLETED:
            intervention.closing_note = "Dipantau wali kelas sampai akhir semester."
            intervention.closed_at = timezone.make_aware(
                dt.datetime.combine(next_follow_up, dt.time(12))
            )
        else:
            intervention.next_follow_up = next_follow_up
        intervention.save(update_fields=["closing_note", "closed_at", "next_follow_up"])
        created += 1
    return created


def demo_case_conference_seed(*, school: School, bk: User, guru: User, walikelas: User) -> int:
    """Issue 24 for the demo: a case conference about a student of the walikelas's class whose
    two decisions are the to-dos of the guru and the walikelas, so their home pages show them.
    Returns the number of to-dos made (0 when the class has no students)."""
    from interventions.cases import services as case_services
    from interventions.cases.session_services import session_record

    student = (
        Student.objects.filter(
            school=school, school_class__homeroom_teacher=walikelas, status=StudentStatus.AKTIF
        )
        .order_by("id")
        .first()
    )
    programme = Programme.objects.filter(school=school).order_by("id").first()
    if student is None or programme is None:
        return 0
    today = timezone.localdate()
    intervention = case_services.intervention_create(
        user=bk,
        student=student,
        programme=programme,
        reason="Alpa berulang dan nilai kejuruan turun; dibahas bersama guru dan wali kelas.",
        start_date=today - dt.timedelta(days=14),
    )
    session_record(
        intervention=intervention,
        user=bk,
        date=today - dt.timedelta(days=1),
        kind="case_conference",
        attendees="Guru BK, guru mata pelajaran, wali kelas, orang tua",
        notes="Orang tua bercerita tentang pekerjaan malam siswa.",
        decisions=[
            {"decision": "Beri tugas remedial dan pantau nilai harian dua minggu",
             "owner": guru, "due_date": today + dt.timedelta(days=7)},
            {"decision": "Telepon orang tua tentang kehadiran minggu ini",
             "owner": walikelas, "due_date": today + dt.timedelta(days=2)},
        ],
    )  # fmt: skip
    return 2
