"""The navigation bar stays on one line on a 1366 px laptop and every label in it reaches WCAG
AA contrast (4.5:1), measured on the colours Chromium actually paints."""

import pytest

from students.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# WCAG 2 contrast of each visible navbar label against the navbar's background.
CONTRAST = """() => {
  const rgba = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const nav = document.querySelector("nav.navbar");
  const bg = rgba(getComputedStyle(nav).backgroundColor);
  const out = [];
  nav.querySelectorAll(".navbar-brand, .nav-link, .navbar-text").forEach(el => {
    const [r, g, b, a = 1] = rgba(getComputedStyle(el).color);
    const fg = [r, g, b].map((c, i) => a * c + (1 - a) * bg[i]);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push([el.textContent.trim().slice(0, 20), (hi + 0.05) / (lo + 0.05)]);
  });
  return out;
}"""


def test_kepsek_navbar_is_one_line_at_1366_px_with_aa_contrast(
    browser, live_server, make_user, school
):
    # The principal has the most links of any role.
    make_user(Role.KEPSEK, school=school, username="e2e_kepsek_nav")
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "e2e_kepsek_nav")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    nav = page.locator("nav.navbar")
    assert nav.bounding_box()["height"] <= 64  # one line: brand height plus padding
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    logout = page.get_by_role("button", name="Keluar").bounding_box()
    assert logout["x"] + logout["width"] <= 1366
    contrasts = page.evaluate(CONTRAST)
    assert len(contrasts) >= 8
    low = [(label, round(ratio, 2)) for label, ratio in contrasts if ratio < 4.5]
    assert not low, low
    context.close()
