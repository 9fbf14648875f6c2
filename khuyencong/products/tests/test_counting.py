"""Product indicators through the engine: distinct products recognised (not certificates), period and area."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.indicators.breakdowns import compute_breakdown
from khuyencong.indicators.engine import resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.products.models import Certificate
from khuyencong.products.tests.conftest import PERIOD, make_product, make_round, recognise, recognised
from khuyencong.testing.fixtures import TODAY

pytestmark = pytest.mark.django_db
DISTRICT = "products.recognized.district"


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


def test_distinct_products_not_certificates(twice_recognised, est_a) -> None:
    assert Certificate.objects.filter(product__establishment=est_a).count() == 2
    assert recognised("district", area_code="26560") == 1  # one product, recognised twice
    assert recognised("district") == 2  # the revoked one never counts


def test_period_is_the_decision_date(twice_recognised) -> None:
    assert recognised("district", Period(dt.date(2017, 1, 1), dt.date(2020, 12, 31))) == 2
    assert recognised("district", Period(dt.date(2016, 1, 1), dt.date(2016, 12, 31))) == 1
    assert recognised("province") == 0


def test_breakdown_by_level(twice_recognised) -> None:
    breakdown = compute_breakdown(PERIOD, resolve_area(None, TODAY), [Dimension.LEVEL], [DISTRICT])
    assert breakdown.values[DISTRICT] == {"district": 2}
