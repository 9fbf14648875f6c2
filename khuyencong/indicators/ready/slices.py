"""The national province × year breakdown from stored year slices, brought up to date on each read.

A period is cut at the turns of the years; each piece (a whole year, or the part of a year the period
covers) is a *slice* whose figures by province are stored with the journal position they reflect (the
*watermark*). A read takes the current watermark, resolves the journal entries a slice has not seen
into the provinces whose figures they can change in that slice's year, recomputes those provinces only
(the engine's own breakdown, restricted to them) and stores the slice again. A change to one course
thus costs one province-year, not the country; the first read of a slice computes it in full.

Slices are keyed by a fingerprint of the map of provinces (each province's unit ids of any time on
the boundary date), so a reloaded register or another boundary date never reads figures drawn on a
different map. Figures whose parts depend on the whole period (employment: a person's latest
follow-up up to the period's end) are not stored; they are computed for each request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import DurationField, Value
from django.db.models.functions import Now
from django.utils import timezone

from khuyencong.core.db_router import primary_reads
from khuyencong.indicators.breakdowns import NONE_KEY, SEPARATOR, UnitTarget, breakdown_many, unit_mapping
from khuyencong.indicators.engine import Area
from khuyencong.indicators.models import Change, ReadySlice
from khuyencong.indicators.periods import Period
from khuyencong.indicators.ready.journal import JOURNAL_TABLE
from khuyencong.indicators.ready.touches import Batch, resolve
from khuyencong.indicators.sources import SOURCES, Dimension

# Bump when what a stored figure means changes (a counting rule, a source): every slice is then recomputed.
STORE_VERSION = "1"


def ready_codes() -> tuple[str, ...]:
    """The registered indicators stored by year slice: those broken down by unit and year whose figures of
    a year do not depend on the rest of the period."""
    return tuple(code for code, source in SOURCES.items()
                 if not source.whole_period and {Dimension.UNIT, Dimension.YEAR} <= set(source.keys))


UNUSED_DAYS = 90  # a slice nobody read for this long is dropped, so the journal can be pruned
KEEP_JOURNAL = dt.timedelta(hours=1)  # longer than any slice computation
# A longer period (a century asked by mistake) is computed live: one statement per family over the whole
# period, instead of storing a slice for every empty year.
MAX_YEARS = 30
LOCK_TIMEOUT = "2s"

Values = dict[str, dict[str, int | None]]  # {code: {province code: value}}


def applies(period: Period, area: Area, dimensions: list[Dimension]) -> bool:
    """The national breakdown by province and year (in either order) is served from the slices."""
    return (area.unit is None and area.unit_ids is None and period.date_to.year - period.date_from.year < MAX_YEARS
            and sorted(dimensions) == sorted([Dimension.UNIT, Dimension.YEAR]))


def year_slices(period: Period) -> list[Period]:
    return [Period(max(period.date_from, dt.date(year, 1, 1)), min(period.date_to, dt.date(year, 12, 31)))
            for year in range(period.date_from.year, period.date_to.year + 1)]


def fingerprint(mapping: list[tuple[int, str]]) -> str:
    payload = json.dumps([STORE_VERSION, ready_codes(), mapping], separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def current_watermark() -> int | None:
    """The last journal entry, with every entry up to it committed; None when that cannot be known now.

    On PostgreSQL a journal id can be taken by a transaction that commits after a later one: a SHARE
    lock waits for the writing transactions in flight (a long import gives up after ``LOCK_TIMEOUT``:
    the read then computes everything from the records and stores nothing)."""
    locking = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if locking:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                cursor.execute(f"LOCK TABLE {JOURNAL_TABLE} IN SHARE MODE")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {JOURNAL_TABLE}")  # noqa: S608  # nosec B608
            return int(cursor.fetchone()[0])
    except OperationalError:
        return None


@dataclass
class Maps:
    """The provinces of the request and, for each unit id, the provinces it lies in."""

    area: Area
    targets: list[UnitTarget]
    provinces_of: dict[int, set[str]]

    @classmethod
    def of(cls, area: Area, targets: list[UnitTarget]) -> tuple[Maps, str]:
        mapping = unit_mapping(targets, area)
        provinces_of: dict[int, set[str]] = defaultdict(set)
        for unit_id, code in mapping:
            provinces_of[unit_id].add(code)
        return cls(area, targets, provinces_of), fingerprint(mapping)


ALL_PROVINCES = None


def dirty_provinces(touches: set[tuple[int | None, int | None]], year: int, maps: Maps) -> set[str] | None:
    """The provinces whose figures of ``year`` the touches can change; None: all of them."""
    dirty: set[str] = set()
    for unit_id, touched_year in touches:
        if touched_year is not None and touched_year != year:
            continue
        provinces = maps.provinces_of.get(unit_id) if unit_id is not None else None
        if not provinces:
            return ALL_PROVINCES  # any unit, or a unit in no province (the "none" part is national)
        dirty |= provinces
    return dirty


def compute_slice(period: Period, maps: Maps, provinces: set[str] | None = None) -> Values:
    """The slice's figures by province, from the records (of the given provinces only, when named)."""
    if provinces is None:
        return breakdown_many(list(ready_codes()), period, maps.area, [Dimension.UNIT], maps.targets)
    targets = [t for t in maps.targets if t.code in provinces]
    unit_ids = frozenset().union(*(t.unit_ids for t in targets))
    area = Area(unit=None, boundary_date=maps.area.boundary_date, unit_ids=unit_ids)
    return breakdown_many(list(ready_codes()), period, area, [Dimension.UNIT], targets)


