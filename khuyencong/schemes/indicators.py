"""The scheme indicators: accepted schemes and their sums, demonstration models, machinery support.

Period rule: a scheme is in the period when its acceptance (nghiệm thu) date is. Area rule: a scheme
lies in each area holding one of its beneficiary (host) establishments; a scheme without
establishments lies where its implementing unit is; a demonstration model lies at its host
establishment. Cancelled schemes never count. ``unit_ids`` comes from ``geo.selectors.unit_ids_within``;
None = everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from khuyencong.establishments.indicators import COMMUNE, ESTABLISHMENTS_DRILL, communes
from khuyencong.indicators.catalogue import Counting, Indicator
from khuyencong.indicators.periods import Period, years_in
from khuyencong.indicators.ready.touches import Batch, Resolver, Touch, everywhere, ids_of, year_of
from khuyencong.indicators.sources import (
    ALL,
    Dimension,
    Drill,
    Family,
    KeyExpr,
    Rows,
    Source,
    UnitIds,
    Watched,
    field_key,
    register,
    register_labels,
    year_key,
)
from khuyencong.indicators.targets import BudgetLine, register_plan
from khuyencong.schemes.models import (
    ActivityType,
    AnnualPlan,
    DemonstrationModel,
    Disbursement,
    FundingSource,
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


def disbursed() -> Coalesce:
    """A scheme's disbursed total (0 when nothing was paid), one subquery."""
    total = (Disbursement.objects.filter(scheme=OuterRef("pk")).order_by().values("scheme")
             .annotate(s=Sum("amount")).values("s"))
    return Coalesce(Subquery(total), 0)


