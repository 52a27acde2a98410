"""Seeding the demo: the district account, then each school with its staff, roster, history,
conduct points, interventions and counselling records (`seed_demo`), and removing them again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import transaction

from students.models import (
    AcademicTerm,
    AttendanceRecord,
    AttendanceSummary,
    GradeRecord,
    Major,
    NonAcademicRating,
    Role,
    School,
    SchoolClass,
    Student,
    Subject,
    SubjectGroup,
    TeachingAssignment,
    User,
)

from .conduct import ConductStory
from .history import make_history
from .roster import GENERAL_SUBJECTS, MAJORS, VOCATIONAL_SUBJECTS, make_staff_links, make_students
from .terms import demo_terms

DEMO_DISTRICT = "Jakarta Barat"


@dataclass(frozen=True)
class DemoConfig:
    schools: int = 2
    students: int = 500  # per school
    terms: int = 4
    seed: int = 42
    password: str = "smkdemo123"  # noqa: S105 — the printed demo password


def demo_npsn(index: int) -> str:
    return f"{20100000 + index:08d}"


def demo_username(base: str, school_index: int) -> str:
    return base if school_index == 1 else f"{base}_{school_index}"


def delete_demo_schools(n: int) -> None:
    """Remove earlier demo schools 1..n and everything that hangs off them."""
    npsns = [demo_npsn(i) for i in range(1, n + 1)]
    schools = School.objects.filter(npsn__in=npsns)
    from interventions.models import Intervention, Programme
    from predictions.models import ModelVersion, Prediction, TrainingRun
    from students.models import ImportBatch

    with transaction.atomic():
        Intervention.objects.filter(student__school__in=schools).delete()
        Prediction.objects.filter(student__school__in=schools).delete()
        ModelVersion.objects.filter(school__in=schools).delete()
        TrainingRun.objects.filter(school__in=schools).delete()
        ImportBatch.objects.filter(school__in=schools).delete()
        Programme.objects.filter(school__in=schools).delete()
        for model in (GradeRecord, AttendanceRecord, AttendanceSummary, NonAcademicRating):
            model.objects.filter(student__school__in=schools).delete()
        Student.objects.filter(school__in=schools).delete()
        TeachingAssignment.objects.filter(school_class__school__in=schools).delete()
        Subject.objects.filter(school__in=schools).delete()
        SchoolClass.objects.filter(school__in=schools).delete()
        Major.objects.filter(school__in=schools).delete()
        User.objects.filter(school__in=schools).delete()
        User.objects.filter(username="sudin").delete()
        schools.delete()


def seed_demo(config: DemoConfig, *, only: Sequence[int] | None = None) -> dict:
    """Create `config.schools` demo schools with their staff accounts and history.

    Deterministic for a seed. Returns a summary: schools, students, grade and attendance rows.
    `only` seeds just those school numbers (1-based): each school draws from its own random
    stream, so school 2 seeded later is the same as school 2 seeded together with school 1.
    """
    np.random.default_rng(config.seed)
    password_hash = make_password(config.password)  # hashed once: PBKDF2 is slow on purpose
    term_keys = demo_terms(config.terms)
    summary = {"schools": [], "students": 0, "grades": 0, "attendance": 0}
    with transaction.atomic():
        terms = [
            AcademicTerm.objects.get_or_create(
                code=f"{y}-{s}", defaults={"year": y, "semester": s}
            )[0]
            for y, s in term_keys
        ]
        User.objects.update_or_create(
            username="sudin",
            defaults={
                "role": Role.SUDIN,
                "district": DEMO_DISTRICT,
                "password": password_hash,
                "first_name": "Suku Dinas",
                "last_name": "Pendidikan Wilayah I Jakarta Barat",
            },
        )
    for index in range(1, config.schools + 1):
        if only is not None and index not in only:
            continue
        child = np.random.default_rng([config.seed, index])
        counts = _seed_school(index, config, terms, child, password_hash)
        summary["schools"].append(demo_npsn(index))
        for key in ("students", "grades", "attendance"):
            summary[key] += counts[key]
    return summary


def _seed_school(
    index: int,
    config: DemoConfig,
    terms: list[AcademicTerm],
    rng: np.random.Generator,
    password_hash: str,
) -> dict:
    with transaction.atomic():
        school = School.objects.create(
            npsn=demo_npsn(index),
            name=f"SMK Negeri {index * 7 + 1} Jakarta (Demo)",
            city="Jakarta Barat",
            district=DEMO_DISTRICT,
        )
        users = {
            role: User.objects.create(
                username=demo_username(role, index),
                role=role,
                school=school,
                password=password_hash,
                first_name=title,
                last_name=f"Demo {index}",
            )
            for role, title in [
                (Role.OPERATOR, "Operator"),
                (Role.GURU, "Guru Matematika"),
                (Role.WALIKELAS, "Wali Kelas"),
                (Role.BK, "Guru BK"),
                (Role.KEPSEK, "Kepala Sekolah"),
            ]
        }
        majors = {
            code: Major.objects.create(school=school, code=code, name=name, field=field)
            for code, name, field, _share in MAJORS
        }
        general = [
            Subject.objects.create(school=school, code=code, name=name, group=SubjectGroup.UMUM)
            for code, name in GENERAL_SUBJECTS
        ]
        vocational = {
            code: [
                Subject.objects.create(
                    school=school,
                    code=f"{code}-{k + 1}",
                    name=name,
                    group=SubjectGroup.KEJURUAN,
                    major=majors[code],
                )
                for k, name in enumerate(names)
            ]
            for code, names in VOCATIONAL_SUBJECTS.items()
        }
        students, classes = make_students(school, majors, config, rng)
        make_staff_links(users, classes, general, terms)
        from interventions.conduct.models import Behaviour
        from interventions.conduct.services import point_catalogue_seed

        point_catalogue_seed(school=school)
        behaviours = {b.name: b for b in Behaviour.objects.filter(school=school)}
        conduct = ConductStory(
            np.random.default_rng([config.seed, index, 17]), students, behaviours, users[Role.BK]
        )
        counts = make_history(
            students, classes, general, vocational, terms, rng, users, conduct=conduct
        )
        from interventions.conduct.services import point_thresholds_evaluate

        # The history writes entries in bulk: the students past a threshold get its to-do.
        point_thresholds_evaluate(school_id=school.pk)
        from interventions.cases.demo import demo_interventions_seed
        from interventions.cases.programmes import programme_catalogue_seed

        programme_catalogue_seed(school=school)
        demo_interventions_seed(school=school, owner=users[Role.BK], seed=config.seed + index)
        from interventions.contacts.services import demo_counselling_seed

        demo_counselling_seed(
            school=school, walikelas=users[Role.WALIKELAS], seed=config.seed + index
        )
        from interventions.cases.demo import demo_case_conference_seed

        demo_case_conference_seed(
            school=school,
            bk=users[Role.BK],
            guru=users[Role.GURU],
            walikelas=users[Role.WALIKELAS],
        )
    return {"students": len(students), **counts}
