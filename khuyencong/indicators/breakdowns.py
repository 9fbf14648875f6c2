"""Breakdowns of any indicator by year, administrative unit, activity, funding, sector, product group,
level or gender — one GROUP BY query per indicator, over exactly the rows the total counts.

The administrative-unit key is the unit one level below the area (the province's districts — or its
communes where districts no longer exist — a district's communes; all provinces when no area is given)
as drawn on the boundary date: each target's unit ids, of any time, come from the crosswalk
(``geo.selectors.unit_ids_within``) and become a CASE expression in SQL, so distinct counting stays
exact. A record whose unit lies in the area but in none of the targets (a course organised by the
province itself) is keyed by the area's own code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, F, Func
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from khuyencong.core.db_router import reporting_reads
from khuyencong.geo.models import AdministrativeUnit, UnitLevel, valid_on
from khuyencong.geo.selectors import unit_ids_within
from khuyencong.indicators.catalogue import BY_CODE, Counting
from khuyencong.indicators.engine import Area, Figures, ReportRequestError, parse_codes
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import SOURCES, Dimension

SEPARATOR = "|"  # joins the keys of a multi-dimension breakdown ("26560|2020")
NONE_KEY = "none"

ADD_UP = "add_up"  # the parts add up to the total
OVERLAP = "overlap"  # distinct counting: one entity may appear in several parts
EXTREMES = "extremes"  # minimum/maximum: each part is its own extreme, the total is the extreme of the parts


@dataclass(frozen=True)
class UnitTarget:
    code: str
    name: str
    unit_ids: frozenset[int]


@dataclass
class Breakdown:
    dimensions: list[Dimension]
    values: dict[str, dict[str, int | None]] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    not_applicable: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"breakdown_dimensions": [str(d) for d in self.dimensions], "breakdown": self.values,
                "breakdown_parts": self.parts, "breakdown_not_applicable": self.not_applicable,
                "breakdown_labels": self.labels}


def parse_dimensions(raw: str | Iterable[str] | None) -> list[Dimension]:
    items = [p.strip() for p in (raw.split(",") if isinstance(raw, str) else (raw or [])) if p and p.strip()]
    try:
        dims = [Dimension(item) for item in items]
    except ValueError:
        raise ReportRequestError("breakdown", _("Không có cách phân tổ '%(raw)s'; dùng: %(all)s.") % {
            "raw": ",".join(items), "all": ", ".join(d.value for d in Dimension)}) from None
    if not dims or len(set(dims)) != len(dims):
        raise ReportRequestError("breakdown", _("Cần một hoặc nhiều cách phân tổ khác nhau."))
    return dims


def unit_targets(area: Area) -> list[UnitTarget]:
    """The units one level below the area on its boundary date, each with its unit ids of any time."""
    day = area.boundary_date
    units = AdministrativeUnit.objects.filter(valid_on(day))
    if area.unit is None:
        units = units.filter(level=UnitLevel.PROVINCE)
    elif area.unit.level == UnitLevel.COMMUNE:
        units = units.filter(pk=area.unit.pk)
    else:
        units = units.filter(parent__code=area.unit.code, parent__level=area.unit.level)
    targets = [UnitTarget(u.code, u.name, frozenset(unit_ids_within(u, on=day))) for u in units.order_by("code")]
    if area.unit is not None and area.unit_ids is not None and area.unit.level != UnitLevel.COMMUNE:
        targets.append(UnitTarget(area.unit.code, area.unit.name, area.unit_ids))
    return targets


class UnitKey(Func):
    """The target code of a unit id, looked up in a JSON object {unit id: code} passed as one parameter.

    A key lookup in a constant JSON object costs O(log n) per row, where a CASE over hundreds of ids
    per target would scan them all for every row.
    """

    output_field = CharField()

    def __init__(self, expression: Any, mapping: dict[str, str]) -> None:
        super().__init__(expression)
        self.mapping = json.dumps(mapping, separators=(",", ":"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        inner, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"(%s::jsonb ->> ({inner})::text)", [self.mapping, *params]
        return f"json_extract(%s, '$.\"' || ({inner}) || '\"')", [self.mapping, *params]


def _unit_key(targets: list[UnitTarget]) -> UnitKey:
    mapping: dict[str, str] = {}
    for target in targets:  # a unit split between two targets goes to the first (its parts still add up)
        for unit_id in target.unit_ids:
            mapping.setdefault(str(unit_id), target.code)
    return UnitKey(F("_unit"), mapping)


def parts_rule(code: str, dimensions: list[Dimension]) -> str:
    indicator, source = BY_CODE[code], SOURCES[code]
    if indicator.counting in (Counting.MIN, Counting.MAX):
        return EXTREMES
    if indicator.counting == Counting.DISTINCT and not set(dimensions) <= source.entity_keys:
        return OVERLAP
    return ADD_UP


def _key(value: Any) -> str:
    return NONE_KEY if value is None else str(value)


def breakdown_one(code: str, period: Period, area: Area, dimensions: list[Dimension],
                  targets: list[UnitTarget] | None = None) -> dict[str, int | None]:
    """{key: value} for one indicator: a single GROUP BY query."""
    source = SOURCES[code]
    ids = set(area.unit_ids) if area.unit_ids is not None else None
    rows = source.rows(period.date_from, period.date_to, ids)
    names = []
    for n, dim in enumerate(dimensions):
        name = f"_k{n}"
        if dim == Dimension.UNIT:
            rows = rows.annotate(_unit=source.keys[dim](ids)).annotate(
                **{name: _unit_key(targets if targets is not None else unit_targets(area))})
        else:
            rows = rows.annotate(**{name: Cast(source.keys[dim](ids), CharField())})
        names.append(name)
    grouped = rows.order_by().values(*names).annotate(_v=source.value())
    out: dict[str, int | None] = {}
    for row in grouped:
        key = SEPARATOR.join(_key(row[n]) for n in names)
        value = row["_v"]
        out[key] = None if value is None else int(value)
    return dict(sorted(out.items()))


def compute_breakdown(period: Period, area: Area, dimensions: list[Dimension],
                      codes: list[str] | None = None) -> Breakdown:
    """The breakdown of every requested indicator that has all the dimensions (others are listed as such)."""
    result = Breakdown(dimensions)
    targets = unit_targets(area) if Dimension.UNIT in dimensions else None
    with reporting_reads():
        for code in parse_codes(codes):
            if not set(dimensions) <= set(SOURCES[code].keys):
                result.not_applicable.append(code)
                continue
            result.values[code] = breakdown_one(code, period, area, dimensions, targets)
            result.parts[code] = parts_rule(code, dimensions)
    result.labels = key_labels(dimensions, targets)
    return result


def key_labels(dimensions: list[Dimension], targets: list[UnitTarget] | None) -> dict[str, str]:
    """Vietnamese names of the keys of the single dimensions (for tables and charts)."""
    from khuyencong.cooperation.models import ActivityKind
    from khuyencong.establishments.models import SectorGroup
    from khuyencong.products.models import ProductGroup, RecognitionLevel
    from khuyencong.schemes.models import ActivityType, FundingSource
    from khuyencong.training.models import CourseType, Gender

    labels: dict[str, str] = {NONE_KEY: str(_("Không xác định"))}
    for dim in dimensions:
        if dim == Dimension.UNIT:
            labels.update({t.code: t.name for t in targets or []})
        elif dim == Dimension.ACTIVITY:
            labels.update(dict(ActivityType.objects.values_list("code", "label")))
            labels.update(dict(CourseType.objects.values_list("code", "label")))
            labels.update({str(k): str(v) for k, v in ActivityKind.choices})
        elif dim == Dimension.FUNDING:
            labels.update({str(k): str(v) for k, v in FundingSource.choices})
        elif dim == Dimension.SECTOR:
            labels.update({str(k): str(v) for k, v in SectorGroup.choices})
        elif dim == Dimension.PRODUCT_GROUP:
            labels.update(dict(ProductGroup.objects.values_list("code", "label")))
        elif dim == Dimension.LEVEL:
            labels.update(dict(RecognitionLevel.objects.values_list("code", "label")))
        elif dim == Dimension.GENDER:
            labels.update({str(k): str(v) for k, v in Gender.choices})
    return labels


def with_breakdown(figures: Figures, breakdown: Breakdown) -> dict[str, Any]:
    return {**figures.as_json(), **breakdown.as_json()}
