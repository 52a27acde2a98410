import datetime as dt

import factory
from factory.django import DjangoModelFactory

from students import models


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = models.School

    npsn = factory.Sequence(lambda n: f"{30100000 + n:08d}")
    name = factory.Sequence(lambda n: f"SMK Uji {n}")
    city = "Jakarta Barat"
    district = "Jakarta Barat"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = models.Role.GURU
    school = factory.SubFactory(SchoolFactory)
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MajorFactory(DjangoModelFactory):
    class Meta:
        model = models.Major

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    name = factory.Sequence(lambda n: f"Kompetensi {n}")
    field = "teknik"


class TermFactory(DjangoModelFactory):
    class Meta:
        model = models.AcademicTerm
        django_get_or_create = ("code",)

    year = 2024
    semester = 1
    code = factory.LazyAttribute(lambda o: f"{o.year}-{o.semester}")


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = models.SchoolClass

    school = factory.SubFactory(SchoolFactory)
    major = factory.SubFactory(MajorFactory, school=factory.SelfAttribute("..school"))
    name = factory.Sequence(lambda n: f"XI UJI {n}")
    grade_level = 11
    academic_year = 2024


class StudentFactory(DjangoModelFactory):
    class Meta:
        model = models.Student

    school = factory.SubFactory(SchoolFactory)
    nisn = factory.Sequence(lambda n: f"{n:010d}")
    nis = factory.Sequence(lambda n: f"N{n}")
    name = factory.Sequence(lambda n: f"Siswa {n}")
    gender = "P"
    birth_date = dt.date(2008, 5, 17)
    school_class = factory.SubFactory(SchoolClassFactory, school=factory.SelfAttribute("..school"))
    major = factory.SelfAttribute("school_class.major")


class SubjectFactory(DjangoModelFactory):
    class Meta:
        model = models.Subject

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Mapel {n}")
    group = "umum"


class TeachingAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = models.TeachingAssignment

    teacher = factory.SubFactory(UserFactory)
    school_class = factory.SubFactory(SchoolClassFactory)
    subject = factory.SubFactory(
        SubjectFactory, school=factory.SelfAttribute("..school_class.school")
    )
    term = factory.SubFactory(TermFactory)
