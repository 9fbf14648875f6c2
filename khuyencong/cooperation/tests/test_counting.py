"""Cooperation indicator through the engine: participations (lượt), not persons; period and area rules."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from khuyencong.cooperation.tests.conftest import attend, make_activity, official
from khuyencong.indicators.breakdowns import compute_breakdown
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, TODAY, unit
from khuyencong.training.tests.conftest import make_person

CODE = "cooperation.official_participations"
Y2026 = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _figure(area_code: str | None = None) -> int:
    return compute(Y2026, resolve_area(area_code, TODAY), [CODE]).values[CODE]


def _by(dimension: Dimension) -> dict[str, int | None]:
    return compute_breakdown(Y2026, resolve_area(None, TODAY), [dimension], [CODE]).values[CODE]


def test_participations_count_each_activity_of_an_official(sanjo) -> None:
    a, b = official("Cán bộ A"), official("Cán bộ B", gender="female")
    sanjo_course = make_activity(sanjo, start=dt.date(2026, 3, 1), abroad_city="Sanjo")
    tour = make_activity(sanjo, start=dt.date(2026, 9, 1), kind="study_tour")
    for activity in (sanjo_course, tour):
        attend(activity, a)
    attend(tour, b)
    attend(tour, make_person("Người lao động"))  # not an official: never counts
    assert _figure() == 3  # official A twice, B once (lượt)
    assert _by(Dimension.ACTIVITY)["study_tour"] == 2
    assert _by(Dimension.GENDER) == {"male": 2, "female": 1}
    assert _by(Dimension.YEAR) == {"2026": 3}


def test_period_uses_start_date_and_area_the_organising_unit(sanjo) -> None:
    person = official("Cán bộ")
    attend(make_activity(sanjo, start=dt.date(2025, 12, 28), end_date=dt.date(2026, 1, 5)), person)  # 2025
    attend(make_activity(sanjo, start=dt.date(2026, 2, 1), abroad_city="Sanjo"), person)  # province, held abroad
    attend(make_activity(sanjo, organising=COMMUNE_B, kind="workshop", start=dt.date(2026, 4, 1),
                         venue_unit=unit(COMMUNE_A)), person)
    assert _figure() == 2
    assert _figure(settings.PROVINCE_CODE) == 2
    assert _figure(COMMUNE_A) == 0
    assert _figure(COMMUNE_B) == 1
