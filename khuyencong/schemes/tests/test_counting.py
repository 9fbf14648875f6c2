"""Scheme indicators through the engine: period by acceptance date, area by establishment commune (or the
implementing unit when there is none), cancelled never counts."""

from __future__ import annotations

import datetime as dt

from khuyencong.indicators.breakdowns import compute_breakdown
from khuyencong.indicators.engine import resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.schemes import services
from khuyencong.schemes.models import DemonstrationModel, Scheme
from khuyencong.schemes.tests.conftest import activity, make_scheme, scheme_figures, walk
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, TODAY, unit

Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _accepted(admin, plan, est, code, *, on=dt.date(2026, 10, 20), **extra):  # type: ignore[no-untyped-def]
    scheme = walk(admin, make_scheme(admin, [est] if est else [], code=code, **extra), plan, "in_progress")
    return services.scheme_transition(actor=admin, scheme=scheme, target="accepted", fields={
        "acceptance_date": on, "acceptance_record_no": f"BB-{code}"})


def test_machinery_establishment_with_two_schemes_counts_once(personas, est_a, est_b, plan) -> None:
    admin = personas["province_admin"]
    plan.approved_total = 10**12
    plan.save()
    _accepted(admin, plan, est_a, "M-1")
    _accepted(admin, plan, est_a, "M-2")
    _accepted(admin, plan, est_b, "M-3")
    assert scheme_figures(*Y2026)["machinery.establishments"] == 2
    in_a = scheme_figures(*Y2026, COMMUNE_A)
    assert in_a["machinery.establishments"] == 1
    assert in_a["schemes.count"] == 2


def test_cancelled_and_out_of_period_do_not_count(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    plan.approved_total = 10**12
    plan.save()
    counted = _accepted(admin, plan, est_a, "C-1")
    services.disbursement_create(actor=admin, scheme=counted, date=dt.date(2026, 10, 25), amount=100_000_000)
    cancelled = walk(admin, make_scheme(admin, [est_a], code="C-2"), plan, "in_progress")
    services.scheme_transition(actor=admin, scheme=cancelled, target="cancelled", note="Dừng")
    _accepted(admin, plan, est_a, "C-3", on=dt.date(2026, 11, 20))  # after the period below
    figures = scheme_figures(dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    assert {code: figures[code] for code in ("schemes.count", "schemes.support_vnd", "schemes.counterpart_vnd",
                                             "schemes.disbursed_vnd", "machinery.establishments")} == {
        "schemes.count": 1, "schemes.support_vnd": 250_000_000, "schemes.counterpart_vnd": 350_000_000,
        "schemes.disbursed_vnd": 100_000_000, "machinery.establishments": 1}
    assert scheme_figures(dt.date(2026, 11, 1), dt.date(2026, 11, 30))["schemes.count"] == 1


def test_breakdown_adds_up_and_implementing_unit_area(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    plan.approved_total = 10**12
    plan.save()
    _accepted(admin, plan, est_a, "B-1")
    _accepted(admin, plan, None, "B-2", activity_type=activity("communication"), total_cost=100_000_000,
              public_support=50_000_000, counterpart_capital=50_000_000, implementing_unit=unit(COMMUNE_B))
    breakdown = compute_breakdown(Period(*Y2026), resolve_area(None, TODAY), [Dimension.ACTIVITY],
                                  ["schemes.count"]).values["schemes.count"]
    assert breakdown == {"machinery": 1, "communication": 1}
    assert sum(v or 0 for v in breakdown.values()) == scheme_figures(*Y2026)["schemes.count"] == 2
    assert scheme_figures(*Y2026, COMMUNE_B)["schemes.count"] == 1  # no establishment: the implementing unit


def test_demo_models_figures(personas, est_a, est_b, plan) -> None:
    admin = personas["province_admin"]
    plan.approved_total = 10**12
    plan.save()
    demo = dict(activity_type=activity("demo_model"), total_cost=3_000_000_000, public_support=900_000_000,
                counterpart_capital=2_100_000_000)
    for code, est, income in (("D-1", est_a, 5_000_000), ("D-2", est_b, 7_000_000)):
        scheme = make_scheme(admin, [est], code=code, **demo)
        services.demonstration_save(actor=admin, scheme=scheme, data={
            "host_establishment": est, "technology": "Sấy hạt điều", "workers_employed": 12,
            "avg_worker_income_vnd": income}, adopters=[est_b] if est == est_a else [])
        walk(admin, Scheme.objects.get(pk=scheme.pk), plan, "in_progress")
        services.scheme_transition(actor=admin, scheme=Scheme.objects.get(pk=scheme.pk), target="accepted",
                                   fields={"acceptance_date": dt.date(2026, 9, 1), "acceptance_record_no": code})
    figures = scheme_figures(*Y2026)
    assert {code: figures[f"demo_models.{code}"] for code in (
        "count", "counterpart_vnd", "worker_income_min_vnd", "worker_income_max_vnd")} == {
        "count": 2, "counterpart_vnd": 4_200_000_000, "worker_income_min_vnd": 5_000_000,
        "worker_income_max_vnd": 7_000_000}
    in_a = scheme_figures(*Y2026, COMMUNE_A)
    assert (in_a["demo_models.count"], in_a["demo_models.counterpart_vnd"]) == (1, 2_100_000_000)
    assert DemonstrationModel.objects.get(scheme__code="D-1").adopters.count() == 1
