"""Issue 23, item 8: a teacher's answer belongs to the student, the term and the flag they
answered. A new model that keeps the flag keeps the answer ("dari prediksi sebelumnya"); one
that changes it shows the old answer beside the new flag and asks again. The model page and
the effectiveness page count carried-over answers."""

import pytest
from django.test import Client

from interventions.cases import reports
from predictions.feedback import prediction_feedback_record
from predictions.models import ModelVersion, PredictionFeedback
from predictions.quality import (
    prediction_verification_rate,
    teacher_precision,
    verification_rates_by_version,
)
from predictions.selectors import student_prediction_history
from students.models import Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

NOTE = "Alpa karena membantu orang tua di sawah"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def activate(version: ModelVersion) -> None:
    ModelVersion.objects.filter(school=version.school).update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)


@pytest.fixture
def world(make_user, school):
    """Rina (kurang for Ganjil 2026/2027 by the old model) in the walikelas's class; a guru
    who teaches the class; the old model active, a new one trained."""
    walikelas = make_user(Role.WALIKELAS, school=school, first_name="Bu Sari")
    klass = SchoolClassFactory(school=school, homeroom_teacher=walikelas)
    guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=guru, school_class=klass)
    student = StudentFactory(school=school, school_class=klass, name="Rina Perlu Dibantu")
    term, based_on = TermFactory(year=2026, semester=1), TermFactory(year=2025, semester=2)
    old = ModelVersionFactory(school=school, algorithm="lr")
    new = ModelVersionFactory(school=school, algorithm="ensemble", is_active=False)
    first = PredictionFactory(student=student, term=term, based_on_term=based_on, model_version=old)
    return {
        "school": school,
        "walikelas": walikelas,
        "guru": guru,
        "student": student,
        "term": term,
        "based_on": based_on,
        "old": old,
        "new": new,
        "first": first,
    }


def new_model_predicts(world, category: str):
    """The new model scores Rina for the same term and becomes the active model."""
    prediction = PredictionFactory(
        student=world["student"],
        term=world["term"],
        based_on_term=world["based_on"],
        model_version=world["new"],
        category=category,
    )
    activate(world["new"])
    return prediction


def profile(user, student) -> str:
    response = client_for(user).get(f"/students/{student.id}/")
    assert response.status_code == 200
    return response.content.decode()


def current_card(body: str) -> str:
    """The first prediction card (the newest, the one "berlaku sekarang")."""
    start = body.index('data-testid="prediction"')
    end = body.index('data-testid="prediction"', start + 1)
    return body[start:end]


def test_a_new_model_with_the_same_flag_keeps_the_answer_as_dari_prediksi_sebelumnya(world):
    client_for(world["walikelas"]).post(
        f"/predictions/{world['first'].id}/feedback/", {"agrees": "0", "note": NOTE}
    )
    current = new_model_predicts(world, "kurang")

    card = current_card(profile(world["walikelas"], world["student"]))
    assert f'data-prediction-id="{current.id}"' in card and "berlaku sekarang" in card
    assert 'data-testid="feedback-saved"' in card and 'data-testid="feedback-carried"' in card
    assert "dari prediksi sebelumnya" in card
    assert f'id="disagree-{current.id}" checked' in card and NOTE in card
    assert 'data-testid="feedback-earlier"' not in card
    # still one answer: the teacher is not asked twice
    assert PredictionFeedback.objects.count() == 1


def test_answering_the_carried_flag_again_replaces_the_answer_and_points_it_at_the_new_card(
    world,
):
    prediction_feedback_record(
        prediction=world["first"], user=world["walikelas"], agrees=False, note=NOTE
    )
    current = new_model_predicts(world, "kurang")
    prediction_feedback_record(prediction=current, user=world["walikelas"], agrees=True)
    answer = PredictionFeedback.objects.get()
    assert (answer.prediction_id, answer.agrees, answer.note) == (current.id, True, "")
    history = student_prediction_history(student=world["student"], user=world["walikelas"])
    assert [(p.id, p.my_feedback.pk, p.feedback_carried) for p in history] == [
        (current.id, answer.pk, False),
        (world["first"].id, answer.pk, False),  # answered on a newer card: not "sebelumnya"
    ]


def test_a_changed_flag_shows_the_old_answer_beside_it_and_asks_again(world):
    client_for(world["walikelas"]).post(
        f"/predictions/{world['first'].id}/feedback/", {"agrees": "0", "note": NOTE}
    )
    current = new_model_predicts(world, "sedang")

    card = current_card(profile(world["walikelas"], world["student"]))
    assert f'data-prediction-id="{current.id}"' in card
    assert 'data-testid="feedback-saved"' not in card  # asked again
    assert " checked" not in card
    earlier = card[card.index('data-testid="feedback-earlier"') :]
    assert "Kategori berubah" in earlier and "Perlu perhatian" in earlier
    assert "tidak sesuai" in earlier and NOTE in earlier

    client_for(world["walikelas"]).post(f"/predictions/{current.id}/feedback/", {"agrees": "1"})
    answers = PredictionFeedback.objects.order_by("id")
    assert [(a.category, a.agrees) for a in answers] == [("kurang", False), ("sedang", True)]
    card = current_card(profile(world["walikelas"], world["student"]))
    assert 'data-testid="feedback-saved"' in card and 'data-testid="feedback-earlier"' not in card
    assert 'data-testid="feedback-carried"' not in card


