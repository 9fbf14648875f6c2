"""Programmes, plans and schemes behind the money, demonstration-model and machinery figures.

Targets (accepted 2014–2020, beneficiary in the province): 6 demonstration models with 24.7 billion
VND of counterpart capital and worker incomes of 5–7 million VND/month; 113 establishments
supported with advanced machinery. Traps: establishments with two machinery schemes, a scheme
cancelled before acceptance, schemes accepted after the period, a beneficiary in another province.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from khuyencong.demo.seed.base import AFTER_PERIOD, SeedContext, bulk
from khuyencong.establishments.models import Establishment
from khuyencong.schemes.models import (
    ActivityType,
    AnnualPlan,
    DemonstrationModel,
    Disbursement,
    FundingSource,
    MachineryItem,
    Programme,
    ProgrammeLevel,
    Scheme,
    SchemeBeneficiary,
    SchemeStatus,
)

# (counterpart capital, average monthly worker income) of the six models: 24.7 billion, 5–7 million.
DEMO_MODELS = [
    (3_200_000_000, 5_000_000), (4_500_000_000, 6_200_000), (3_800_000_000, 5_500_000),
    (5_100_000_000, 7_000_000), (4_000_000_000, 6_000_000), (4_100_000_000, 6_500_000),
]
DEMO_TECHNOLOGIES = ["Dây chuyền chế biến hạt điều tự động", "Lò sấy hải sản tiết kiệm năng lượng",
                     "Máy ép gạch không nung", "Dây chuyền đóng gói nước mắm", "Máy CNC gia công cơ khí",
                     "Hệ thống xử lý nước thải chế biến thủy sản"]
MACHINERY_ESTABLISHMENTS, MACHINERY_TWICE = 113, 7
MACHINES = ["Máy sấy", "Máy cắt CNC", "Máy ép thủy lực", "Dây chuyền đóng gói", "Máy chiết rót", "Máy nghiền"]


# Approved annual budgets (national, local) in đồng, of the size the year's accepted schemes suggest: a province
# like this one reaches 80–95 % of its plan, and 2021 is planned but hardly started when the demo period ends.
PLANNED_SUPPORT = {
    2014: (2_500_000_000, 1_000_000_000), 2015: (4_000_000_000, 500_000_000), 2016: (2_500_000_000, 1_000_000_000),
    2017: (4_000_000_000, 1_200_000_000), 2018: (4_500_000_000, 1_000_000_000), 2019: (6_500_000_000, 1_800_000_000),
    2020: (4_000_000_000, 1_200_000_000), 2021: (4_500_000_000, 1_200_000_000),
}


def _plans(ctx: SeedContext) -> dict[tuple[int, str], AnnualPlan]:
    national = Programme(name="Chương trình khuyến công quốc gia giai đoạn 2014–2020", level=ProgrammeLevel.NATIONAL,
                         start_year=2014, end_year=2020, decision_no="1288/QĐ-TTg",
                         decision_date=dt.date(2014, 8, 1))
    local = Programme(name="Chương trình khuyến công tỉnh Bà Rịa - Vũng Tàu giai đoạn 2014–2020",
                      level=ProgrammeLevel.LOCAL, start_year=2014, end_year=2020, decision_no="1790/QĐ-UBND",
                      decision_date=dt.date(2014, 8, 20))
    later = Programme(name="Chương trình khuyến công quốc gia giai đoạn 2021–2025", level=ProgrammeLevel.NATIONAL,
                      start_year=2021, end_year=2025, decision_no="1881/QĐ-TTg", decision_date=dt.date(2020, 11, 24))
    national, local, later = bulk(Programme, [national, local, later], ctx.actor)
    plans = []
    for year, (national_total, local_total) in PLANNED_SUPPORT.items():
        for source, programme, total in ((FundingSource.NATIONAL, national, national_total),
                                         (FundingSource.LOCAL, local, local_total)):
            programme = later if year > 2020 else programme
            plans.append(AnnualPlan(programme=programme, year=year, funding_source=source,
                                    approved_total=total, decision_no=f"{100 + year % 100}/QĐ-SCT",
                                    decision_date=dt.date(year, 1, 15)))
    return {(p.year, p.funding_source): p for p in bulk(AnnualPlan, plans, ctx.actor)}


APPROVAL_TO_ACCEPTANCE = dt.timedelta(days=140)
APPRAISAL_SCORE = Decimal("80.00")  # every seeded scheme passed appraisal before approval
CIRCULAR_28_FROM = dt.date(2018, 5, 15)  # the support norms in force change on this day


def _cap(approved: dt.date, before: int, after: int) -> int:
    """The support cap in force when the scheme was approved (the services check the same norm)."""
    return after if approved >= CIRCULAR_28_FROM else before


def _activity(code: str) -> ActivityType:
    return ActivityType.objects.filter(code=code).order_by("valid_from").first()  # type: ignore[return-value]


def _scheme(ctx: SeedContext, plans: dict, code: str, activity: str, title: str, *, accepted: dt.date,
            cost: int, support: int, status: str = SchemeStatus.SETTLED, source: str = FundingSource.NATIONAL,
            ) -> Scheme:
    approved = accepted - APPROVAL_TO_ACCEPTANCE  # approval, contract, work and acceptance in order
    done = status in (SchemeStatus.ACCEPTED, SchemeStatus.SETTLED)
    return Scheme(
        code=code, title=title, activity_type=_activity(activity), funding_source=source,
        plan=plans[(approved.year, source)], implementing_unit_name="Trung tâm Khuyến công tỉnh Bà Rịa - Vũng Tàu",
        implementing_unit=ctx.province, planned_start=approved, planned_end=accepted,
        actual_start=approved + dt.timedelta(days=20), actual_end=accepted if done else None,
        total_cost=cost, public_support=support, counterpart_capital=cost - support, status=status,
        appraisal_score=APPRAISAL_SCORE, approval_decision_no=f"{code}/QĐ-SCT", approval_decision_date=approved,
        contract_no=f"{code}/HĐ", contract_date=approved + dt.timedelta(days=10),
        acceptance_date=accepted if done else None, acceptance_record_no=f"{code}/BB-NT" if done else "",
        settled_amount=support if status == SchemeStatus.SETTLED else None,
        settlement_date=accepted + dt.timedelta(days=45) if status == SchemeStatus.SETTLED else None,
    )


def _demo_models(ctx: SeedContext, plans: dict) -> None:
    schemes, hosts = [], ctx.rng.sample(ctx.establishments, len(DEMO_MODELS) + 2)
    for i, (counterpart, _income) in enumerate(DEMO_MODELS):
        approved = dt.date(2015 + i, 11, 10) - APPROVAL_TO_ACCEPTANCE
        # ≤ 30 % of cost, and the cap in force on the approval date (Circular 28/2018 raised it to 1 billion).
        support = min(_cap(approved, 500_000_000, 1_000_000_000), counterpart * 3 // 7)
        schemes.append(_scheme(ctx, plans, f"MH-{2015 + i}-{i + 1:02d}", "demo_model", DEMO_TECHNOLOGIES[i],
                               accepted=dt.date(2015 + i, 11, 10), cost=counterpart + support, support=support))
    schemes.append(_scheme(ctx, plans, "MH-2019-HUY", "demo_model", "Mô hình sấy nông sản (đã hủy)",
                           accepted=dt.date(2019, 10, 1), cost=2_000_000_000, support=500_000_000,
                           status=SchemeStatus.CANCELLED))
    schemes.append(_scheme(ctx, plans, "MH-2021-01", "demo_model", "Mô hình chế biến rong biển (năm 2021)",
                           accepted=AFTER_PERIOD, cost=3_000_000_000, support=900_000_000,
                           status=SchemeStatus.ACCEPTED))
    schemes = bulk(Scheme, schemes, ctx.actor)
    incomes = [income for _counterpart, income in DEMO_MODELS] + [5_000_000, 9_000_000]
    bulk(SchemeBeneficiary, [SchemeBeneficiary(scheme=s, establishment=h) for s, h in zip(schemes, hosts,
                                                                                          strict=True)], ctx.actor)
    bulk(DemonstrationModel, [
        DemonstrationModel(scheme=s, host_establishment=h, technology=s.title, workers_employed=ctx.rng.randint(8, 40),
                           avg_worker_income_vnd=income)
        for s, h, income in zip(schemes, hosts, incomes, strict=True)], ctx.actor)
    _disburse(ctx, [s for s in schemes if s.status in (SchemeStatus.ACCEPTED, SchemeStatus.SETTLED)])


def _machinery(ctx: SeedContext, plans: dict) -> None:
    chosen = ctx.rng.sample(ctx.establishments, MACHINERY_ESTABLISHMENTS + 2)
    counted, cancelled_only, late_only = chosen[:MACHINERY_ESTABLISHMENTS], chosen[-2], chosen[-1]
    owners: list[Establishment] = [*counted, *counted[:MACHINERY_TWICE], cancelled_only, late_only,
                                   ctx.outside_establishments[0]]
    schemes, links, items = [], [], []
    for i, owner in enumerate(owners):
        status = (SchemeStatus.CANCELLED if owner is cancelled_only else SchemeStatus.ACCEPTED
                  if owner is late_only or i % 3 == 0 else SchemeStatus.SETTLED)
        accepted = AFTER_PERIOD if owner is late_only else ctx.day_between(dt.date(2014, 6, 1), dt.date(2020, 11, 30))
        cost = ctx.rng.randrange(300_000_000, 900_000_000, 10_000_000)
        support = min(_cap(accepted - APPROVAL_TO_ACCEPTANCE, 200_000_000, 300_000_000), cost // 2)
        source = FundingSource.LOCAL if i % 4 == 0 else FundingSource.NATIONAL
        schemes.append(_scheme(ctx, plans, f"MM-{accepted.year}-{i + 1:03d}", "machinery",
                               f"Hỗ trợ ứng dụng máy móc thiết bị tiên tiến cho {owner.name}", accepted=accepted,
                               cost=cost, support=support, status=status, source=source))
    schemes = bulk(Scheme, schemes, ctx.actor)
    for scheme, owner in zip(schemes, owners, strict=True):
        links.append(SchemeBeneficiary(scheme=scheme, establishment=owner))
        price = scheme.total_cost // 2
        items.append(MachineryItem(scheme=scheme, name=ctx.rng.choice(MACHINES), quantity=2, unit_price=price,
                                   supplier="Công ty TNHH Thiết bị Công nghiệp Miền Nam",
                                   sector_group=owner.sector_group))
    bulk(SchemeBeneficiary, links, ctx.actor)
    bulk(MachineryItem, items, ctx.actor)
    _disburse(ctx, [s for s in schemes if s.status in (SchemeStatus.ACCEPTED, SchemeStatus.SETTLED)])


def _disburse(ctx: SeedContext, schemes: list[Scheme]) -> None:
    """Two instalments each: an advance after the contract and the balance after acceptance."""
    rows = []
    for s in schemes:
        assert s.contract_date is not None and s.acceptance_date is not None
        advance = s.public_support // 2
        rows.append(Disbursement(scheme=s, date=s.contract_date + dt.timedelta(days=10), amount=advance))
        rows.append(Disbursement(scheme=s, date=s.acceptance_date + dt.timedelta(days=20),
                                 amount=s.public_support - advance))
    bulk(Disbursement, rows, ctx.actor)


def seed_schemes(ctx: SeedContext) -> None:
    plans = _plans(ctx)
    _demo_models(ctx, plans)
    _machinery(ctx, plans)
