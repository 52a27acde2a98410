import factory
from factory.django import DjangoModelFactory

from predictions import models
from predictions.services import predictions_refresh_current
from tests.students.factories import SchoolFactory, StudentFactory, TermFactory


def cv_entry(acc: float = 0.8, cm=None) -> dict:
    """One algorithm's metrics in the shape the training engine stores."""
    ms = lambda m: {"mean": m, "std": 0.02}  # noqa: E731
    return {
        "accuracy": ms(acc),
        "macro_f1": ms(acc - 0.05),
        "macro_precision": ms(acc - 0.04),
        "macro_recall": ms(acc - 0.03),
        "recall_kurang": ms(acc - 0.1),
        "recall_per_class": {"kurang": ms(acc - 0.1), "sedang": ms(acc), "baik": ms(acc + 0.05)},
        "roc_auc_ovr": ms(0.9),
        "brier": ms(0.2),
        "confusion_matrix": cm or [[40, 8, 2], [6, 120, 14], [1, 12, 97]],
        "reliability_kurang": {
            "bin_low": [0.0, 0.4, 0.8],
            "mean_predicted": [0.1, 0.5, 0.9],
            "observed_rate": [0.12, 0.45, 0.88],
            "count": [150, 60, 40],
        },
        "fit_seconds": 1.5,
    }


def full_metrics(algorithm: str = "rnn", acc: float = 0.8) -> dict:
    models_ = {a: cv_entry(acc - 0.02 * i) for i, a in enumerate(["rnn", "cnn", "rf", "lr"])}
    models_[algorithm] = cv_entry(acc)
    models_["rnn"]["network"] = "rnn"
    models_["cnn"]["network"] = "cnn"
    models_["ensemble"] = {
        **cv_entry(acc - 0.01),
        "members": ["rnn", "cnn", "rf", "lr"],
        "weights": {"rnn": 0.4, "cnn": 0.3, "rf": 0.2, "lr": 0.1},
    }
    return {
        "labels": ["kurang", "sedang", "baik"],
        "folds": 5,
        "n_samples": 300,
        "n_students": 120,
        "cv": models_[algorithm],
        "all_models": models_,
        "fairness": {
            "major": [
                {
                    "group": "Teknik Komputer",
                    "n": 80,
                    "n_kurang": 12,
                    "recall_kurang": 0.83,
                    "fpr_kurang": 0.05,
                },
            ],
            "gender": [
                {"group": "L", "n": 60, "n_kurang": 9, "recall_kurang": 0.7, "fpr_kurang": 0.06},
                {"group": "P", "n": 60, "n_kurang": 7, "recall_kurang": 0.75, "fpr_kurang": 0.04},
            ],
        },
        "temporal": {"test_term": "2025-2", "accuracy": 0.77, "macro_f1": 0.7},
        "calibration": {
            "model": algorithm,
            "method": "temperature",
            "inner_brier": {"none": 0.21, "temperature": 0.19},
            "before": {
                "brier": {"mean": 0.21, "std": 0.02},
                "ece_kurang": {"mean": 0.091, "std": 0.03},
                "ece_pooled": {"kurang": 0.072, "sedang": 0.05, "baik": 0.04},
            },
            "after": {
                "brier": {"mean": 0.19, "std": 0.02},
                "ece_kurang": {"mean": 0.064, "std": 0.02},
                "ece_pooled": {"kurang": 0.031, "sedang": 0.03, "baik": 0.03},
            },
            "method_per_fold": ["temperature"] * 5,
        },
        "cv_plan": {"folds_requested": 5, "folds": 5, "big_school_rule": False, "pruned": {}},
        "device": "cpu",
    }


class TrainingRunFactory(DjangoModelFactory):
    class Meta:
        model = models.TrainingRun

    school = factory.SubFactory(SchoolFactory)
    status = models.RunStatus.SUCCEEDED
    progress = 100
    config = factory.LazyFunction(lambda: {"models": ["rnn", "cnn", "rf", "lr"], "folds": 5})


class ModelVersionFactory(DjangoModelFactory):
    class Meta:
        model = models.ModelVersion

    school = factory.SubFactory(SchoolFactory)
    training_run = factory.SubFactory(TrainingRunFactory, school=factory.SelfAttribute("..school"))
    algorithm = "rnn"
    version = factory.Sequence(lambda n: n + 1)
    metrics = factory.LazyAttribute(lambda o: full_metrics(o.algorithm))
    artifact_path = factory.LazyAttribute(lambda o: f"models/{o.algorithm}-v{o.version}.keras")
    artifact_sha256 = "0" * 64
    data_fingerprint = "f" * 64
    # The first version of a school is its active one (at most one may be active).
    is_active = factory.LazyAttribute(
        lambda o: not models.ModelVersion.objects.filter(school=o.school, is_active=True).exists()
    )


class PredictionFactory(DjangoModelFactory):
    class Meta:
        model = models.Prediction
        skip_postgeneration_save = True  # the hook below saves what it changes itself

    student = factory.SubFactory(StudentFactory)
    term = factory.SubFactory(TermFactory, year=2025, semester=2)
    based_on_term = factory.SubFactory(TermFactory, year=2025, semester=1)
    model_version = factory.SubFactory(
        ModelVersionFactory, school=factory.SelfAttribute("..student.school")
    )
    category = "kurang"
    p_kurang = factory.LazyAttribute(
        lambda o: {"kurang": 0.7, "sedang": 0.2, "baik": 0.1}[o.category]
    )
    p_sedang = 0.2
    p_baik = factory.LazyAttribute(lambda o: round(1 - o.p_kurang - o.p_sedang, 6))
    factors = factory.LazyFunction(
        lambda: [
            {"code": "alpa", "text": "Alpa 6 hari pada semester ini", "weight": 0.4},
            {"code": "mtk", "text": "Nilai Matematika turun 12 poin", "weight": 0.3},
        ]
    )

    @factory.post_generation
    def _current(obj, create, extracted, **kwargs):  # noqa: N805
        # As the scoring service does: the student's newest prediction is the current one.
        if create:
            predictions_refresh_current(student_ids=[obj.student_id])
            obj.refresh_from_db(fields=["is_current"])


class PredictionFeedbackFactory(DjangoModelFactory):
    class Meta:
        model = models.PredictionFeedback

    prediction = factory.SubFactory(PredictionFactory)
    # The flag answered is the prediction's (as `prediction_feedback_record` stores it).
    student = factory.SelfAttribute("prediction.student")
    term = factory.SelfAttribute("prediction.term")
    category = factory.SelfAttribute("prediction.category")
    user = factory.SubFactory(
        "tests.students.factories.UserFactory",
        school=factory.SelfAttribute("..prediction.student.school"),
    )
    agrees = True
