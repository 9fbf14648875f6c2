"""Cooperation counting: participations (lượt) vs distinct officials, period and area rules."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from khuyencong.cooperation import counting
from khuyencong.cooperation.tests.conftest import attend, make_activity, official
from khuyencong.geo.selectors import unit_ids_within
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, TODAY, unit
from khuyencong.training.tests.conftest import make_person

Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_participations_and_distinct_officials_differ(sanjo) -> None:
    a, b = official("Cán bộ A"), official("Cán bộ B", gender="female")
    sanjo_course = make_activity(sanjo, start=dt.date(2026, 3, 1), abroad_city="Sanjo")
    tour = make_activity(sanjo, start=dt.date(2026, 9, 1), kind="study_tour")
    for activity in (sanjo_course, tour):
        attend(activity, a)
    attend(tour, b)
    attend(tour, make_person("Người lao động"))  # not an official: never counts
    assert counting.official_participations(*Y2026, None) == 3
    assert counting.distinct_officials(*Y2026, None) == 2
    assert counting.official_participations(*Y2026, None, kind="study_tour") == 2
    assert counting.official_participations_by_gender(*Y2026, None) == {"male": 2, "female": 1}
    assert counting.official_participations_by_year(*Y2026, None) == {2026: 3}


def test_period_uses_start_date_and_area_the_organising_unit(sanjo) -> None:
    person = official("Cán bộ")
    attend(make_activity(sanjo, start=dt.date(2025, 12, 28), end_date=dt.date(2026, 1, 5)), person)  # 2025
    attend(make_activity(sanjo, start=dt.date(2026, 2, 1), abroad_city="Sanjo"), person)  # province, held abroad
    attend(make_activity(sanjo, organising=COMMUNE_B, kind="workshop", start=dt.date(2026, 4, 1),
                         venue_unit=unit(COMMUNE_A)), person)
    assert counting.official_participations(*Y2026, None) == 2
    province = unit_ids_within(unit(settings.PROVINCE_CODE), on=TODAY)
    assert counting.official_participations(*Y2026, province) == 2
    assert counting.official_participations(*Y2026, unit_ids_within(unit(COMMUNE_A), on=TODAY)) == 0
    assert counting.official_participations(*Y2026, unit_ids_within(unit(COMMUNE_B), on=TODAY)) == 1
