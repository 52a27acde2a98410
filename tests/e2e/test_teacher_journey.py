import pytest

from predictions.models import PredictionFeedback
from students.models import Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import SchoolClassFactory, StudentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_teacher_filters_the_risk_list_opens_a_profile_and_gives_feedback(
    login, make_user, school
):
    walikelas = make_user(Role.WALIKELAS, school=school, username="e2e_walikelas")
    klass = SchoolClassFactory(school=school, homeroom_teacher=walikelas, name="XI TKJ 1")
    version = ModelVersionFactory(school=school)
    at_risk = StudentFactory(school=school, school_class=klass, name="Rina Perlu Dibantu")
    PredictionFactory(student=at_risk, model_version=version, category="kurang", p_kurang=0.72)
    PredictionFactory(
        student=StudentFactory(school=school, school_class=klass, name="Sari Baik"),
        model_version=version,
        category="baik",
        p_kurang=0.05,
    )

    page = login("e2e_walikelas")
    page.goto(page.url.rstrip("/") + "/students/risk/")
    assert page.get_by_test_id("risk-row").count() == 2
    # On a phone the model's accuracy and the filters are one tap away (issue 24, item 10).
    page.get_by_test_id("risk-intro-toggle").click()
    page.get_by_test_id("risk-filters").wait_for(state="visible")
    assert "akurasi terukur" in page.get_by_test_id("model-accuracy").inner_text()
    page.select_option("#f-category", "kurang")  # a filter applies on its button (WCAG 3.2.2)
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**category=kurang**")
    assert page.get_by_test_id("risk-row").count() == 1
    page.get_by_role("link", name="Rina Perlu Dibantu").click()

    assert page.get_by_test_id("student-name").inner_text() == "Rina Perlu Dibantu"
    prediction = page.get_by_test_id("prediction").first
    assert "tinggi, 70%" in prediction.inner_text()
    prediction.get_by_text("tidak sesuai").click()
    prediction.locator("input[name=note]").fill("Sudah rajin masuk sejak bulan lalu")
    prediction.get_by_role("button", name="Kirim").click()
    page.get_by_test_id("feedback-saved").wait_for()
    assert "umpan balik Anda tersimpan" in page.content()

    feedback = PredictionFeedback.objects.get()
    assert (feedback.user.username, feedback.agrees, feedback.note) == (
        "e2e_walikelas",
        False,
        "Sudah rajin masuk sejak bulan lalu",
    )
