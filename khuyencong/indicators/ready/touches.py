"""Which (unit, year) cells a batch of journal entries can change.

Each journalled table has a resolver turning its entries into touches: ``(unit id, year)``, ``None``
standing for "any". A record counts at its own place and date or at its parent's (a participation at
its course's organising unit and end date); both the old and the new version of a changed row are
resolved, so a record that moved leaves its old cell dirty as well as its new one. A parent deleted in
the same batch is read from its journal entry (children are deleted first: the foreign keys protect
them). Touches are deliberately generous: a cell recomputed for nothing costs a little time; a cell not
recomputed would be wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model

Touch = tuple[int | None, int | None]  # (unit id, year); None: any
EVERYWHERE: Touch = (None, None)


def year_of(value: Any) -> int | None:
    if value is None:
        return None
    return value.year if isinstance(value, dt.date) else int(str(value)[:4])


class Batch:
    """Journal entries grouped by table, with the rows deleted in the batch kept for lookups."""

    def __init__(self, entries: Iterable[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]) -> None:
        self.versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.deleted: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        for source, old, new in entries:
            self.versions[source] += [v for v in (old, new) if v is not None]
            if old is not None and new is None:
                self.deleted[source][int(old["id"])] = old

    def rows(self, model: type[Model], ids: Iterable[Any], *fields: str) -> dict[int, dict[str, Any]]:
        """``fields`` of the rows ``ids``: as stored now, or as journalled when deleted in this batch."""
        wanted = {int(i) for i in ids if i is not None}
        found = {row["id"]: row for row in model._default_manager.filter(pk__in=wanted).values("id", *fields)}
        for missing in wanted - found.keys():
            old = self.deleted[model._meta.db_table].get(missing)
            # Not found anywhere should not happen (the foreign keys protect parents); count it everywhere.
            found[missing] = old if old is not None else {"id": missing, **dict.fromkeys(fields)}
        return found


Resolver = Callable[[Batch, list[dict[str, Any]]], set[Touch]]


def ids_of(versions: list[dict[str, Any]], column: str) -> set[int]:
    return {int(v[column]) for v in versions if v.get(column) is not None}


def own_place(unit_column: str, date_column: str) -> Resolver:
    """A record counting at its own unit and date (a course, a cooperation activity)."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        return {(v.get(unit_column), year_of(v.get(date_column))) for v in versions if v.get(date_column) is not None}
    return resolve


def parent_place(model: type[Model], parent_column: str, unit_field: str,
                 date_field: str) -> Resolver:
    """A record counting at its parent's unit and date (a participation at its course's)."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        parents = batch.rows(model, ids_of(versions, parent_column), unit_field, date_field)
        return {(p[unit_field], year_of(p[date_field])) for p in parents.values() if p[date_field] is not None}
    return resolve


def everywhere(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    """A code list entry renamed or removed: every figure of its kind may change."""
    return {EVERYWHERE}


def moved(column: str, via: Callable[[Batch, set[int]], Iterable[int | None]] | None = None
          ) -> Resolver:
    """A record moved (an establishment to another commune, a product to another establishment): all its
    years at the old and the new place."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        ids = ids_of(versions, column)
        return {(unit, None) for unit in (via(batch, ids) if via is not None else ids)}
    return resolve


# Derived from the registered sources' watched tables (``journal.derive``), one resolver per table.
RESOLVERS: dict[str, Resolver] = {}


def resolve(batch: Batch) -> set[Touch]:
    touches: set[Touch] = set()
    for source, versions in batch.versions.items():
        touches |= RESOLVERS[source](batch, versions)
        if EVERYWHERE in touches:
            return {EVERYWHERE}
    return touches
