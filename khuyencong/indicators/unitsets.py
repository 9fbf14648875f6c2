"""The unit ids inside many areas at once, for breakdowns by administrative unit.

``geo.selectors.unit_ids_within`` answers for one area with a few queries per crosswalk step; a national
breakdown needs it for all 34 provinces (a province's breakdown for its few hundred communes), which
would be hundreds of queries. Here the register (about 14,000 unit versions and 11,000 crosswalk edges)
is read in two queries and the same rule is applied in memory. The rule is the selector's, step for
step (versions of the area, its descendants valid on the day, the backward closure, and the forward
closure admitting a successor only once all its predecessors are inside); a test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from khuyencong.geo.models import AdministrativeUnit, UnitSuccession


@dataclass(frozen=True)
class _Unit:
    pk: int
    level: str
    code: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class Register:
    """The unit register and crosswalk in memory, read once."""

    def __init__(self) -> None:
        fields = ("pk", "level", "code", "parent_id", "valid_from", "valid_to")
        self.units = {row[0]: _Unit(*row) for row in AdministrativeUnit.objects.values_list(*fields)}
        self.children: dict[int, list[int]] = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_id is not None:
                self.children[unit.parent_id].append(unit.pk)
        self.by_code: dict[tuple[str, str], set[int]] = defaultdict(set)
        for unit in self.units.values():
            self.by_code[(unit.level, unit.code)].add(unit.pk)
        self.successors: dict[int, set[int]] = defaultdict(set)
        self.predecessors: dict[int, set[int]] = defaultdict(set)
        for predecessor, successor in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
            self.successors[predecessor].add(successor)
            self.predecessors[successor].add(predecessor)

    def _versions_of(self, area: _Unit) -> set[int]:
        """The area and its other versions (same level and code, joined by a crosswalk edge)."""
        same = self.by_code[(area.level, area.code)]
        found = {area.pk}
        for pk in same:
            if self.successors[pk] & same:
                found |= {pk} | (self.successors[pk] & same)
        return found

    def _descendants_on(self, area: _Unit, day: dt.date) -> set[int]:
        versions = self._versions_of(area)
        tree = set(versions)
        for pk in versions:
            for child in self.children[pk]:
                tree.add(child)
                tree.update(self.children[child])
        return {pk for pk in tree if self.units[pk].valid_on(day)}

    def _closure(self, start: set[int], *, forwards: bool, contained: bool = False) -> set[int]:
        edges = self.successors if forwards else self.predecessors
        seen, frontier = set(start), set(start)
        while frontier:
            reached = set().union(*(edges[pk] for pk in frontier))
            if forwards and contained:
                reached = {c for c in reached - seen if self.predecessors[c] <= seen}
            frontier = reached - seen
            seen |= frontier
        return seen

    def unit_ids_within(self, pk: int, day: dt.date) -> set[int]:
        """What ``geo.selectors.unit_ids_within(unit, on=day)`` returns (the unit must be valid on ``day``)."""
        base = self._descendants_on(self.units[pk], day)
        return self._closure(base, forwards=False) | self._closure(base, forwards=True, contained=True)
