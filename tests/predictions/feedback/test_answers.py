import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from predictions.feedback import prediction_feedback_record
from predictions.models import PredictionFeedback
from predictions.quality import prediction_verification_rate, verification_rates_by_version
from students.models import Role
from tests.predictions.factories import (
    ModelVersionFactory,
    PredictionFactory,
    PredictionFeedbackFactory,
)
from tests.students.factories import SchoolClassFactory, StudentFactory, TeachingAssignmentFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(prediction) -> str:
    return f"/predictions/{prediction.id}/feedback/"


def test_a_teacher_records_feedback_and_a_second_answer_replaces_the_first(make_user, school):
    walikelas = make_user(Role.WALIKELAS, school=school)
    klass = SchoolClassFactory(school=school, homeroom_teacher=walikelas)
    prediction = PredictionFactory(student=StudentFactory(school=school, school_class=klass))
    c = client_for(walikelas)
    response = c.post(url(prediction), {"agrees": "0", "note": "Sudah membaik sejak Maret"})
    assert response.status_code == 302
    assert response["Location"] == f"/students/{prediction.student_id}/"
    fb = PredictionFeedback.objects.get()
    assert (fb.user, fb.agrees, fb.note) == (walikelas, False, "Sudah membaik sejak Maret")
    c.post(url(prediction), {"agrees": "1", "note": ""})
    fb = PredictionFeedback.objects.get()
    assert (fb.agrees, fb.note) == (True, "")
    profile = c.get(f"/students/{prediction.student_id}/").content.decode()
    assert "Jawaban Anda tersimpan." in profile


def test_feedback_without_a_choice_records_nothing(make_user, school):
    bk = make_user(Role.BK, school=school)
    prediction = PredictionFactory(student=StudentFactory(school=school))
    response = client_for(bk).post(url(prediction), {"note": "?"}, follow=True)
    assert not PredictionFeedback.objects.exists()
    assert "Pilih &#x27;sesuai&#x27; atau &#x27;tidak sesuai&#x27;." in response.content.decode()


def test_feedback_on_a_student_outside_the_scope_answers_404(make_user, school, other_school):
    guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=guru, school_class=SchoolClassFactory(school=school))
    c = client_for(guru)
    assert (
        c.post(
            url(PredictionFactory(student=StudentFactory(school=school))), {"agrees": "1"}
        ).status_code
        == 404
    )
    assert (
        client_for(make_user(Role.BK, school=school))
        .post(url(PredictionFactory(student=StudentFactory(school=other_school))), {"agrees": "1"})
        .status_code
        == 404
    )
    assert not PredictionFeedback.objects.exists()


def test_roles_without_student_pages_cannot_give_feedback(make_user, school):
    prediction = PredictionFactory(student=StudentFactory(school=school))
    operator = make_user(Role.OPERATOR, school=school)
    assert client_for(operator).post(url(prediction), {"agrees": "1"}).status_code == 403
    bk = make_user(Role.BK, school=school)
    assert client_for(bk).get(url(prediction)).status_code == 405


def test_a_note_longer_than_1000_characters_is_refused_in_indonesian(make_user, school):
    prediction = PredictionFactory(student=StudentFactory(school=school))
    with pytest.raises(ValidationError, match="Catatan terlalu panjang"):
        prediction_feedback_record(
            prediction=prediction,
            user=make_user(Role.BK, school=school),
            agrees=True,
            note="x" * 1001,
        )


def test_verification_rate_is_the_share_of_sesuai_answers(make_user, school, other_school):
    v1, v2 = ModelVersionFactory(school=school, is_active=False), ModelVersionFactory(school=school)
    for agrees, version in [(True, v1), (True, v2), (True, v2), (False, v2)]:
        PredictionFeedbackFactory(
            prediction=PredictionFactory(
                student=StudentFactory(school=school), model_version=version
            ),
            agrees=agrees,
        )
    PredictionFeedbackFactory(
        prediction=PredictionFactory(student=StudentFactory(school=other_school)), agrees=False
    )
    assert prediction_verification_rate(school=school) == {"n": 4, "agrees": 3, "rate": 0.75}
    rate_v2 = prediction_verification_rate(school=school, model_version=v2)
    assert rate_v2["rate"] == pytest.approx(2 / 3)
    by_version = verification_rates_by_version(school=school)
    assert by_version[v1.id]["rate"] == 1.0 and by_version[v2.id]["n"] == 3
    assert prediction_verification_rate(school=SchoolClassFactory().school)["rate"] is None


def test_teacher_notes_show_on_the_profile_to_bk_and_the_walikelas_only(make_user, school):
    walikelas = make_user(Role.WALIKELAS, school=school)
    other_walikelas = make_user(Role.WALIKELAS, school=school)
    klass = SchoolClassFactory(school=school, homeroom_teacher=walikelas)
    student = StudentFactory(school=school, school_class=klass)
    guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=guru, school_class=klass)
    other_guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=other_guru, school_class=klass)
    prediction = PredictionFactory(student=student)
    client_for(guru).post(url(prediction), {"agrees": "0", "note": "Alpa karena bantu orang tua"})
    page = f"/students/{student.id}/"
    for reader in (make_user(Role.BK, school=school), walikelas):
        body = client_for(reader).get(page).content.decode()
        assert 'data-testid="teacher-notes"' in body
        assert "Alpa karena bantu orang tua" in body
    for outsider in (other_guru, make_user(Role.KEPSEK, school=school)):
        body = client_for(outsider).get(page).content.decode()
        assert "Alpa karena bantu orang tua" not in body
        assert 'data-testid="teacher-notes"' not in body
    # another class's walikelas cannot open the student at all
    assert client_for(other_walikelas).get(page).status_code == 404
