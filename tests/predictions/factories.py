import factory
from factory.django import DjangoModelFactory

from predictions import models
from tests.students.factories import SchoolFactory, StudentFactory, TermFactory


class ModelVersionFactory(DjangoModelFactory):
    class Meta:
        model = models.ModelVersion

    school = factory.SubFactory(SchoolFactory)
    algorithm = "gbdt"
    version = factory.Sequence(lambda n: n + 1)
    metrics = factory.LazyFunction(lambda: {"macro_f1": 0.7})
    feature_schema = factory.LazyFunction(dict)
    artifact_path = factory.LazyAttribute(lambda o: f"models/{o.algorithm}-{o.version}.joblib")
    artifact_sha256 = "0" * 64
    data_fingerprint = "0" * 64
    library_versions = factory.LazyFunction(dict)


class PredictionFactory(DjangoModelFactory):
    class Meta:
        model = models.Prediction

    student = factory.SubFactory(StudentFactory)
    term = factory.SubFactory(TermFactory, year=2024, semester=2)
    based_on_term = factory.SubFactory(TermFactory, year=2024, semester=1)
    model_version = factory.SubFactory(
        ModelVersionFactory, school=factory.SelfAttribute("..student.school")
    )
    category = models.Category.KURANG
    p_kurang = 0.7
    p_sedang = 0.2
    p_baik = 0.1
    factors = factory.LazyFunction(
        lambda: [
            {"code": "avg_prev", "text": "Rata-rata semester lalu di bawah KKM", "weight": 0.4}
        ]
    )
