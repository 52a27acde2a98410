import datetime as dt

import factory
from factory.django import DjangoModelFactory

from interventions import models
from students.models import Role
from tests.students.factories import SchoolFactory, StudentFactory, UserFactory


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = models.Programme
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = "Konseling individual"
    tier = models.Tier.TARGETED


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = models.Intervention

    student = factory.SubFactory(StudentFactory)
    programme = factory.SubFactory(
        ProgrammeFactory, school=factory.SelfAttribute("..student.school")
    )
    owner = factory.SubFactory(
        UserFactory, role=Role.BK, school=factory.SelfAttribute("..student.school")
    )
    reason = "Rata-rata di bawah KKM"
    goal = "Rata-rata di atas KKM"
    start_date = dt.date(2025, 1, 6)
    next_follow_up = factory.SelfAttribute("start_date")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = models.InterventionSession

    intervention = factory.SubFactory(InterventionFactory)
    date = factory.SelfAttribute("intervention.start_date")
    notes = "Siswa bercerita tentang masalah di rumah."
    created_by = factory.SelfAttribute("intervention.owner")
