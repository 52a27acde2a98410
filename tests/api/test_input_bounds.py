"""Issue 25 ("also"): dates and counts within sensible bounds in forms and the API. An
intervention starting 0001-01-01 and a case conference with 1,000 decisions are refused with a
message, and nothing is stored."""

from django.test import Client

from interventions.models import Intervention, InterventionSession
from students.models import Role
from tests.api.test_interventions_api import case  # noqa: F401  (fixture)


def _payload(case, start_date):  # noqa: F811
    return {
        "student": case.one.students[1].pk,
        "programme": case.programmes[2].pk,
        "reason": "Rata-rata di bawah KKM",
        "start_date": start_date,
    }


def test_the_api_refuses_an_intervention_starting_in_year_one(case, api_client_for):  # noqa: F811
    before = Intervention.objects.count()
    client = api_client_for(case.bk)
    for day in ("0001-01-01", "9999-12-31"):
        response = client.post("/api/v1/interventions/", _payload(case, day), format="json")
        assert response.status_code == 400, response.content
        assert "Tanggal mulai harus antara" in response.content.decode()
    assert Intervention.objects.count() == before


def test_the_form_refuses_an_intervention_starting_in_year_one(case):  # noqa: F811
    client = Client()
    client.force_login(case.bk)
    before = Intervention.objects.count()
    data = {
        **_payload(case, "0001-01-01"),
        "owner": case.bk.pk,
        "follow_up_days": 14,
    }
    response = client.post(f"/interventions/new/?student={data['student']}", data)
    assert response.status_code == 200
    assert "Tanggal mulai harus antara" in response.content.decode()
    assert Intervention.objects.count() == before


def test_a_case_conference_with_a_thousand_decisions_is_refused(case, api_client_for):  # noqa: F811
    decisions = [
        {"decision": f"Keputusan {n}", "responsible": "BK", "due_date": "2025-02-01"}
        for n in range(1000)
    ]
    before = InterventionSession.objects.count()
    response = api_client_for(case.bk).post(
        case.url + "sessions/",
        {"date": "2025-01-21", "kind": "case_conference", "attendees": "BK, orang tua",
         "decisions": decisions},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert InterventionSession.objects.count() == before


def test_the_session_form_refuses_a_thousand_decisions(case):  # noqa: F811
    client = Client()
    client.force_login(case.bk)
    before = InterventionSession.objects.count()
    url = f"/interventions/{case.intervention.pk}/sessions/new/?kind=case_conference"
    for n_rows in (1000, 40):  # far beyond the limit, and just beyond it
        rows = {"decisions-TOTAL_FORMS": str(n_rows), "decisions-INITIAL_FORMS": "0"}
        for n in range(n_rows):
            rows |= {
                f"decisions-{n}-decision": f"K{n}",
                f"decisions-{n}-other": "BK",
                f"decisions-{n}-due_date": "2025-02-01",
            }
        response = client.post(
            url, {"kind": "case_conference", "date": "2025-01-21", "attendees": "BK", **rows}
        )  # fmt: skip
        assert InterventionSession.objects.count() == before
        if n_rows == 1000:  # more fields than Django reads from one request: 400 before the form
            assert response.status_code == 400
            continue
        assert response.status_code == 200
        assert "paling banyak 30 keputusan" in response.content.decode()


def test_a_decision_due_in_the_far_future_is_refused(case, api_client_for):  # noqa: F811
    response = api_client_for(case.bk).post(
        case.url + "sessions/",
        {"date": "2025-01-21", "kind": "case_conference", "attendees": "BK",
         "decisions": [{"decision": "x", "responsible": "BK", "due_date": "9999-01-01"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert Role.BK  # the bk wrote nothing