def demo_models(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> QuerySet[Scheme]:
    """Demonstration models: their area is the host establishment's commune."""
    items = Scheme.objects.filter(status__in=ACCEPTED_OR_LATER, activity_type__code="demo_model",
                                  acceptance_date__gte=date_from, acceptance_date__lte=date_to).order_by()
    if unit_ids is None:
        return items
    by_host = Q(demonstration__host_establishment__commune_id__in=unit_ids)
    without_host = ~Exists(DemonstrationModel.objects.filter(scheme=OuterRef("pk")))
    others = accepted_schemes(date_from, date_to, unit_ids).values("pk")
    return items.filter(by_host | (without_host & Q(pk__in=others)))


def machinery_links(date_from: dt.date, date_to: dt.date, unit_ids: UnitIds) -> QuerySet[SchemeBeneficiary]:
    """The beneficiary links of accepted machinery schemes (an establishment with two counts once)."""
    accepted = Scheme.objects.filter(status__in=ACCEPTED_OR_LATER, activity_type__code="machinery",
                                     acceptance_date__gte=date_from, acceptance_date__lte=date_to).values("pk")
    links = SchemeBeneficiary.objects.filter(scheme__in=accepted)
    return links if unit_ids is None else links.filter(establishment__commune_id__in=unit_ids)


def _with_disbursed(date_from: dt.date, date_to: dt.date, unit_ids: UnitIds) -> QuerySet[Scheme]:
    return accepted_schemes(date_from, date_to, unit_ids).annotate(scheme_disbursed=disbursed())


def _scheme_units(schemes: dict[int, dict[str, Any]]) -> dict[int, set[int | None]]:
    """Every unit a scheme (a row of ``Batch.rows``) can be counted at: its beneficiaries' and its model
    host's communes and its implementing unit (the fallbacks of the area rule)."""
    scheme_ids = set(schemes)
    units: dict[int, set[int | None]] = defaultdict(set)
    for row in schemes.values():
        units[row["id"]].add(row["implementing_unit_id"])
    for scheme_id, commune in SchemeBeneficiary.objects.filter(scheme_id__in=scheme_ids).values_list(
            "scheme_id", "establishment__commune_id"):
        units[scheme_id].add(commune)
    for scheme_id, commune in DemonstrationModel.objects.filter(scheme_id__in=scheme_ids).values_list(
            "scheme_id", "host_establishment__commune_id"):
        units[scheme_id].add(commune)
    return units


def _scheme(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    units = _scheme_units(batch.rows(Scheme, ids_of(versions, "id"), "implementing_unit_id"))
    return {(unit, year_of(v["acceptance_date"])) for v in versions if v.get("acceptance_date") is not None
            for unit in units[int(v["id"])] | {v.get("implementing_unit_id")}}


def _scheme_child(*establishment_columns: str) -> Resolver:
    """A beneficiary link, a disbursement or a demonstration model: the scheme's cells, and the cells of
    the establishment it adds or removes."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        schemes = batch.rows(Scheme, ids_of(versions, "scheme_id"), "implementing_unit_id", "acceptance_date")
        units = _scheme_units(schemes)
        places = communes(batch, {i for c in establishment_columns for i in ids_of(versions, c)})
        touches: set[Touch] = set()
        for v in versions:
            year = year_of(schemes[int(v["scheme_id"])]["acceptance_date"])
            if year is None:
                continue  # a scheme not accepted counts nowhere
            added = {places[int(v[c])] for c in establishment_columns if v.get(c) is not None}
            touches |= {(unit, year) for unit in units[int(v["scheme_id"])] | added}
        return touches
    return resolve


def _readable(user: Any) -> QuerySet[Any]:
    from khuyencong.schemes.selectors import schemes_for

    return schemes_for(user)


WATCHED = (
    Watched("schemes_scheme", ("implementing_unit_id", "acceptance_date"), _scheme),
    Watched("schemes_schemebeneficiary", ("scheme_id", "establishment_id"), _scheme_child("establishment_id")),
    Watched("schemes_disbursement", ("scheme_id",), _scheme_child()),
    Watched("schemes_demonstrationmodel", ("scheme_id", "host_establishment_id"),
            _scheme_child("host_establishment_id")),
    Watched("schemes_activitytype", ("code",), everywhere, ("update", "delete"), ("code",)),
    COMMUNE,
)
_DRILL = Drill("schemes", Scheme, None, ("activity_type",), _readable)


def _beneficiary(field: str, unit_ids: UnitIds, scheme_ref: str = "pk") -> Subquery:
    """``field`` of the scheme's first beneficiary inside the area (a joint scheme gets one key, so parts add up)."""
    links = SchemeBeneficiary.objects.filter(scheme=OuterRef(scheme_ref))
    if unit_ids is not None:
        links = links.filter(establishment__commune_id__in=unit_ids)
    return Subquery(links.order_by("pk").values(f"establishment__{field}")[:1])


def _scheme_unit(unit_ids: UnitIds) -> Any:
    """The scheme's area units: every beneficiary's commune (one row each), else the implementing unit."""
    return Coalesce(F("links__establishment__commune_id"), F("implementing_unit_id"), output_field=BigIntegerField())


def _scheme_sector(unit_ids: UnitIds) -> Any:
    return _beneficiary("sector_group", unit_ids)


def _demo_unit(unit_ids: UnitIds) -> Any:
    """The host establishment's commune; a model without a host record falls back on the scheme's units."""
    return Coalesce(F("demonstration__host_establishment__commune_id"), F("links__establishment__commune_id"),
                    F("implementing_unit_id"), output_field=BigIntegerField())


def _demo_sector(unit_ids: UnitIds) -> Any:
    return Coalesce(F("demonstration__host_establishment__sector_group"), _scheme_sector(unit_ids),
                    output_field=CharField())


_DEMO_KEYS: dict[Dimension, KeyExpr] = {
    Dimension.YEAR: year_key("acceptance_date"), Dimension.UNIT: _demo_unit,
    Dimension.ACTIVITY: field_key("activity_type__code"), Dimension.FUNDING: field_key("funding_source"),
    Dimension.SECTOR: _demo_sector,
}
_SCHEME_KEYS: dict[Dimension, KeyExpr] = {
    Dimension.YEAR: year_key("acceptance_date"), Dimension.UNIT: _scheme_unit,
    Dimension.ACTIVITY: field_key("activity_type__code"), Dimension.FUNDING: field_key("funding_source"),
    Dimension.SECTOR: _scheme_sector,
}
_DEMO = Family("demo_models", demo_models)
_SCHEMES = Family("schemes", _with_disbursed)  # the same schemes, with their disbursed sum


def _demo(value: Callable[[], Any]) -> Source:
    return Source(demo_models, value, _DEMO_KEYS, ALL, _DEMO, multi_unit=True, watched=WATCHED, drill=_DRILL)


def _schemes(value: Callable[[], Any], rows: Rows = accepted_schemes) -> Source:
    return Source(rows, value, _SCHEME_KEYS, ALL, _SCHEMES, multi_unit=True, watched=WATCHED, drill=_DRILL)


def budget_lines(period: Period, ids: set[int] | None) -> list[BudgetLine]:
    """Plans of the period's years (summed over programmes) and their counted schemes: two GROUP BY queries."""
    years = years_in(period)
    planned = {(row["year"], row["funding_source"]): int(row["total"]) for row in (
        AnnualPlan.objects.filter(year__in=years).order_by().values("year", "funding_source")
        .annotate(total=Sum("approved_total")))}
    if not planned:
        return []
    counted = (accepted_schemes(period.date_from, period.date_to, ids)
               .filter(plan__year__in=years).annotate(scheme_disbursed=disbursed()))
    grouped = counted.values("plan__year", "plan__funding_source").annotate(
        n=Count("pk"), support=Coalesce(Sum("public_support"), 0),
        disbursed=Coalesce(Sum("scheme_disbursed"), 0)).order_by()
    actual: dict[tuple[int, str], dict[str, Any]] = {
        (row["plan__year"], row["plan__funding_source"]): dict(row) for row in grouped}
    lines = []
    for (year, source), total in sorted(planned.items()):
        done = actual.get((year, source), {})
        lines.append(BudgetLine(year, source, total, int(done.get("n", 0)), int(done.get("support", 0)),
                                int(done.get("disbursed", 0))))
    return lines




register(20, Indicator("demo_models.count", "Số mô hình trình diễn kỹ thuật", "Demonstration models", "mô hình",
                        Counting.DISTINCT, "Demonstration-model schemes accepted in the period."),
         _demo(lambda: Count("pk")))
register(21, Indicator("demo_models.counterpart_vnd", "Vốn đối ứng của doanh nghiệp cho các mô hình trình diễn",
                        "Counterpart capital invested in those models", "đồng", Counting.SUM,
                        "Sum of counterpart capital of the counted demonstration models."),
         _demo(lambda: Coalesce(Sum("counterpart_capital"), 0)))
register(22, Indicator("demo_models.worker_income_min_vnd", "Thu nhập bình quân thấp nhất của lao động tại mô hình",
                        "Lowest average monthly worker income reported by those models", "đồng/người/tháng",
                        Counting.MIN, "Minimum of the models' average monthly worker income."),
         _demo(lambda: Min("demonstration__avg_worker_income_vnd")))
register(23, Indicator("demo_models.worker_income_max_vnd", "Thu nhập bình quân cao nhất của lao động tại mô hình",
                        "Highest average monthly worker income reported by those models", "đồng/người/tháng",
                        Counting.MAX, "Maximum of the models' average monthly worker income."),
         _demo(lambda: Max("demonstration__avg_worker_income_vnd")))
register(30, Indicator("machinery.establishments", "Số cơ sở CNNT được hỗ trợ ứng dụng máy móc thiết bị tiên tiến",
                        "Establishments supported to apply advanced machinery", "cơ sở", Counting.DISTINCT,
                        "Distinct establishments with an accepted machinery-support scheme in the period."),
         Source(machinery_links, lambda: Count("establishment", distinct=True), {
             Dimension.YEAR: year_key("scheme__acceptance_date"),
             Dimension.UNIT: field_key("establishment__commune_id"),
             Dimension.FUNDING: field_key("scheme__funding_source"),
             Dimension.SECTOR: field_key("establishment__sector_group"),
         }, frozenset({Dimension.UNIT, Dimension.SECTOR}), watched=WATCHED, drill=ESTABLISHMENTS_DRILL))
register(70, Indicator("schemes.count", "Số đề án khuyến công được nghiệm thu", "Accepted schemes", "đề án",
                        Counting.DISTINCT, "Schemes accepted (nghiệm thu) in the period; cancelled ones never count."),
         _schemes(lambda: Count("pk")))
register(71, Indicator("schemes.support_vnd", "Kinh phí khuyến công hỗ trợ", "Public support of accepted schemes",
                        "đồng", Counting.SUM, "Sum of public support of the counted schemes."),
         _schemes(lambda: Coalesce(Sum("public_support"), 0)))
register(72, Indicator("schemes.counterpart_vnd", "Vốn đối ứng", "Counterpart capital of accepted schemes", "đồng",
                        Counting.SUM, "Sum of counterpart capital of the counted schemes."),
         _schemes(lambda: Coalesce(Sum("counterpart_capital"), 0)))
register(73, Indicator("schemes.disbursed_vnd", "Kinh phí đã giải ngân", "Disbursed support of accepted schemes",
                        "đồng", Counting.SUM, "Sum of disbursements of the counted schemes."),
         _schemes(lambda: Coalesce(Sum("scheme_disbursed"), 0), _with_disbursed))
register_labels(Dimension.ACTIVITY, lambda: dict(ActivityType.objects.values_list("code", "label")))
register_labels(Dimension.FUNDING, lambda: {str(k): str(v) for k, v in FundingSource.choices})
register_plan("budget", budget_lines)
