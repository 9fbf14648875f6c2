"""Factories for the typical-product tests: products with documents, rounds, councils, scored sheets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from khuyencong.accounts.models import Role
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.products import services
from khuyencong.products.models import (
    MemberRole,
    Product,
    ProductDocument,
    ProductGroup,
    RecognitionLevel,
    RuleSet,
    SelectionRound,
    in_force,
)
from khuyencong.testing.fixtures import OLD_DAY, TODAY, make_establishment, make_user, unit

DEADLINE_2016 = dt.date(2016, 6, 30)


def level(code: str, on: dt.date) -> RecognitionLevel:
    return RecognitionLevel.objects.get(in_force(on), code=code)


def group(code: str) -> ProductGroup:
    return ProductGroup.objects.get(code=code)


def make_product(establishment, name: str, *, group_code: str = "handicrafts", documents: bool = True,  # type: ignore[no-untyped-def]
                 one_off: bool = False) -> Product:
    product = Product.objects.create(establishment=establishment, name=name, group=group(group_code), one_off=one_off)
    if documents:
        for kind in product.group.required_documents:
            ProductDocument.objects.create(product=product, kind=kind, title=kind)
    return product


def sheet(total: float) -> dict[str, Decimal]:
    """A score sheet adding up to ``total`` in the 40/40/10/10 proportions."""
    t = Decimal(str(total))
    return {"1": t * Decimal("0.4"), "2": t * Decimal("0.4"), "3": t * Decimal("0.1"), "4": t * Decimal("0.1")}


def make_round(actor, *, year: int = 2016, level_code: str = "district", organiser=None,  # type: ignore[no-untyped-def]
               deadline: dt.date | None = None, quota: int | None = None,
               level_on: dt.date | None = None) -> SelectionRound:
    deadline = deadline or dt.date(year, 6, 30)
    return services.round_create(actor=actor, data={
        "name": f"Bình chọn sản phẩm CNNT tiêu biểu cấp {level_code} năm {year}",
        "level": level(level_code, level_on or deadline), "organiser": organiser, "year": year,
        "plan_document_no": f"{year}/KH-UBND", "dossier_deadline": deadline,
        "rule_set": RuleSet.objects.get(), "quota": quota,
    })


@pytest.fixture
def district(est_a):  # type: ignore[no-untyped-def]
    """The pre-2025 district (Thành phố Bà Rịa) that est_a's old commune belonged to."""
    return est_a.commune.parent


@pytest.fixture
def jury(personas):  # type: ignore[no-untyped-def]
    """Three jurors and a secretary (system role: council member)."""
    return {
        "j1": personas["council_member"],
        "j2": make_user("juror2", Role.COUNCIL_MEMBER),
        "j3": make_user("juror3", Role.COUNCIL_MEMBER),
        "secretary": make_user("secretary", Role.COUNCIL_MEMBER),
        "chair": make_user("chair", Role.COUNCIL_MEMBER),
    }


@pytest.fixture
def open_round(personas, jury, district):  # type: ignore[no-untyped-def]
    """A 2016 district round with a council of chair, secretary and three jurors, receiving dossiers."""
    officer = personas["province_officer"]
    selection_round = make_round(officer, year=2016, organiser=district, quota=2)
    council = services.council_create(actor=officer, selection_round=selection_round, name="Hội đồng bình chọn 2016")
    services.council_member_add(actor=officer, council=council, user=jury["chair"], role=MemberRole.CHAIR)
    services.council_member_add(actor=officer, council=council, user=jury["secretary"], role=MemberRole.SECRETARY)
    for key in ("j1", "j2", "j3"):
        services.council_member_add(actor=officer, council=council, user=jury[key], role=MemberRole.JUROR)
    return selection_round


@pytest.fixture
def neighbours(est_a):  # type: ignore[no-untyped-def]
    """Two more establishments in est_a's old commune."""
    return [make_establishment(f"Cơ sở thủ công số {i}", est_a.commune, registered_on=OLD_DAY) for i in (1, 2)]


@pytest.fixture
def scoring_round(open_round, personas, est_a, jury):  # type: ignore[no-untyped-def]
    """The round with two nominations of est_a, scoring started, nobody has scored yet."""
    officer = personas["province_officer"]
    for name in ("Hạt điều rang muối", "Bánh tráng Phước Nguyên"):
        product = make_product(est_a, name, group_code="agro_food")
        services.nomination_create(actor=officer, selection_round=open_round, product=product,
                                   made_by_establishment=True, submitted_on=dt.date(2016, 6, 1))
    services.round_start_scoring(actor=jury["secretary"], selection_round=open_round)
    open_round.refresh_from_db()
    return open_round


__all__ = ["DEADLINE_2016", "group", "level", "make_product", "make_round", "sheet", "unit"]


def recognise(product, selection_round, *, decided_on: dt.date, number: str):  # type: ignore[no-untyped-def]
    """Record a past recognition directly (fixtures for counting and history tests)."""
    from khuyencong.products.models import Certificate, Nomination, RecognitionDecision

    nomination = Nomination.objects.create(round=selection_round, product=product, submitted_on=decided_on,
                                           made_by_establishment=True, status="recognised",
                                           selection_code=number)
    decision, _ = RecognitionDecision.objects.get_or_create(round=selection_round,
                                                            defaults={"number": number, "decided_on": decided_on})
    return Certificate.objects.create(
        decision=decision, nomination=nomination, product=product, level=selection_round.level,
        number=f"{number}-{product.pk}", year=selection_round.year, issued_on=decided_on,
        valid_until=selection_round.rule_set.valid_until(decided_on))


PERIOD = Period(dt.date(2014, 1, 1), dt.date(2020, 12, 31))


def recognised(level: str, period: Period = PERIOD, area_code: str | None = None) -> int:
    """The engine's figure: distinct products recognised at ``level`` in the period and area."""
    code = f"products.recognized.{level}"
    return compute(period, resolve_area(area_code, TODAY), [code]).values[code]
