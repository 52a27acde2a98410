"""The principal, on a phone, reads whether the model can be trusted (issue 14)."""

import pytest

from students.models import Role
from tests.predictions.factories import ModelVersionFactory, cv_entry, full_metrics

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_kepsek_reads_the_verdict_on_a_phone_and_opens_every_model(login, make_user, school):
    make_user(Role.KEPSEK, school=school, username="e2e_kepsek")
    metrics = full_metrics("rnn")
    own = cv_entry(acc=0.82, cm=[[40, 10, 0], [12, 200, 38], [8, 42, 150]])
    own["macro_f1"] = {"mean": 0.81, "std": 0.02}
    metrics["cv"] = metrics["all_models"]["rnn"] = own
    metrics["all_models"]["lr"]["macro_f1"] = {"mean": 0.80, "std": 0.02}
    ModelVersionFactory(school=school, algorithm="rnn", metrics=metrics)

    page = login("e2e_kepsek")
    page.goto(page.url.rstrip("/") + "/predictions/models/")

    verdict = page.get_by_test_id("verdict-text")
    assert verdict.is_visible()
    text = " ".join(verdict.inner_text().split())
    assert "Dari 10 siswa yang nantinya benar-benar perlu perhatian, model menemukan 8." in text
    assert "Dari 100 siswa yang baik-baik saja, 4 ikut ditandai." in text
    assert "setara dengan pembanding sederhana (Regresi logistik)" in text
    advice = page.get_by_test_id("verdict-recommendation")
    assert "Saran: dapat dipakai bersama penilaian guru." in advice.inner_text()

    # The verdict is the first thing under the title, on the first screen of a 390 px phone.
    box = page.get_by_test_id("model-verdict").bounding_box()
    assert box["y"] < 844 and box["x"] >= 0 and box["x"] + box["width"] <= 390

    # "Tebakan model vs kenyataan" is drawn without a toolbar, labels whole, no sideways scroll.
    matrix = page.get_by_test_id("chart-verdict-matrix")
    matrix.locator(".main-svg").first.wait_for()
    assert matrix.locator(".modebar").count() == 0
    labels = matrix.locator(".ytick text").all_text_contents()
    assert "Perlu perhatian" in labels
    label_box = matrix.locator(".ytick text", has_text="Perlu perhatian").bounding_box()
    assert label_box["x"] >= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # "Is the model as good for every group?": stacked rows on a phone, not a wide table.
    rows = page.locator('[data-testid^="fairness-rows-"]')
    assert rows.count() >= 1
    for k in range(rows.count()):
        assert rows.nth(k).is_visible()
        box = rows.nth(k).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    fairness_tables = page.locator('[data-testid^="fairness-"] table')
    assert fairness_tables.count() >= 1 and not fairness_tables.first.is_visible()

    # Every model waits behind "Lihat semua model"; its charts are drawn once opened, at the
    # phone's width.
    table = page.get_by_test_id("metrics-table")
    assert not table.is_visible()
    page.get_by_text("Lihat semua model").click()
    assert table.is_visible()
    chart = page.get_by_test_id("chart-cm-lr")
    chart.locator(".main-svg").first.wait_for()
    assert chart.bounding_box()["width"] <= 390
