"""Factories for scheme tests: a programme, plans, schemes created through the services or in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.schemes import services
from khuyencong.schemes.models import ActivityType, AnnualPlan, Programme, Scheme, SchemeBeneficiary
from khuyencong.testing.fixtures import TODAY


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to a per-test directory, never the developer's var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def activity(code: str) -> ActivityType:
    return ActivityType.objects.filter(code=code).order_by("-valid_from").first()  # type: ignore[return-value]


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.create(name="Chương trình khuyến công quốc gia", level="national", start_year=2026,
                                    end_year=2030, decision_no="2646/QĐ-BCT", decision_date=dt.date(2025, 9, 23))


@pytest.fixture
def plan(programme) -> AnnualPlan:
    return AnnualPlan.objects.create(programme=programme, year=2026, funding_source="national",
                                     approved_total=2_000_000_000, decision_no="12/QĐ-UBND",
                                     decision_date=dt.date(2026, 1, 10))


def scheme_data(**overrides: Any) -> dict[str, Any]:
    base = {
        "code": "KCQG-2026-01", "title": "Hỗ trợ máy chế biến hạt điều", "activity_type": activity("machinery"),
        "funding_source": "national", "implementing_unit_name": "Trung tâm Khuyến công",
        "planned_start": dt.date(2026, 3, 1), "planned_end": dt.date(2026, 10, 31),
        "total_cost": 600_000_000, "public_support": 250_000_000, "counterpart_capital": 350_000_000,
    }
    return {**base, **overrides}


def make_scheme(actor, establishments=(), **overrides: Any) -> Scheme:  # type: ignore[no-untyped-def]
    return services.scheme_create(actor=actor, data=scheme_data(**overrides), beneficiaries=establishments)


APPROVAL = {"approval_decision_no": "45/QĐ-SCT", "approval_decision_date": dt.date(2026, 3, 15)}


def walk(actor, scheme: Scheme, plan: AnnualPlan, until: str) -> Scheme:  # type: ignore[no-untyped-def]
    """Drive a scheme through the lifecycle up to ``until`` with valid fields."""
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("appraised", {"appraisal_score": 82, "appraisal_comments": "Đạt"}, ""),
        ("approved", {"plan": plan, **APPROVAL}, ""),
        ("contracted", {"contract_no": "HĐ-07", "contract_date": dt.date(2026, 3, 20)}, ""),
        ("in_progress", {"actual_start": dt.date(2026, 3, 25)}, ""),
        ("accepted", {"acceptance_date": dt.date(2026, 10, 20), "acceptance_record_no": "BB-19",
                      "actual_end": dt.date(2026, 10, 15)}, ""),
        ("settled", {"settled_amount": 240_000_000, "settlement_date": dt.date(2026, 11, 10)}, ""),
    ]
    order = [t for t, _f, _n in steps]
    start = order.index(scheme.status) + 1 if scheme.status in order else 0
    for target, fields, note in steps[start:]:
        scheme = services.scheme_transition(actor=actor, scheme=scheme, target=target, fields=fields, note=note)
        if target == until:
            break
    return scheme


def bulk_schemes(plan: AnnualPlan, establishments, n: int, *, status: str = "approved") -> None:  # type: ignore[no-untyped-def]
    kind = activity("training")
    rows = [Scheme(code=f"BULK-{i:04d}", title=f"Đề án {i}", activity_type=kind, funding_source=plan.funding_source,
                   plan=plan, implementing_unit_name="Trung tâm", status=status, total_cost=1000, public_support=100,
                   counterpart_capital=900) for i in range(n)]
    created = Scheme.objects.bulk_create(rows)
    if not created or created[0].pk is None:  # SQLite before 3.35 returns no ids
        created = list(Scheme.objects.filter(code__startswith="BULK-"))
    links = [SchemeBeneficiary(scheme=s, establishment=e) for s in created for e in establishments]
    SchemeBeneficiary.objects.bulk_create(links)


SCHEME_FIGURES = ["schemes.count", "schemes.support_vnd", "schemes.counterpart_vnd", "schemes.disbursed_vnd",
                  "demo_models.count", "demo_models.counterpart_vnd", "demo_models.worker_income_min_vnd",
                  "demo_models.worker_income_max_vnd", "machinery.establishments"]


def scheme_figures(date_from: dt.date, date_to: dt.date, area_code: str | None = None) -> dict[str, Any]:
    """The engine's scheme, demonstration-model and machinery figures for the period and area."""
    return compute(Period(date_from, date_to), resolve_area(area_code, TODAY), SCHEME_FIGURES).values
