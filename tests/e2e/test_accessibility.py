"""WCAG 2.1 AA in Chromium: axe-core (pinned, from the npm registry: `make test` fetches it into
.run/vendor/axe-core/) runs on every page of CONTRACTS.md §3, for each role that may open it,
at 1366 and 390 px. No critical or serious violation may remain."""

import re

import pytest

from predictions import services, training
from predictions.models import RunStatus
from smk_dashboard.ops.vendor_assets import AXE, is_current
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.models import School

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-uji-123"
WIDTHS = (1366, 390)
# CONTRACTS.md §3 and the counselling, audit, privacy, notification and settings pages, per
# role. "profile" and "intervention" are found by following the first link of the risk list
# and the intervention list, so each role opens a record it may see.
PAGES = {
    "guru": [
        "/",
        "/students/risk/",
        "profile",
        "/students/imports/",
        "/accounts/2fa/",
        "/notifications/",
    ],
    "walikelas": [
        "/",
        "/students/risk/",
        "profile",
        "/students/imports/",
        "/interventions/",
    ],
    "bk": [
        "/",
        "/students/risk/",
        "profile",
        "/predictions/models/",
        "/interventions/",
        "intervention",
        "/interventions/new/",
        "/interventions/caseload/",
        "/interventions/effectiveness/",
        "/interventions/programmes/",
        "/interventions/points/catalogue/",
    ],
    "kepsek": [
        "/",
        "/students/risk/",
        "/predictions/models/",
        "/interventions/",
        "/reports/school/",
        "/audit/",
        "/privacy/requests/",
        "/students/indicators/",
        "/accounts/enrolment-codes/",
    ],
    "operator": [
        "/",
        "/students/imports/",
        "/predictions/models/",
        "/predictions/training/",
        "/privacy/",
        "/students/dapodik/",
    ],
    "sudin": ["/", "/reports/district/"],
}
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => v.impact === "critical" || v.impact === "serious")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " +
                                               (n.failureSummary || "").slice(0, 160))}));
}"""


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE.path))
    return page.evaluate(RUN_AXE)


def first_link(page, live_server, list_path: str, pattern: str) -> str | None:
    page.goto(f"{live_server.url}{list_path}")
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.fullmatch(pattern, href or ""):
            return href
    return None


@pytest.fixture
def district(settings, tmp_path):
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    seed_demo(DemoConfig(schools=2, students=60, terms=3, seed=3, password=PASSWORD))
    school = School.objects.get(npsn="20100001")
    run = services.training_run_create(school=school, user=None, models=["lr"], folds=3)
    assert training.training_run_execute(run_id=run.pk).status == RunStatus.SUCCEEDED


def test_every_page_passes_axe_for_every_role_at_1366_and_390_px(browser, live_server, district):
    assert is_current(AXE), (
        "axe-core belum diambil: python -m smk_dashboard.ops.vendor_assets axe-core"
    )
    found = []
    for role, paths in PAGES.items():
        for width in WIDTHS:
            # bypass_csp: the page's CSP (script-src 'self') would refuse the injected axe script.
            context = browser.new_context(
                viewport={"width": width, "height": 800}, locale="id-ID", bypass_csp=True
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{live_server.url}/accounts/login/")
            if width == WIDTHS[0] and role == "guru":
                found += [("anonim", width, "/accounts/login/", v) for v in axe_violations(page)]
            page.fill("#id_username", role)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            for path in paths:
                if path == "profile":
                    path = first_link(page, live_server, "/students/risk/", r"/students/\d+/")
                elif path == "intervention":
                    path = first_link(page, live_server, "/interventions/", r"/interventions/\d+/")
                assert path, f"{role}: no record to open"
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, (role, path, response.status)
                found += [(role, width, path, v) for v in axe_violations(page)]
            context.close()
    report = "\n".join(
        f"{role} {width}px {path}: {v['impact']} {v['id']} ({v['help']}) {v['nodes']}"
        for role, width, path, v in found
    )
    assert not found, f"{len(found)} pelanggaran:\n{report}"
