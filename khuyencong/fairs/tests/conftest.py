"""Factories for fairs tests: records created directly (not through services) with sane defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from khuyencong.fairs.models import Fair, FairParticipation, Showroom
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.testing.fixtures import COMMUNE_A, TODAY, make_establishment, unit

FAIR_FIGURES = ["fairs.participations", "fairs.establishments"]
PAST_START = dt.date(2026, 5, 10)  # "today" is frozen at 2026-11-26
FUTURE_START = dt.date(2027, 3, 1)


def make_fair(name: str = "Hội chợ hàng CNNT khu vực phía Nam 2026", *, start: dt.date = PAST_START,
              days: int = 4, **extra: Any) -> Fair:
    values: dict[str, Any] = {"organiser": "Bộ Công Thương", "scope": "regional", "booth_support_vnd": 12_000_000,
                              **extra}
    if "venue_country" not in values:
        values.setdefault("venue_unit", unit("79"))
    return Fair.objects.create(name=name, start_date=start, end_date=start + dt.timedelta(days=days), **values)


def make_participation(fair: Fair, establishment: Any, **extra: Any) -> FairParticipation:
    values = {"booths": 1, "support_vnd": 12_000_000, **extra}
    return FairParticipation.objects.create(fair=fair, establishment=establishment, **values)


def make_establishments(n: int, prefix: str = "Cơ sở thủ công") -> list[Any]:
    return [make_establishment(f"{prefix} số {i}", unit(COMMUNE_A)) for i in range(n)]


@pytest.fixture
def past_fair(db) -> Fair:
    return make_fair()


@pytest.fixture
def future_fair(db) -> Fair:
    return make_fair("Triển lãm sản phẩm CNNT tiêu biểu 2027", start=FUTURE_START, scope="provincial")


@pytest.fixture
def part_a(past_fair, est_a) -> FairParticipation:
    return make_participation(past_fair, est_a, products_shown=["Hạt điều rang muối"], sales_vnd=50_000_000,
                              contracts_signed=2, new_distributors=1)


@pytest.fixture
def part_b(past_fair, est_b) -> FairParticipation:
    return make_participation(past_fair, est_b, support_vnd=10_000_000, sales_vnd=20_000_000, contracts_signed=1)


@pytest.fixture
def showroom(db) -> Showroom:
    return Showroom.objects.create(name="Điểm giới thiệu sản phẩm CNNT Bà Rịa", location_unit=unit(COMMUNE_A),
                                   operator="Trung tâm Khuyến công", opened_on=dt.date(2025, 8, 1))


def make_scheme(code: str, establishment: Any) -> Any:
    """A scheme whose area is ``establishment``'s commune (its only beneficiary), created directly."""
    from khuyencong.schemes.models import ActivityType, Scheme, SchemeBeneficiary

    kind = ActivityType.objects.filter(code="trade_promotion").order_by("-valid_from").first() \
        or ActivityType.objects.order_by("code", "-valid_from").first()
    scheme = Scheme.objects.create(code=code, title=f"Đề án {code}", activity_type=kind, funding_source="local",
                                   implementing_unit_name="Trung tâm Khuyến công", total_cost=100_000_000,
                                   public_support=50_000_000, counterpart_capital=50_000_000)
    SchemeBeneficiary.objects.create(scheme=scheme, establishment=establishment)
    return scheme


def make_product(establishment: Any, name: str) -> Any:
    from khuyencong.products.models import Product, ProductGroup

    return Product.objects.create(establishment=establishment, name=name, group=ProductGroup.objects.first())


def fair_figures(date_from: dt.date, date_to: dt.date, area_code: str | None = None) -> tuple[int, int]:
    """The engine's participations (lượt) and distinct establishments in fairs for the period and area."""
    values = compute(Period(date_from, date_to), resolve_area(area_code, TODAY), FAIR_FIGURES).values
    return values["fairs.participations"], values["fairs.establishments"]