def test_a_rescoring_that_rewrites_the_answered_row_in_place_does_not_keep_the_answer(world):
    """A re-scoring of the same model and term rewrites a referenced prediction in place:
    the answer was about "perlu perhatian", not about the row."""
    prediction_feedback_record(prediction=world["first"], user=world["walikelas"], agrees=True)
    first = world["first"]
    first.category = "baik"
    first.save(update_fields=["category"])
    [p] = student_prediction_history(student=world["student"], user=world["walikelas"])
    assert p.my_feedback is None and p.earlier_feedback.category == "kurang"


def test_a_teacher_never_sees_another_teachers_carried_answer_or_note(world, make_user):
    prediction_feedback_record(
        prediction=world["first"], user=world["walikelas"], agrees=False, note=NOTE
    )
    new_model_predicts(world, "kurang")
    body = profile(world["guru"], world["student"])
    assert NOTE not in body
    for testid in ("feedback-saved", "feedback-carried", "feedback-earlier", "teacher-notes"):
        assert f'data-testid="{testid}"' not in body
    # bk keeps reading every teacher's note in the notes list, as before (issue 14), but the
    # card's own answer is bk's own
    bk = profile(make_user(Role.BK, school=world["school"]), world["student"])
    assert NOTE in bk and 'data-testid="teacher-notes"' in bk
    assert 'data-testid="feedback-carried"' not in bk


def test_model_page_counts_carried_answers_for_the_new_model(world, make_user):
    for agrees in (True, False):
        teacher = make_user(Role.BK, school=world["school"])
        prediction_feedback_record(prediction=world["first"], user=teacher, agrees=agrees)
    new_model_predicts(world, "kurang")
    new, old = world["new"], world["old"]
    assert prediction_verification_rate(school=world["school"], model_version=new) == {
        "n": 2,
        "agrees": 1,
        "rate": 0.5,
    }
    by_version = verification_rates_by_version(school=world["school"])
    assert by_version[new.id] == by_version[old.id] == {"n": 2, "agrees": 1, "rate": 0.5}
    assert prediction_verification_rate(school=world["school"]) == {
        "n": 2,
        "agrees": 1,
        "rate": 0.5,
    }
    precision = teacher_precision(version=new, k=5)
    assert precision["kurang"]["n"] == 2 and precision["at_k"]["n"] == 2

    kepsek = make_user(Role.KEPSEK, school=world["school"])
    body = client_for(kepsek).get("/predictions/models/").content.decode()
    row = body[body.index("ENSEMBLE v") :]
    assert "1 dari 2 sesuai" in row[: row.index("</tr>")]


def test_a_changed_flag_is_not_counted_for_the_new_model(world):
    prediction_feedback_record(prediction=world["first"], user=world["walikelas"], agrees=True)
    new_model_predicts(world, "sedang")
    assert (
        prediction_verification_rate(school=world["school"], model_version=world["new"])["n"] == 0
    )
    assert world["new"].id not in verification_rates_by_version(school=world["school"])
    assert teacher_precision(version=world["new"], k=5)["kurang"]["n"] == 0


def test_effectiveness_counts_answers_carried_over_to_the_active_models_flags(world, make_user):
    prediction_feedback_record(prediction=world["first"], user=world["walikelas"], agrees=True)
    new_model_predicts(world, "kurang")
    confirmed = reports.kurang_confirmed(school=world["school"])
    assert (confirmed["kurang"], confirmed["reviewed"], confirmed["confirmed"]) == (1, 1, 1)
    bk = make_user(Role.BK, school=world["school"])
    body = client_for(bk).get("/interventions/effectiveness/").content.decode()
    assert "Sudah ditinjau guru: 1 dari 1 siswa." in body


def test_effectiveness_does_not_count_an_answer_to_a_flag_the_new_model_changed(world):
    other = StudentFactory(school=world["school"], school_class=world["student"].school_class)
    PredictionFactory(
        student=other,
        term=world["term"],
        based_on_term=world["based_on"],
        model_version=world["new"],
    )
    prediction_feedback_record(prediction=world["first"], user=world["walikelas"], agrees=True)
    new_model_predicts(world, "sedang")
    confirmed = reports.kurang_confirmed(school=world["school"])
    assert (confirmed["kurang"], confirmed["reviewed"], confirmed["confirmed"]) == (1, 0, 0)
