"""Reads on administrative units: as-of-date lookups, containment and the crosswalk.

"Inside area Y as of date D" is answered on D's boundaries: a unit valid on D is inside Y when Y is
one of its ancestors; a unit from another time is first carried onto D's map through the crosswalk
(forwards for older units, backwards for newer ones).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from khuyencong.geo.models import AdministrativeUnit, UnitLevel, UnitSuccession, valid_on


class UnitNotFound(LookupError):
    """No unit with that code was in force on that date."""


def unit_by_code(code: str, *, on: dt.date, level: str | None = None) -> AdministrativeUnit:
    """The unit version with ``code`` in force on ``on``; provinces win over lower levels on a tie."""
    units = AdministrativeUnit.objects.filter(valid_on(on), code=code.strip()).select_related("parent")
    if level:
        units = units.filter(level=level)
    order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
    found = sorted(units, key=lambda u: order[UnitLevel(u.level)])
    if not found:
        raise UnitNotFound(
            _("Không có đơn vị hành chính mã %(code)s còn hiệu lực vào ngày %(day)s.")
            % {"code": code, "day": on.strftime("%d/%m/%Y")}
        )
    return found[0]


def units_valid_on(day: dt.date) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(valid_on(day))


def _versions_of(area: AdministrativeUnit) -> set[int]:
    """Earlier and later versions of the same unit (same level and code, e.g. a district upgraded to a
    town in 2018): their children belong to the area whichever version they were attached to."""
    edges = UnitSuccession.objects.filter(
        predecessor__level=area.level, predecessor__code=area.code,
        successor__level=area.level, successor__code=area.code,
    )
    return {area.pk} | {pk for pair in edges.values_list("predecessor_id", "successor_id") for pk in pair}


def _descendants_on(area: AdministrativeUnit, day: dt.date) -> set[int]:
    """The area and every unit below it (at most two levels down), all valid on ``day``."""
    versions = _versions_of(area)
    tree = Q(pk__in=versions) | Q(parent_id__in=versions) | Q(parent__parent_id__in=versions)
    return set(AdministrativeUnit.objects.filter(tree, valid_on(day)).values_list("pk", flat=True))


def _closure(start: set[int], *, forwards: bool, contained: bool = False) -> set[int]:
    """Every unit reachable from ``start`` along crosswalk edges in one direction.

    With ``contained`` (area membership), going forwards a successor joins only when *all* its
    predecessors are already inside: today's Hồ Chí Minh City (79) grew out of old Bà Rịa – Vũng Tàu and two other
    provinces, so it is not inside old province 77, while a ward formed only from old-77 communes is.
    Going backwards an old unit joins when any part of it became part of the area (a split commune
    counts in each area that received part of it).
    """
    source, target = ("predecessor_id", "successor_id") if forwards else ("successor_id", "predecessor_id")
    seen, frontier = set(start), set(start)
    while frontier:
        reached = set(UnitSuccession.objects.filter(**{f"{source}__in": frontier}).values_list(target, flat=True))
        if forwards and contained:
            reached = _wholly_inside(reached - seen, seen)
        frontier = reached - seen
        seen |= frontier
    return seen


def _wholly_inside(candidates: set[int], inside: set[int]) -> set[int]:
    """The candidates whose every predecessor is in ``inside`` (one query)."""
    parents: dict[int, set[int]] = {c: set() for c in candidates}
    for successor, predecessor in UnitSuccession.objects.filter(successor_id__in=candidates).values_list(
            "successor_id", "predecessor_id"):
        parents[successor].add(predecessor)
    return {c for c, preds in parents.items() if preds <= inside}


def unit_ids_within(area: AdministrativeUnit, *, on: dt.date) -> set[int]:
    """Ids of all unit versions, of any time, that lie inside ``area`` drawn on ``on``'s boundaries.

    Filtering records with ``unit_id__in`` this set applies the report's area rule in SQL.
    """
    if not area.is_valid_on(on):
        raise UnitNotFound(
            _("Đơn vị %(name)s không có hiệu lực vào ngày ranh giới %(day)s.")
            % {"name": area.name, "day": on.strftime("%d/%m/%Y")}
        )
    base = _descendants_on(area, on)
    return _closure(base, forwards=False) | _closure(base, forwards=True, contained=True)


def units_within_any(areas: Iterable[AdministrativeUnit], *, on: dt.date) -> set[int]:
    ids: set[int] = set()
    for area in areas:
        ids |= unit_ids_within(area, on=on)
    return ids


def is_within(unit: AdministrativeUnit, area: AdministrativeUnit, *, on: dt.date) -> bool:
    """Is ``unit`` inside ``area`` as the area is drawn on ``on``?"""
    return unit.pk in unit_ids_within(area, on=on)


def successors_on(unit: AdministrativeUnit, *, on: dt.date) -> list[AdministrativeUnit]:
    """The unit version(s) in force on ``on`` that ``unit`` became (itself if still in force)."""
    if unit.is_valid_on(on):
        return [unit]
    reached = _closure({unit.pk}, forwards=True) - {unit.pk}
    return list(AdministrativeUnit.objects.filter(valid_on(on), pk__in=reached).order_by("level", "code"))


def current_successors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    from django.utils import timezone

    return successors_on(unit, on=timezone.localdate())
