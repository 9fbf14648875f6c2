"""Figures of the scheme records beside the catalogue indicators (sums by activity and funding, plan
lines), one SQL aggregate each, over the schemes the indicators count (``schemes.indicators``, where the
period and area rules live).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Coalesce

from khuyencong.schemes.indicators import (
    ACCEPTED_OR_LATER,
    accepted_schemes,
    demo_models,
    disbursed,
    machinery_links,
)
from khuyencong.schemes.models import Disbursement

__all__ = ["ACCEPTED_OR_LATER", "accepted_schemes", "machinery_establishments", "scheme_totals", "schemes_breakdown"]

_disbursed = disbursed
_demo_models = demo_models

_SUMS: dict[str, Any] = {
    "count": Count("pk"),
    "support_vnd": Coalesce(Sum("public_support"), 0),
    "counterpart_vnd": Coalesce(Sum("counterpart_capital"), 0),
    "disbursed_vnd": Coalesce(Sum("scheme_disbursed"), 0),
}


def scheme_totals(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> dict[str, int]:
    """schemes.count, .support_vnd, .counterpart_vnd, .disbursed_vnd in one query."""
    items = accepted_schemes(date_from, date_to, unit_ids).annotate(scheme_disbursed=_disbursed())
    return {k: int(v) for k, v in items.aggregate(**_SUMS).items()}


def schemes_count(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    return accepted_schemes(date_from, date_to, unit_ids).count()


def schemes_support_vnd(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    return int(accepted_schemes(date_from, date_to, unit_ids).aggregate(s=Coalesce(Sum("public_support"), 0))["s"])


def schemes_counterpart_vnd(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    items = accepted_schemes(date_from, date_to, unit_ids)
    return int(items.aggregate(s=Coalesce(Sum("counterpart_capital"), 0))["s"])


def schemes_disbursed_vnd(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    schemes = accepted_schemes(date_from, date_to, unit_ids).values("pk")
    return int(Disbursement.objects.filter(scheme__in=schemes).aggregate(s=Coalesce(Sum("amount"), 0))["s"])


def schemes_breakdown(date_from: dt.date, date_to: dt.date,
                      unit_ids: set[int] | None) -> dict[tuple[str, str], dict[str, int]]:
    """(activity type code, funding source) → the four sums; one GROUP BY query. Parts add up to the total."""
    items = accepted_schemes(date_from, date_to, unit_ids).annotate(scheme_disbursed=_disbursed())
    rows = items.values("activity_type__code", "funding_source").annotate(**_SUMS)
    out: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows.order_by("activity_type__code", "funding_source"):  # one row per group, not per scheme
        values: dict[str, Any] = dict(row)
        out[(values["activity_type__code"], values["funding_source"])] = {k: int(values[k]) for k in _SUMS}
    return out


def demo_models_summary(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> dict[str, int | None]:
    """demo_models.count, .counterpart_vnd, .worker_income_min_vnd, .worker_income_max_vnd in one query."""
    return _demo_models(date_from, date_to, unit_ids).aggregate(
        count=Count("pk"), counterpart_vnd=Coalesce(Sum("counterpart_capital"), 0),
        worker_income_min_vnd=Min("demonstration__avg_worker_income_vnd"),
        worker_income_max_vnd=Max("demonstration__avg_worker_income_vnd"),
    )


def demo_models_count(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    return _demo_models(date_from, date_to, unit_ids).count()


def demo_models_counterpart_vnd(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    items = _demo_models(date_from, date_to, unit_ids)
    return int(items.aggregate(s=Coalesce(Sum("counterpart_capital"), 0))["s"])


def machinery_establishments(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    """Distinct establishments with an accepted machinery scheme (an establishment with two counts once)."""
    links = machinery_links(date_from, date_to, unit_ids)
    return int(links.aggregate(n=Count("establishment", distinct=True))["n"])
