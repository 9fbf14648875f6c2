"""Fair indicators through the engine: lượt and distinct establishments, period by fair start date, area by
establishment commune; e-commerce listings apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from khuyencong.fairs.indicators import ECOMMERCE, counted
from khuyencong.fairs.tests.conftest import FAIR_FIGURES, fair_figures, make_fair, make_participation
from khuyencong.indicators.breakdowns import compute_breakdown
from khuyencong.indicators.engine import resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.testing.fixtures import COMMUNE_A, TODAY

pytestmark = pytest.mark.django_db

Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def records(est_a, est_b):  # type: ignore[no-untyped-def]
    """est_a attends three fairs in 2026 (one abroad) and lists on Shopee; est_b two in 2026 and one in 2025."""
    f1 = make_fair("Hội chợ 1", start=dt.date(2026, 3, 1), scope="provincial")
    f2 = make_fair("Hội chợ 2", start=dt.date(2026, 6, 1), scope="national")
    f3 = make_fair("Hội chợ Sanjo", start=dt.date(2026, 12, 30), days=5, scope="international",
                   venue_country="Nhật Bản", venue_city="Sanjo")  # held abroad, ends in 2027: counted in 2026
    old = make_fair("Hội chợ 2025", start=dt.date(2025, 12, 31), scope="provincial")
    cancelled = make_fair("Hội chợ bị hủy", start=dt.date(2026, 4, 1), cancelled=True)
    shop = make_fair("Chương trình đưa sản phẩm lên sàn", start=dt.date(2026, 2, 1), scope="provincial")
    for fair in (f1, f2, f3, cancelled):
        make_participation(fair, est_a)
    make_participation(shop, est_a, kind="ecommerce_listing", platform="Shopee", support_vnd=5_000_000)
    make_participation(f1, est_b, support_vnd=7_000_000)
    make_participation(f2, est_b, withdrawn=True)  # dropped: never counts
    make_participation(old, est_b)
    return {"f1": f1, "f2": f2, "f3": f3}


def test_participations_and_distinct_establishments_counted_separately(records) -> None:
    assert fair_figures(*Y2026) == (4, 2)  # est_a ×3 (cancelled excluded) + est_b ×1 (withdrawn excluded)
    assert fair_figures(*Y2026, COMMUNE_A) == (3, 1)  # only est_a, wherever the fair was held


def test_period_uses_fair_start_date(records) -> None:
    assert fair_figures(dt.date(2025, 1, 1), dt.date(2025, 12, 31))[0] == 1
    assert fair_figures(dt.date(2025, 1, 1), dt.date(2026, 12, 31)) == (5, 2)
    assert fair_figures(dt.date(2026, 12, 30), dt.date(2026, 12, 30))[0] == 1  # the Sanjo fair


def test_ecommerce_listings_counted_apart(records) -> None:
    assert counted(*Y2026, None, kind=ECOMMERCE).count() == 1
    assert counted(*Y2026, None, kind=None).count() == 5  # the fair figure (4) leaves the listing out
    support = counted(*Y2026, None, kind=None).aggregate(s=Sum("support_vnd"))["s"]
    assert support == 3 * 12_000_000 + 5_000_000 + 7_000_000


def test_breakdown_by_year(records) -> None:
    breakdown = compute_breakdown(Period(dt.date(2025, 1, 1), dt.date(2026, 12, 31)), resolve_area(None, TODAY),
                                  [Dimension.YEAR], FAIR_FIGURES[:1])
    assert breakdown.values["fairs.participations"] == {"2025": 1, "2026": 4}