def _patched(stored: Values, fresh: Values, provinces: set[str]) -> Values:
    return {code: {**{k: v for k, v in stored.get(code, {}).items() if k not in provinces},
                   **fresh.get(code, {})} for code in ready_codes()}


class _Journal:
    """The journal entries between two watermarks, resolved once per request whatever the slices asking."""

    def __init__(self) -> None:
        self._touches: dict[tuple[int, int], set[tuple[int | None, int | None]]] = {}

    def touches(self, after: int, upto: int) -> set[tuple[int | None, int | None]]:
        if (after, upto) not in self._touches:
            entries = Change.objects.filter(id__gt=after, id__lte=upto).values_list("source", "old", "new")
            self._touches[(after, upto)] = resolve(Batch(entries.iterator(chunk_size=10_000)))
        return self._touches[(after, upto)]


def _refresh(period: Period, maps: Maps, mapping: str, watermark: int, journal: _Journal) -> Values:
    """The slice as of ``watermark``: stored, brought up to date, or computed and stored."""
    with transaction.atomic():
        stored = ReadySlice.objects.select_for_update().filter(
            mapping=mapping, date_from=period.date_from, date_to=period.date_to).first()
        if stored is None:
            values = compute_slice(period, maps)
            try:
                with transaction.atomic():
                    ReadySlice.objects.create(mapping=mapping, date_from=period.date_from, date_to=period.date_to,
                                              watermark=watermark, values=values)
            except IntegrityError:
                pass  # another request stored it meanwhile; these figures are as good
            return values
        if stored.watermark >= watermark:
            return dict(stored.values)
        provinces = dirty_provinces(journal.touches(stored.watermark, watermark), period.date_from.year, maps)
        if provinces is ALL_PROVINCES:
            values = compute_slice(period, maps)
        elif provinces:
            values = _patched(stored.values, compute_slice(period, maps, provinces), provinces)
        else:
            values = dict(stored.values)
        stored.values, stored.watermark = values, watermark
        stored.save(update_fields=["values", "watermark", "computed_at"])
        return values


def prune(watermark: int, *, keep: dt.timedelta = KEEP_JOURNAL) -> None:
    """Drop slices unused for ``UNUSED_DAYS`` and the journal entries every remaining slice has seen (all
    of them up to ``watermark`` when no slice is kept) once they are older than ``keep``: a slice being
    computed by another request is not stored yet, and will need the entries after its own watermark."""
    ReadySlice.objects.filter(read_at__lt=timezone.now() - dt.timedelta(days=UNUSED_DAYS)).delete()
    oldest = min(ReadySlice.objects.values_list("watermark", flat=True), default=watermark)
    # The database's clock, as for ``recorded_at`` itself.
    cut_off = Now() - Value(keep, output_field=DurationField())
    Change.objects.filter(id__lte=min(oldest, watermark), recorded_at__lt=cut_off).delete()


def national_by_province_year(codes: list[str], period: Period, area: Area, dimensions: list[Dimension],
                              targets: list[UnitTarget]) -> Values:
    """{code: {key: value}} of the national province × year breakdown, keys in the order of ``dimensions``."""
    live = [code for code in codes if code not in ready_codes()]
    out: dict[str, dict[str, Any]] = breakdown_many(live, period, area, dimensions, targets) if live else {}
    maps, mapping = Maps.of(area, targets)
    with primary_reads():  # the slices must see every change up to the watermark: no replica lag
        watermark = current_watermark()
        journal = _Journal()
        slices = [(piece, compute_slice(piece, maps) if watermark is None else
                   _refresh(piece, maps, mapping, watermark, journal)) for piece in year_slices(period)]
        ReadySlice.objects.filter(mapping=mapping, date_from__gte=period.date_from,
                                  date_to__lte=period.date_to).update(read_at=timezone.now())
        if watermark is not None:
            prune(watermark)
    unit_first = dimensions[0] == Dimension.UNIT
    for code in codes:
        if code in ready_codes():
            cells: dict[str, int | None] = {}
            for piece, values in slices:
                year = str(piece.date_from.year)
                for province, value in values.get(code, {}).items():
                    cells[SEPARATOR.join([province, year] if unit_first else [year, province])] = value
            out[code] = dict(sorted(cells.items()))
    return out


__all__ = ["NONE_KEY", "applies", "national_by_province_year", "prune", "ready_codes"]
