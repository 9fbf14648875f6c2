"""The indicator engine's requests: periods, areas, boundary dates, codes, access and interfaces."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from khuyencong.indicators.catalogue import BY_CODE, CATALOGUE
from khuyencong.indicators.engine import ReportRequestError, compute, parse_codes, resolve_area
from khuyencong.indicators.periods import Period, reporting_half_year, reporting_year

SEED_CODES = {
    "training.vocational.persons", "training.intermediate.persons", "training.intermediate.employed",
    "training.cleaner_production.persons", "training.management.persons", "training.startup.persons",
    "demo_models.count", "demo_models.counterpart_vnd", "demo_models.worker_income_min_vnd",
    "demo_models.worker_income_max_vnd", "machinery.establishments", "products.recognized.district",
    "products.recognized.commune", "products.recognized.province", "products.recognized.region",
    "products.recognized.national", "fairs.participations", "fairs.establishments",
    "cooperation.official_participations", "schemes.count", "schemes.support_vnd", "schemes.counterpart_vnd",
    "schemes.disbursed_vnd",
}


def test_catalogue_holds_every_code_of_the_domain_catalogue() -> None:
    assert SEED_CODES <= set(BY_CODE)
    assert len({i.code for i in CATALOGUE}) == len(CATALOGUE)


def test_period_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="phải trước hoặc bằng"):
        Period(dt.date(2020, 12, 31), dt.date(2014, 1, 1))


def test_reporting_periods_close_on_the_cutoff_day() -> None:
    assert reporting_year(2020, 15) == Period(dt.date(2019, 12, 15), dt.date(2020, 12, 14))
    assert reporting_half_year(2020, 1, 15) == Period(dt.date(2019, 12, 15), dt.date(2020, 6, 14))
    assert reporting_half_year(2020, 2, 15) == Period(dt.date(2020, 6, 15), dt.date(2020, 12, 14))
    assert reporting_year(2020, 1) == Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31))


def test_area_resolution(db) -> None:
    old = resolve_area("77", dt.date(2020, 12, 31))
    assert old.unit is not None and old.unit.name.endswith("Vũng Tàu")
    assert resolve_area("77", None).boundary_date == dt.date(2025, 6, 30)  # its last day by default
    new = resolve_area("79", None)
    assert old.unit_ids is not None and new.unit_ids is not None
    assert old.unit.pk in new.unit_ids  # today's Hồ Chí Minh City contains old Bà Rịa – Vũng Tàu


def test_unknown_area_and_boundary_before_the_area_existed(db) -> None:
    with pytest.raises(ReportRequestError) as unknown:
        resolve_area("999", dt.date(2020, 1, 1))
    assert unknown.value.field == "area"
    with pytest.raises(ReportRequestError) as early:
        resolve_area("77", dt.date(2026, 1, 1))
    assert early.value.field == "boundary_date"


def test_unknown_indicator_code() -> None:
    with pytest.raises(ReportRequestError, match="nope"):
        parse_codes(["schemes.count", "nope"])


def test_compute_on_an_empty_database_gives_zeros(db) -> None:
    figures = compute(Period(dt.date(2014, 1, 1), dt.date(2020, 12, 31)), resolve_area("77", None))
    assert set(figures.values) == {i.code for i in CATALOGUE}
    assert figures.values["fairs.participations"] == 0


def test_cli_json(db) -> None:
    out = io.StringIO()
    call_command("report", "--from", "2014-01-01", "--to", "2020-12-31", "--area", "77", "--format", "json",
                 stdout=out)
    body = json.loads(out.getvalue())
    assert set(body["indicators"]) == {i.code for i in CATALOGUE} and body["area"]["code"] == "77"


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2020-12-31", "--to", "2014-01-01"], "phải trước"),
    (["--from", "2014-01-01", "--to", "2020-12-31", "--area", "999"], "999"),
    (["--from", "2014-01-01", "--to", "2020-12-31", "--area", "77", "--boundary-date", "2026-01-01"], "ranh giới"),
    (["--from", "2014-13-01", "--to", "2020-12-31"], "không hợp lệ"),
])
def test_cli_bad_input_fails_and_writes_nothing(db, tmp_path: Path, args: list[str], message: str) -> None:
    target = tmp_path / "out.json"
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, "--format", "json", "--output", str(target))
    assert not target.exists() and list(tmp_path.iterdir()) == []


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_matches_engine(personas) -> None:
    response = api(personas["province_officer"]).get("/api/v1/indicators", {"from": "2014-01-01", "to": "2020-12-31",
                                                                          "area": "77"})
    assert response.status_code == 200 and set(response.json()["indicators"]) == {i.code for i in CATALOGUE}


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2020-12-31", "to": "2014-01-01"}, "to"),
    ({"from": "2014-01-01", "to": "2020-12-31", "codes": "fairs.participations,nope"}, "codes"),
    ({"from": "2014-01-01", "to": "2020-12-31", "area": "999"}, "area"),
    ({"to": "2020-12-31"}, "from"),
])
def test_api_bad_requests_are_400(personas, params: dict[str, str], field: str) -> None:
    response = api(personas["province_officer"]).get("/api/v1/indicators", params)
    assert response.status_code == 400 and field in response.json()


def test_commune_officer_reports_only_on_own_commune(personas) -> None:
    client = api(personas["commune_officer_a"])
    own = client.get("/api/v1/indicators", {"from": "2014-01-01", "to": "2026-12-31", "area": "26560"})
    other = client.get("/api/v1/indicators", {"from": "2014-01-01", "to": "2026-12-31", "area": "26596"})
    province = client.get("/api/v1/indicators", {"from": "2014-01-01", "to": "2026-12-31", "area": "79"})
    assert own.status_code == 200 and other.status_code == 403 and province.status_code == 403


@pytest.mark.parametrize("persona", ["establishment_rep", "outsider"])
def test_roles_without_reports(personas, persona: str) -> None:
    response = api(personas[persona]).get("/api/v1/indicators", {"from": "2014-01-01", "to": "2020-12-31"})
    assert response.status_code == 403


def test_catalogue_endpoint(personas) -> None:
    body = api(personas["auditor"]).get("/api/v1/indicators/catalogue").json()
    assert {row["code"] for row in body} == {i.code for i in CATALOGUE}
