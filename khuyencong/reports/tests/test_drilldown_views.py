"""Drill-down pages: area scoping like the report, bad input, links from the dashboard and the report page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B

URL = "/bao-cao/chi-tieu/fairs.participations/"
PERIOD = {"from": "2024-01-01", "to": "2026-11-26"}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_commune_officer_cannot_drill_into_another_commune(personas) -> None:
    client = client_for(personas["commune_officer_a"])
    assert client.get(URL, {**PERIOD, "area": COMMUNE_A}).status_code == 200
    assert client.get(URL, {**PERIOD, "area": COMMUNE_B}).status_code == 403
    assert client.get(URL, {**PERIOD, "area": "79"}).status_code == 403
    own = client.get(URL, PERIOD)  # defaults to the officer's commune
    assert own.status_code == 200 and own.context["area"].unit.code == COMMUNE_A


@pytest.mark.parametrize(("persona", "status"), [
    ("province_admin", 200), ("province_officer", 200), ("council_member", 200), ("auditor", 200),
    ("establishment_rep", 403), ("outsider", 403),
])
def test_drill_down_permission_matrix(personas, persona: str, status: int) -> None:
    assert client_for(personas[persona]).get(URL, {**PERIOD, "area": "79"}).status_code == status


def test_drill_down_needs_login(db) -> None:
    assert Client().get(URL, PERIOD).status_code == 302


@pytest.mark.parametrize(("path", "params", "status", "message"), [
    ("/bao-cao/chi-tieu/nope/", PERIOD, 404, ""),
    (URL, {"from": "2026-01-01", "to": "2024-01-01"}, 400, "Ngày kết thúc phải sau"),
    (URL, {"to": "2024-01-01"}, 400, "bắt buộc"),
    (URL, {**PERIOD, "area": "999"}, 400, "999"),
])
def test_drill_down_bad_input(personas, path: str, params: dict[str, str], status: int, message: str) -> None:
    response = client_for(personas["province_officer"]).get(path, params)
    assert response.status_code == status and message in response.content.decode()


def test_dashboard_and_report_link_to_drill_downs(personas) -> None:
    client = client_for(personas["province_officer"])
    dashboard = client.get("/bao-cao/bang-dieu-khien/").content.decode()
    # The dashboard's default period is the seeded programme's (2014–2020): one link per year and indicator.
    assert "/bao-cao/chi-tieu/fairs.participations/?from=2020-01-01&amp;to=2020-12-31" in dashboard
    report = client.get("/bao-cao/", {"date_from": "2024-01-01", "date_to": "2026-11-26", "area": "79"})
    assert report.status_code == 200 and "/bao-cao/chi-tieu/schemes.count/?from=2024-01-01" in report.content.decode()


# persona → sees the trainees behind training.vocational.persons (issue 21, point 7): the training
# read policy, not the report's, decides who lists persons.
TRAINEE_ROWS = {"province_admin": True, "province_officer": True, "auditor": True, "commune_officer_a": True,
                "council_member": False}


@pytest.mark.parametrize(("persona", "listed"), TRAINEE_ROWS.items())
def test_trainee_drill_down_follows_the_training_read_policy(personas, persona: str, listed: bool) -> None:
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    enrol(make_person("Trần Thị Học Viên"), make_course(end=dt.date(2026, 6, 30)))
    area = COMMUNE_A if persona == "commune_officer_a" else "79"
    response = client_for(personas[persona]).get("/bao-cao/chi-tieu/training.vocational.persons/",
                                                 {**PERIOD, "area": area})
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["figure"] == 1  # the figure itself is shown to every reporting role
    assert ("Trần Thị Học Viên" in body) is listed
    assert ("không được xem danh sách" in body) is not listed


def test_a_commune_officer_lists_only_readable_establishments_rows(personas, est_a) -> None:
    """Rows are the owning app's readable records: the fair visits of commune A for commune A's officer."""
    from khuyencong.fairs.tests.conftest import make_fair, make_participation

    make_participation(make_fair("Hội chợ", start=dt.date(2025, 3, 1)), est_a)
    response = client_for(personas["commune_officer_a"]).get(URL, {**PERIOD, "area": COMMUNE_A})
    assert response.status_code == 200 and est_a.name in response.content.decode()
