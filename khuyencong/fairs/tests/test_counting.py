"""Counting: lượt and distinct establishments, period by fair start date, area by establishment commune."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.fairs import counting
from khuyencong.fairs.tests.conftest import make_fair, make_participation
from khuyencong.geo.selectors import unit_ids_within
from khuyencong.testing.fixtures import COMMUNE_A, TODAY, unit

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


def area_a() -> set[int]:
    return unit_ids_within(unit(COMMUNE_A), on=TODAY)


def test_participations_and_distinct_establishments_counted_separately(records) -> None:
    assert counting.participations(*Y2026, None) == 4  # est_a ×3 (cancelled excluded) + est_b ×1 (withdrawn excluded)
    assert counting.establishments(*Y2026, None) == 2
    assert counting.participations(*Y2026, area_a()) == 3  # only est_a, wherever the fair was held
    assert counting.establishments(*Y2026, area_a()) == 1


def test_period_uses_fair_start_date(records) -> None:
    assert counting.participations(dt.date(2025, 1, 1), dt.date(2025, 12, 31), None) == 1
    assert counting.establishments(dt.date(2025, 1, 1), dt.date(2026, 12, 31), None) == 2
    assert counting.participations(dt.date(2025, 1, 1), dt.date(2026, 12, 31), None) == 5
    assert counting.participations(dt.date(2026, 12, 30), dt.date(2026, 12, 30), None) == 1  # the Sanjo fair


def test_ecommerce_listings_counted_apart(records) -> None:
    assert counting.ecommerce_listings(*Y2026, None) == 1
    assert counting.participations(*Y2026, None, kind=None) == 5
    assert counting.support_vnd(*Y2026, None) == 3 * 12_000_000 + 5_000_000 + 7_000_000


def test_breakdowns(records) -> None:
    assert counting.by_scope(*Y2026, None) == {
        "international": {"participations": 1, "establishments": 1},
        "national": {"participations": 1, "establishments": 1},
        "provincial": {"participations": 2, "establishments": 2},
    }
    assert counting.by_year(dt.date(2025, 1, 1), dt.date(2026, 12, 31), None) == {
        2025: {"participations": 1, "establishments": 1},
        2026: {"participations": 4, "establishments": 2},
    }


def test_each_helper_is_one_query(records, django_assert_num_queries) -> None:
    ids = area_a()
    with django_assert_num_queries(1):
        counting.participations(*Y2026, ids)
    with django_assert_num_queries(1):
        counting.by_year(*Y2026, ids)
