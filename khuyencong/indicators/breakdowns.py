"""Breakdowns of any indicator by year, administrative unit, activity, funding, sector, product group,
level or gender — one GROUP BY query per family of indicators (the five training types, the four scheme
sums…), over exactly the rows the totals count.

The administrative-unit key is the unit one level below the area (the province's districts — or its
communes where districts no longer exist — a district's communes; all provinces when no area is given)
as drawn on the boundary date: each target's unit ids, of any time, come from the crosswalk
(``geo.selectors.unit_ids_within``) and are passed as one (unit id, target) relation that the query joins
and groups by. Each part therefore equals what the engine computes for that target as an area (a record
in two targets counts in both), and distinct counting stays exact. A record whose unit lies in the area
but in none of the targets (a course organised by the province itself) is keyed by the area's own code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import Aggregate, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from khuyencong.core.db_router import reporting_reads
from khuyencong.geo.models import AdministrativeUnit, UnitLevel, valid_on
from khuyencong.geo.selectors import unit_ids_within
from khuyencong.indicators.catalogue import BY_CODE, Counting
from khuyencong.indicators.engine import Area, Figures, ReportRequestError, parse_codes
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import SOURCES, Dimension, Family, labels_of
from khuyencong.indicators.unitsets import Register

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
    chosen = list(units.order_by("code"))
    register = Register() if len(chosen) > 3 else None  # many targets: read the register once, not per target
    targets = [UnitTarget(u.code, u.name, frozenset(register.unit_ids_within(u.pk, day) if register is not None
                                                    else unit_ids_within(u, on=day))) for u in chosen]
    if area.unit is not None and area.unit_ids is not None and area.unit.level != UnitLevel.COMMUNE:
        targets.append(UnitTarget(area.unit.code, area.unit.name, area.unit_ids))
    return targets


def unit_mapping(targets: list[UnitTarget], area: Area) -> list[tuple[int, str]]:
    """(unit id, target code) pairs: a unit lies in every target that contains it (an old commune split
    between two new wards lies in both, as the engine counts it in both areas). A unit of the area inside
    none of the lower targets (the province itself, organising a course) is keyed by the area's code."""
    pairs: dict[tuple[int, str], None] = {}
    covered: set[int] = set()
    own = area.unit.code if area.unit is not None else None
    for target in targets:
        if target.code == own and target.unit_ids == area.unit_ids:
            continue  # the area's own entry: only the rest, below
        for unit_id in target.unit_ids:
            pairs[(unit_id, target.code)] = None
            covered.add(unit_id)
    if own is not None and area.unit_ids is not None:
        for unit_id in area.unit_ids - covered:
            pairs[(unit_id, own)] = None
    return sorted(pairs)


def parts_rule(code: str, dimensions: list[Dimension]) -> str:
    indicator, source = BY_CODE[code], SOURCES[code]
    if indicator.counting in (Counting.MIN, Counting.MAX):
        return EXTREMES
    if Dimension.UNIT in dimensions and source.multi_unit:
        return OVERLAP  # a joint scheme lies in each of its beneficiaries' units
    if indicator.counting == Counting.DISTINCT and not set(dimensions) <= source.entity_keys:
        return OVERLAP
    return ADD_UP


def empty_value(code: str) -> int | None:
    """An indicator's figure over no rows: 0 for counts and sums, none for extremes."""
    template = _Aggregate.of(SOURCES[code].value()).template
    return 0 if template.startswith(("COUNT", "COALESCE")) else None


def _key(value: Any) -> str:
    return NONE_KEY if value is None else str(value)


# For the breakdown queries only: the planner misjudges the size of the joined unit relation and would
# spend seconds JIT-compiling a query that runs in milliseconds; grouping millions of participations by
# person needs more than the default 4 MB of sort memory to stay off the disk.
POSTGRES_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '256MB'"


@dataclass(frozen=True)
class _Aggregate:
    """An indicator's aggregate taken apart: ``template`` over the column holding ``argument``."""

    template: str
    argument: Any

    @classmethod
    def of(cls, expression: Any) -> _Aggregate:
        outer = "{}"
        if isinstance(expression, Coalesce):  # Coalesce(Sum(...), 0): an empty part is 0, not NULL
            expression, fallback = expression.source_expressions
            outer = f"COALESCE({{}}, {int(getattr(fallback, 'value'))})"  # noqa: B009 — Value, not Expression
        if not isinstance(expression, Aggregate) or expression.filter is not None:
            raise TypeError(f"unsupported indicator aggregate: {expression!r}")
        distinct = "DISTINCT " if getattr(expression, "distinct", False) else ""
        return cls(outer.format(f"{expression.function}({distinct}{{}})"), expression.source_expressions[0])


