"""One school in which every confidential value of a student is set to a word that appears
nowhere else, so a test can search any page, export, PDF or API answer for it.

- Student S in class A: walikelas leads A (and teaches class B). S has socio-economic values,
  a prediction whose reasons name them, an intervention (reason), a counselling session
  (notes), a "sangat rahasia" home visit (findings) and a parent contact (summary and
  follow-up), all by the bk, and a letter to the parents.
- Student T in class B: walikelas_b leads B. T has an intervention whose reason only bk,
  kepsek and walikelas_b may read (the walikelas of A only teaches B).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from interventions.contacts import services as contact_services
from interventions.models import InterventionSession, SessionKind, Status
from students.models import NonAcademicRating, Role, School, SchoolClass, Student, User
from tests.interventions.factories import InterventionFactory, SessionFactory
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    TermFactory,
    UserFactory,
)

TODAY = timezone.localdate()

# What each group of values is, as the text a page or PDF would print.
SOCIO = ["penerima KIP", "tidak berpenghasilan", "12,5 km", "Pemulung botol", "Buruh cuci"]
REASON = ["Ayah dipenjara sejak Juli"]  # intervention reason: counselling group
NOTES = ["Ibu menangis saat konseling", "utang rentenir", "Rujuk ke dinas sosial"]
VERY_CONFIDENTIAL = ["kekerasan ayah tiri"]  # a "sangat rahasia" home visit's findings
OTHER_CLASS = ["Korban perundungan kelas B"]  # T's intervention reason

SOCIO_FACTOR = {
    "code": "sosial_ekonomi",
    "weight": 0.9,
    "text": "Faktor sosial-ekonomi: penerima KIP, orang tua tidak berpenghasilan, "
    "jarak rumah 12,5 km",
}


@dataclass
class World:
    school: School
    users: dict[str, User]
    student: Student
    other: Student
    class_a: SchoolClass
    class_b: SchoolClass
    ids: dict[str, int] = field(default_factory=dict)


def build_world(school: School) -> World:
    users = {
        name: UserFactory(role=role, school=school, username=f"{name}_{school.pk}")
        for name, role in (
            ("operator", Role.OPERATOR),
            ("guru", Role.GURU),
            ("walikelas", Role.WALIKELAS),
            ("walikelas_b", Role.WALIKELAS),
            ("bk", Role.BK),
            ("kepsek", Role.KEPSEK),
        )
    }
    class_a = SchoolClassFactory(school=school, homeroom_teacher=users["walikelas"])
    class_b = SchoolClassFactory(school=school, homeroom_teacher=users["walikelas_b"])
    TeachingAssignmentFactory(teacher=users["walikelas"], school_class=class_b)
    TeachingAssignmentFactory(teacher=users["guru"], school_class=class_a)
    TeachingAssignmentFactory(teacher=users["guru"], school_class=class_b)
    student = StudentFactory(
        school=school,
        school_class=class_a,
        name="Sari Rahasia",
        income_bracket="Tidak berpenghasilan",
        distance_km="12,5",
        father_occupation="Pemulung botol",
        mother_occupation="Buruh cuci",
        kip_recipient=True,
    )
    other = StudentFactory(school=school, school_class=class_b, name="Tono Kelas B")
    version = ModelVersionFactory(school=school, is_active=True)
    alpa = {"code": "alpa", "weight": 0.4, "text": "Alpa 6 hari pada semester ini"}
    prediction = PredictionFactory(
        student=student, model_version=version, factors=[SOCIO_FACTOR, alpa]
    )
    PredictionFactory(student=other, model_version=version, factors=[alpa])
    NonAcademicRating.objects.create(
        student=other, term=TermFactory(year=2025, semester=1), motivation=1, social_skills=2
    )
    bk = users["bk"]
    intervention = InterventionFactory(
        student=student,
        owner=bk,
        status=Status.IN_PROGRESS,
        start_date=TODAY,
        reason=REASON[0],
        triggered_by=prediction,
    )
    SessionFactory(intervention=intervention, notes=NOTES[0], created_by=bk)
    visit = InterventionSession.objects.create(
        intervention=intervention,
        date=TODAY,
        kind=SessionKind.HOME_VISIT,
        very_confidential=True,
        findings=VERY_CONFIDENTIAL[0],
        created_by=bk,
    )
    contact = contact_services.parent_contact_record(
        user=bk,
        student=student,
        date=TODAY,
        channel="telepon",
        contact_person="Ibu kandung",
        summary=NOTES[1],
        follow_up=NOTES[2],
        follow_up_date=TODAY + dt.timedelta(days=7),
    )
    letter = contact_services.letter_create(
        user=bk,
        student=student,
        kind="panggilan",
        date=TODAY,
        subject="Panggilan orang tua",
        body="Mohon hadir di sekolah. Nama: {nama}",
    )
    other_intervention = InterventionFactory(
        student=other,
        owner=bk,
        status=Status.IN_PROGRESS,
        start_date=TODAY,
        reason=OTHER_CLASS[0],
    )
    return World(
        school=school,
        users=users,
        student=student,
        other=other,
        class_a=class_a,
        class_b=class_b,
        ids={
            "prediction": prediction.pk,
            "intervention": intervention.pk,
            "visit": visit.pk,
            "contact": contact.pk,
            "letter": letter.pk,
            "other_intervention": other_intervention.pk,
        },
    )


# Which roles (user names of the world) may read each group of values, anywhere.
READERS = {
    "socio": {"operator", "bk", "kepsek"},
    "reason": {"walikelas", "bk", "kepsek"},
    "notes": {"bk"},  # the owner (bk) and whoever recorded the contact (bk)
    "very_confidential": {"bk", "kepsek"},  # the owner and the kepala sekolah
    "other_class": {"walikelas_b", "bk", "kepsek"},
}
VALUES = {
    "socio": SOCIO,
    "reason": REASON,
    "notes": NOTES,
    "very_confidential": VERY_CONFIDENTIAL,
    "other_class": OTHER_CLASS,
}
