"""Counting helpers for the indicators engine: accepted schemes in a period and an area.

Period rule: a scheme is in the period when its acceptance (nghiệm thu) date is. Area rule: the
beneficiary (host) establishment's commune; a scheme without establishments uses its implementing unit.
Cancelled schemes never count. ``unit_ids`` comes from ``geo.selectors.unit_ids_within``; None = everywhere.
Each function is one SQL aggregate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from khuyencong.schemes.models import (
    DemonstrationModel,
    Disbursement,
    Scheme,
    SchemeBeneficiary,
    SchemeStatus,
)

# Statuses a scheme can have once accepted (amended is the transient step of an amendment).
ACCEPTED_OR_LATER = [SchemeStatus.ACCEPTED, SchemeStatus.SETTLED, SchemeStatus.AMENDED]


def accepted_schemes(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> QuerySet[Scheme]:
    items = Scheme.objects.filter(status__in=ACCEPTED_OR_LATER, acceptance_date__gte=date_from,
                                  acceptance_date__lte=date_to).exclude(status=SchemeStatus.CANCELLED)
    if unit_ids is None:
        return items.order_by()
    has_any = Exists(SchemeBeneficiary.objects.filter(scheme=OuterRef("pk")))
    in_area = Exists(SchemeBeneficiary.objects.filter(scheme=OuterRef("pk"),
                                                      establishment__commune_id__in=unit_ids))
    return items.filter(in_area | (~has_any & Q(implementing_unit_id__in=unit_ids))).order_by()


def _disbursed() -> Coalesce:
    total = (Disbursement.objects.filter(scheme=OuterRef("pk")).order_by().values("scheme")
             .annotate(s=Sum("amount")).values("s"))
    return Coalesce(Subquery(total), 0)


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


def _demo_models(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> QuerySet[Scheme]:
    """Demonstration models: their area is the host establishment's commune."""
    items = Scheme.objects.filter(status__in=ACCEPTED_OR_LATER, activity_type__code="demo_model",
                                  acceptance_date__gte=date_from, acceptance_date__lte=date_to).order_by()
    if unit_ids is None:
        return items
    by_host = Q(demonstration__host_establishment__commune_id__in=unit_ids)
    without_host = ~Exists(DemonstrationModel.objects.filter(scheme=OuterRef("pk")))
    others = accepted_schemes(date_from, date_to, unit_ids).values("pk")
    return items.filter(by_host | (without_host & Q(pk__in=others)))


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
    schemes = Scheme.objects.filter(status__in=ACCEPTED_OR_LATER, activity_type__code="machinery",
                                    acceptance_date__gte=date_from, acceptance_date__lte=date_to).values("pk")
    links = SchemeBeneficiary.objects.filter(scheme__in=schemes)
    if unit_ids is not None:
        links = links.filter(establishment__commune_id__in=unit_ids)
    return int(links.aggregate(n=Count("establishment", distinct=True))["n"])