def _mapping_sql(vendor: str, pairs: list[tuple[int, str]]) -> tuple[str, list[Any]]:
    """The (unit id, target code) pairs as a relation: one parameter (two on PostgreSQL), not one per pair."""
    if vendor == "postgresql":
        return ("(SELECT * FROM unnest(%s::bigint[], %s::text[]) AS m(unit_id, key))",
                [[p[0] for p in pairs], [p[1] for p in pairs]])
    return ("(SELECT json_extract(value, '$[0]') AS unit_id, json_extract(value, '$[1]') AS key "
            "FROM json_each(%s))", [json.dumps(pairs, separators=(",", ":"))])


def _distinct_aggregates(sources: list[Any]) -> list[_Aggregate]:
    """The members' aggregates, each once (the five training types share one: distinct persons)."""
    aggregates: list[_Aggregate] = []
    for source in sources:
        aggregate = _Aggregate.of(source.value())
        if aggregate not in aggregates:
            aggregates.append(aggregate)
    return aggregates


def _inner_rows(family: Family | None, sources: list[Any], period: Period, area: Area,
                dimensions: list[Dimension], aggregates: list[_Aggregate], multi: bool) -> QuerySet[Any]:
    """The counted rows with their keys (_k…), member key (_m), aggregate arguments (_x…) and, where a
    record may have several units, its primary key (_pk): the ORM writes this part of the SQL."""
    first = sources[0]
    ids = set(area.unit_ids) if area.unit_ids is not None else None
    rows = (family.rows if family is not None else first.rows)(period.date_from, period.date_to, ids)
    columns: dict[str, Any] = {f"_k{n}": first.keys[dim](ids) for n, dim in enumerate(dimensions)}
    if family is not None and family.member_key is not None:
        columns["_m"] = family.member_key(ids)
    columns.update({f"_x{n}": aggregate.argument for n, aggregate in enumerate(aggregates)})
    if multi:
        columns["_pk"] = F("pk")
    return rows.order_by().values(**columns)


def _grouping_sql(inner: QuerySet[Any], vendor: str, area: Area, dimensions: list[Dimension], member: bool,
                  aggregates: list[_Aggregate], mapping: list[tuple[int, str]] | None,
                  multi: bool) -> tuple[str, tuple[Any, ...], int]:
    """The outer statement: join the unit key to the targets, group, aggregate. Only generated aliases go
    into the text; every value (dates, unit ids, target codes) is a parameter. Returns (sql, params, keys)."""
    sql, params = inner.query.sql_with_params()
    keys = [f"r._k{n}" for n in range(len(dimensions))] + (["r._m"] if member else [])
    base = f"({sql}) r"
    if Dimension.UNIT in dimensions:
        assert mapping is not None
        unit = f"r._k{dimensions.index(Dimension.UNIT)}"
        relation, mapping_params = _mapping_sql(vendor, mapping)
        join = "JOIN" if area.unit_ids is not None else "LEFT JOIN"  # nationally, a unit in no province → "none"
        base += f" {join} {relation} m ON m.unit_id = {unit}"
        params = (*params, *mapping_params)
        keys = [("m.key" if k == unit else k) for k in keys]
    if vendor == "postgresql":  # keys become strings anyway; byte order sorts them fastest
        keys = [f'CAST({k} AS text) COLLATE "C"' for k in keys]
    if multi:
        picked = ", ".join([*(f"{k} AS _g{n}" for n, k in enumerate(keys)), "r._pk",
                            *(f"r._x{n}" for n in range(len(aggregates)))])
        base = f"(SELECT DISTINCT {picked} FROM {base}) r"  # noqa: S608 (a record once per part)  # nosec B608
        keys = [f"r._g{n}" for n in range(len(keys))]
    values = ", ".join(a.template.format(f"r._x{n}") for n, a in enumerate(aggregates))
    statement = f"SELECT {', '.join([*keys, values])} FROM {base}"  # noqa: S608 (aliases only)  # nosec B608
    if keys:
        statement += f" GROUP BY {', '.join(keys)}"
    return statement, tuple(params), len(keys)


