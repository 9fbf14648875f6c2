"""Counting helpers: period by acceptance date, area by establishment commune, cancelled never counts."""

from __future__ import annotations

import datetime as dt

from khuyencong.geo.selectors import unit_ids_within
from khuyencong.schemes import counting, services
from khuyencong.schemes.models import DemonstrationModel, Scheme
from khuyencong.schemes.tests.conftest import activity, make_scheme, walk
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
    assert counting.machinery_establishments(*Y2026, None) == 2
    area_a = unit_ids_within(unit(COMMUNE_A), on=TODAY)
    assert counting.machinery_establishments(*Y2026, area_a) == 1
    assert counting.schemes_count(*Y2026, area_a) == 2


def test_cancelled_and_out_of_period_do_not_count(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    plan.approved_total = 10**12
    plan.save()
    counted = _accepted(admin, plan, est_a, "C-1")
    services.disbursement_create(actor=admin, scheme=counted, date=dt.date(2026, 10, 25), amount=100_000_000)
    cancelled = walk(admin, make_scheme(admin, [est_a], code="C-2"), plan, "in_progress")
    services.scheme_transition(actor=admin, scheme=cancelled, target="cancelled", note="Dừng")
    _accepted(admin, plan, est_a, "C-3", on=dt.date(2026, 11, 20))  # after the period below
    period = (dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    totals = counting.scheme_totals(*period, None)
    assert totals == {"count": 1, "support_vnd": 250_000_000, "counterpart_vnd": 350_000_000,
                      "disbursed_vnd": 100_000_000}
    assert counting.schemes_disbursed_vnd(*period, None) == 100_000_000
    assert counting.schemes_support_vnd(*period, None) == 250_000_000
    assert counting.schemes_counterpart_vnd(*period, None) == 350_000_000
    assert counting.machinery_establishments(*period, None) == 1
    assert counting.schemes_count(dt.date(2026, 11, 1), dt.date(2026, 11, 30), None) == 1


def test_breakdown_adds_up_and_implementing_unit_area(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    plan.approved_total = 10**12
    plan.save()
    _accepted(admin, plan, est_a, "B-1")
    _accepted(admin, plan, None, "B-2", activity_type=activity("communication"), total_cost=100_000_000,
              public_support=50_000_000, counterpart_capital=50_000_000, implementing_unit=unit(COMMUNE_B))
    breakdown = counting.schemes_breakdown(*Y2026, None)
    assert set(breakdown) == {("machinery", "national"), ("communication", "national")}
    assert sum(row["count"] for row in breakdown.values()) == counting.schemes_count(*Y2026, None) == 2
    area_b = unit_ids_within(unit(COMMUNE_B), on=TODAY)
    assert counting.schemes_count(*Y2026, area_b) == 1  # no establishment: the implementing unit decides


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
    summary = counting.demo_models_summary(*Y2026, None)
    assert summary == {"count": 2, "counterpart_vnd": 4_200_000_000, "worker_income_min_vnd": 5_000_000,
                       "worker_income_max_vnd": 7_000_000}
    area_a = unit_ids_within(unit(COMMUNE_A), on=TODAY)
    assert counting.demo_models_count(*Y2026, area_a) == 1
    assert counting.demo_models_counterpart_vnd(*Y2026, area_a) == 2_100_000_000
    assert DemonstrationModel.objects.get(scheme__code="D-1").adopters.count() == 1
