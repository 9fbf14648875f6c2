"""Counting helpers: distinct products recognised vs certificates issued, period and area rules."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.geo.selectors import unit_ids_within
from khuyencong.products import counting
from khuyencong.products.tests.conftest import make_product, make_round, recognise
from khuyencong.testing.fixtures import TODAY, unit

pytestmark = pytest.mark.django_db
PERIOD = (dt.date(2014, 1, 1), dt.date(2020, 12, 31))


@pytest.fixture
def twice_recognised(personas, est_a, est_b, district):  # type: ignore[no-untyped-def]
    officer = personas["province_officer"]
    product = make_product(est_a, "Hạt điều rang muối", group_code="agro_food")
    r2016 = make_round(officer, year=2016, organiser=district)
    r2018 = make_round(officer, year=2018, organiser=district)
    recognise(product, r2016, decided_on=dt.date(2016, 9, 1), number="12/QĐ-UBND")
    recognise(product, r2018, decided_on=dt.date(2018, 9, 1), number="34/QĐ-UBND")
    other = make_product(est_b, "Giỏ mây")
    recognise(other, r2018, decided_on=dt.date(2018, 9, 1), number="34/QĐ-UBND")
    revoked = recognise(make_product(est_b, "Chiếu"), r2018, decided_on=dt.date(2018, 9, 1), number="34/QĐ-UBND")
    revoked.revoked = True
    revoked.save()
    return product


def test_distinct_products_and_certificates_are_different_figures(twice_recognised, est_a) -> None:
    area_a = unit_ids_within(unit("26560"), on=TODAY)
    assert counting.products_recognized("district", *PERIOD, area_a) == 1
    assert counting.certificates_issued("district", *PERIOD, area_a) == 2
    assert counting.products_recognized("district", *PERIOD, None) == 2  # the revoked one never counts
    assert counting.certificates_issued("district", *PERIOD, None) == 3


def test_period_is_the_decision_date(twice_recognised) -> None:
    assert counting.products_recognized("district", dt.date(2017, 1, 1), dt.date(2020, 12, 31), None) == 2
    assert counting.certificates_issued("district", dt.date(2016, 1, 1), dt.date(2016, 12, 31), None) == 1
    assert counting.products_recognized("province", *PERIOD, None) == 0


def test_breakdown_by_level(twice_recognised) -> None:
    assert counting.products_recognized_by_level(*PERIOD, None) == {"district": 2}
