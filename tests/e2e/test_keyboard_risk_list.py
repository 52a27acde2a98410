"""The risk list with the keyboard alone: a filter drop-down does not reload the page on the
first arrow key (WCAG 3.2.2), it applies on its button, and from the skip link the first
student is a few Tab stops away."""

import pytest

from students.models import Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import SchoolClassFactory, StudentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const a = document.activeElement;
  return [a.tagName, a.id, a.textContent.trim().slice(0, 60)];
}"""


def tab_until(page, predicate, limit: int) -> int:
    """Press Tab until predicate(focused) holds; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if predicate(page.evaluate(FOCUSED)):
            return presses
    raise AssertionError(f"not reached in {limit} Tab stops; last: {page.evaluate(FOCUSED)}")


@pytest.mark.parametrize("width", [1366, 390])
def test_filter_by_class_and_reach_the_first_student_with_the_keyboard_alone(
    browser, live_server, make_user, school, width
):
    make_user(Role.BK, school=school, username="e2e_bk_keys")
    version = ModelVersionFactory(school=school)
    classes = [SchoolClassFactory(school=school, name=n) for n in ("X TKJ 1", "X TKJ 2")]
    for i, klass in enumerate(classes):
        for j in range(3):
            student = StudentFactory(school=school, school_class=klass, name=f"Siswa {i}{j}")
            PredictionFactory(student=student, model_version=version, p_kurang=0.2 + 0.1 * j)

    context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "e2e_bk_keys")
    page.fill("#id_password", "rahasia-uji-123")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    risk_url = f"{live_server.url}/students/risk/"
    page.goto(risk_url)

    # The first Tab stop is the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)[2] == "Langsung ke daftar siswa"

    # Choose the second class with the arrow keys: the page stays, focus stays. On a phone the
    # filters are folded behind one button first.
    if width < 768:
        tab_until(page, lambda f: f[2] == "Penjelasan model dan penyaring", limit=10)
        page.keyboard.press("Enter")
        page.locator("#f-class").wait_for(state="visible")
    tab_until(page, lambda f: f[1] == "f-class", limit=40)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url == risk_url
    assert page.evaluate(FOCUSED)[1] == "f-class"
    chosen = page.eval_on_selector("#f-class", "s => s.options[s.selectedIndex].text")
    assert chosen == "X TKJ 2"
    tab_until(page, lambda f: f[2] == "Terapkan", limit=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"class={classes[1].pk}" in page.url
    names = page.locator("[data-testid=risk-row] td:first-child > a").all_inner_texts()
    assert sorted(names) == ["Siswa 10", "Siswa 11", "Siswa 12"]

    # From the skip link, the first student of the list within 5 Tab stops.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)[2] == "Langsung ke daftar siswa"
    page.keyboard.press("Enter")
    presses = tab_until(page, lambda f: f[0] == "A" and f[2].startswith("Siswa 1"), limit=5)
    assert presses <= 5
    context.close()