def _family_query(family: Family | None, members: list[str], period: Period, area: Area,
                  dimensions: list[Dimension], mapping: list[tuple[int, str]] | None) -> list[dict[str, Any]]:
    """One GROUP BY query for indicators over the same rows: the rows' keys are computed by the ORM in an
    inner query; the outer query joins the unit key to the target mapping, groups and aggregates."""
    sources = [SOURCES[code] for code in members]
    aggregates = _distinct_aggregates(sources)
    multi = Dimension.UNIT in dimensions and any(source.multi_unit for source in sources)
    inner = _inner_rows(family, sources, period, area, dimensions, aggregates, multi)
    connection = connections[inner.db]
    member = family is not None and family.member_key is not None
    statement, params, n_keys = _grouping_sql(inner, connection.vendor, area, dimensions, member, aggregates,
                                              mapping, multi)
    postgres = connection.vendor == "postgresql"
    # The settings are local to a transaction; elsewhere a statement needs none (nor its savepoint).
    with transaction.atomic(using=inner.db) if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            cursor.execute(POSTGRES_SETTINGS)
        cursor.execute(statement, params)
        names = [f"_g{n}" for n in range(n_keys)] + [f"_v{n}" for n in range(len(aggregates))]
        grouped = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in grouped:  # each member's value under its own code
        for code, source in zip(members, sources, strict=True):
            row[code] = row[f"_v{aggregates.index(_Aggregate.of(source.value()))}"]
    return grouped


def _split(members: list[str], grouped: list[dict[str, Any]], dimensions: list[Dimension],
           has_member_key: bool) -> dict[str, dict[str, int | None]]:
    """The family's rows back to {code: {key: value}}, each member reading its own column and member key."""
    out: dict[str, dict[str, int | None]] = {code: {} for code in members}
    for row in grouped:
        key = SEPARATOR.join(_key(row[f"_g{n}"]) for n in range(len(dimensions)))
        for code in members:
            if has_member_key and row[f"_g{len(dimensions)}"] != SOURCES[code].member:
                continue
            value = row[code]
            out[code][key] = None if value is None else int(value)
    return {code: dict(sorted(values.items())) for code, values in out.items()}


def breakdown_many(codes: list[str], period: Period, area: Area, dimensions: list[Dimension],
                   targets: list[UnitTarget] | None = None) -> dict[str, dict[str, int | None]]:
    """{code: {key: value}} for indicators having all the dimensions: one query per family of indicators."""
    mapping = None
    if Dimension.UNIT in dimensions:
        mapping = unit_mapping(targets if targets is not None else unit_targets(area), area)
    families: dict[str, list[str]] = {}
    for code in codes:
        family = SOURCES[code].family
        families.setdefault(family.name if family is not None else code, []).append(code)
    out: dict[str, dict[str, int | None]] = {}
    for members in families.values():
        # A lone member reads its own rows: no need to scan its siblings' rows too.
        family = SOURCES[members[0]].family if len(members) > 1 else None
        grouped = _family_query(family, members, period, area, dimensions, mapping)
        out.update(_split(members, grouped, dimensions, family is not None and family.member_key is not None))
    return out


def compute_breakdown(period: Period, area: Area, dimensions: list[Dimension],
                      codes: list[str] | None = None) -> Breakdown:
    """The breakdown of every requested indicator that has all the dimensions (others are listed as such).

    The national breakdown by province and year reads the figures kept ready (``indicators.ready``)."""
    from khuyencong.indicators.ready import slices as ready  # it builds on this module
    result = Breakdown(dimensions)
    targets = unit_targets(area) if Dimension.UNIT in dimensions else None
    wanted = parse_codes(codes)
    applicable = [code for code in wanted if set(dimensions) <= set(SOURCES[code].keys)]
    result.not_applicable = [code for code in wanted if code not in applicable]
    with reporting_reads():
        if targets is not None and ready.applies(period, area, dimensions):
            values = ready.national_by_province_year(applicable, period, area, dimensions, targets)
        else:
            values = breakdown_many(applicable, period, area, dimensions, targets)
    for code in applicable:
        result.values[code] = values[code]
        result.parts[code] = parts_rule(code, dimensions)
    result.labels = key_labels(dimensions, targets)
    return result


def key_labels(dimensions: list[Dimension], targets: list[UnitTarget] | None) -> dict[str, str]:
    """Vietnamese names of the keys of the single dimensions (for tables and charts), as the apps name them."""
    labels: dict[str, str] = {NONE_KEY: str(_("Không xác định"))}
    for dim in dimensions:
        if dim == Dimension.UNIT:
            labels.update({t.code: t.name for t in targets or []})
        else:
            labels.update(labels_of(dim))
    return labels


def with_breakdown(figures: Figures, breakdown: Breakdown) -> dict[str, Any]:
    return {**figures.as_json(), **breakdown.as_json()}
