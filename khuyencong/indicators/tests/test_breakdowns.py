"""Breakdowns on small fixtures: distinct counts overlap across years, participations add up."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from khuyencong.fairs.tests.conftest import make_fair, make_participation
from khuyencong.indicators.breakdowns import ADD_UP, EXTREMES, OVERLAP, compute_breakdown, parse_dimensions
from khuyencong.indicators.engine import ReportRequestError, compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import SOURCES, Dimension
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B
from khuyencong.training.tests.conftest import enrol, make_course, make_person

PERIOD = Period(dt.date(2024, 1, 1), dt.date(2026, 11, 26))
VOC = "training.vocational.persons"


@pytest.fixture
def trainees(db) -> None:
    """An attends courses in 2024 (commune A) and 2025 (province); Bình one in 2025 (commune B)."""
    an, binh = make_person("Nguyễn Văn An"), make_person("Trần Thị Bình", commune=COMMUNE_B, gender="female")
    enrol(an, make_course(end=dt.date(2024, 5, 31)))
    enrol(an, make_course(organising="province", end=dt.date(2025, 9, 30)))
    enrol(binh, make_course(organising=COMMUNE_B, end=dt.date(2025, 10, 31)))
    enrol(binh, make_course(organising=COMMUNE_B, end=dt.date(2023, 10, 31)))  # outside the period


@pytest.fixture
def fair_visits(est_a, est_b) -> None:
    """est_a at a 2025 and a 2026 fair, est_b at the 2026 one: 3 participations, 2 establishments."""
    early, late = make_fair("Hội chợ 2025", start=dt.date(2025, 4, 1)), make_fair("Hội chợ 2026")
    make_participation(early, est_a)
    make_participation(late, est_a)
    make_participation(late, est_b)


def area():  # type: ignore[no-untyped-def]
    return resolve_area("79", None)


def test_person_in_two_years_counts_in_both_years_once_in_total(trainees) -> None:
    total = compute(PERIOD, area(), [VOC]).values[VOC]
    result = compute_breakdown(PERIOD, area(), [Dimension.YEAR], [VOC])
    assert total == 2
    assert result.values[VOC] == {"2024": 1, "2025": 2}
    assert sum(result.values[VOC].values()) == 3 > total  # An is in both years
    assert result.parts[VOC] == OVERLAP


def test_training_by_organising_unit_and_gender(trainees) -> None:
    by_unit = compute_breakdown(PERIOD, area(), [Dimension.UNIT], [VOC])
    # The province-organised course is keyed by the area itself, not by the venue or a commune.
    assert by_unit.values[VOC] == {COMMUNE_A: 1, COMMUNE_B: 1, "79": 1}
    assert by_unit.labels[COMMUNE_A] and by_unit.parts[VOC] == OVERLAP
    by_gender = compute_breakdown(PERIOD, area(), [Dimension.GENDER], [VOC])
    assert by_gender.values[VOC] == {"female": 1, "male": 1} and by_gender.parts[VOC] == ADD_UP


def test_participation_parts_add_up(fair_visits) -> None:
    codes = ["fairs.participations", "fairs.establishments"]
    totals = compute(PERIOD, area(), codes).values
    result = compute_breakdown(PERIOD, area(), [Dimension.YEAR], codes)
    assert result.values["fairs.participations"] == {"2025": 1, "2026": 2}
    assert sum(result.values["fairs.participations"].values()) == totals["fairs.participations"] == 3
    assert result.parts["fairs.participations"] == ADD_UP
    assert result.values["fairs.establishments"] == {"2025": 1, "2026": 2} and totals["fairs.establishments"] == 2
    assert result.parts["fairs.establishments"] == OVERLAP
    by_unit = compute_breakdown(PERIOD, area(), [Dimension.UNIT], codes)
    assert by_unit.values["fairs.participations"] == {COMMUNE_A: 2, COMMUNE_B: 1}  # old communes via the crosswalk
    assert by_unit.parts["fairs.establishments"] == ADD_UP  # an establishment has one commune
    by_sector = compute_breakdown(PERIOD, area(), [Dimension.SECTOR], codes)
    assert sum(by_sector.values["fairs.participations"].values()) == 3


def test_two_dimensions_and_historical_area(fair_visits) -> None:
    result = compute_breakdown(PERIOD, area(), [Dimension.UNIT, Dimension.YEAR], ["fairs.participations"])
    assert result.values["fairs.participations"] == {f"{COMMUNE_A}|2025": 1, f"{COMMUNE_A}|2026": 1,
                                                     f"{COMMUNE_B}|2026": 1}
    old = resolve_area("77", dt.date(2020, 12, 31))  # old Bà Rịa – Vũng Tàu: keys are its districts of 2020
    by_district = compute_breakdown(PERIOD, old, [Dimension.UNIT], ["fairs.participations"])
    assert sum(by_district.values["fairs.participations"].values()) == 3
    assert len(by_district.values["fairs.participations"]) == 2 and "77" not in by_district.values[
        "fairs.participations"]


def accepted_scheme(code: str, establishment, day: dt.date, funding: str):  # type: ignore[no-untyped-def]
    """A scheme accepted on ``day`` (written directly: the lifecycle is the schemes app's business)."""
    from khuyencong.schemes.models import AnnualPlan, Programme, Scheme
    from khuyencong.training.tests.conftest import make_scheme

    programme, _ = Programme.objects.get_or_create(
        name="Chương trình khuyến công", level="national", start_year=2021, end_year=2030,
        decision_no="1/QĐ", decision_date=dt.date(2021, 1, 1))
    plan, _ = AnnualPlan.objects.get_or_create(programme=programme, year=day.year, funding_source=funding,
                                               approved_total=10**10, decision_no=f"{day.year}/QĐ",
                                               decision_date=dt.date(day.year, 1, 10))
    scheme = make_scheme(code, establishment)
    Scheme.objects.filter(pk=scheme.pk).update(status="accepted", acceptance_date=day, funding_source=funding,
                                               plan=plan)
    return scheme


def test_schemes_sums_add_up_by_funding(db, est_a, est_b) -> None:
    accepted_scheme("S1", est_a, dt.date(2025, 3, 1), "national")
    accepted_scheme("S2", est_b, dt.date(2026, 3, 1), "local")
    codes = ["schemes.count", "schemes.support_vnd"]
    totals = compute(PERIOD, area(), codes).values
    result = compute_breakdown(PERIOD, area(), [Dimension.FUNDING], codes)
    assert result.values["schemes.support_vnd"] == {"local": 50_000_000, "national": 50_000_000}
    for code in codes:
        assert sum(v or 0 for v in result.values[code].values()) == totals[code] and result.parts[code] == ADD_UP
    assert compute_breakdown(PERIOD, area(), [Dimension.UNIT], codes).values["schemes.count"] == {
        COMMUNE_A: 1, COMMUNE_B: 1}


def test_inapplicable_dimensions_are_listed_and_extremes_flagged(db) -> None:
    result = compute_breakdown(PERIOD, area(), [Dimension.GENDER])
    assert "schemes.count" in result.not_applicable and VOC in result.values
    assert compute_breakdown(PERIOD, area(), [Dimension.YEAR]).parts["demo_models.worker_income_max_vnd"] == EXTREMES
    assert all(Dimension.YEAR in s.keys and Dimension.UNIT in s.keys for s in SOURCES.values())


def test_unknown_dimension() -> None:
    with pytest.raises(ReportRequestError) as exc:
        parse_dimensions("year,colour")
    assert exc.value.field == "breakdown" and "colour" in str(exc.value)


def test_api_and_cli_breakdown(personas, trainees) -> None:
    client = APIClient()
    client.force_authenticate(personas["province_officer"])
    params = {"from": "2024-01-01", "to": "2026-11-26", "area": "79", "breakdown": "year"}
    body = client.get("/api/v1/indicators", params).json()
    assert body["breakdown"][VOC] == {"2024": 1, "2025": 2} and body["indicators"][VOC] == 2
    assert body["breakdown_parts"][VOC] == "overlap"
    bad = client.get("/api/v1/indicators", {**params, "breakdown": "colour"})
    assert bad.status_code == 400 and "breakdown" in bad.json()
    out = io.StringIO()
    call_command("report", "--from", "2024-01-01", "--to", "2026-11-26", "--area", "79", "--breakdown", "year",
                 "--indicator", VOC, stdout=out)
    assert json.loads(out.getvalue())["breakdown"] == {VOC: {"2024": 1, "2025": 2}}
    with pytest.raises(CommandError, match="colour"):
        call_command("report", "--from", "2024-01-01", "--to", "2026-11-26", "--breakdown", "colour")
