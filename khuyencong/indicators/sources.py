"""What each catalogue indicator counts, as a queryset, so the engine can total and break it down in SQL.

The domain apps define their indicators in their own ``indicators`` module and register them here, the
way models register with the admin (``IndicatorsConfig.ready`` imports every app's ``indicators``
module): the engine knows no domain. For every indicator a :class:`Source` names the counted rows, the
aggregate, for each dimension the expression giving a row's key, the tables whose changes can alter
its figures (the change journal watches them, ``ready.journal``) and the records listed behind it.

``entity_keys`` lists the dimensions that are attributes of the counted entity itself (a person's
gender, an establishment's sector): for distinct counts the parts of those breakdowns add up; for the
others (year, organising unit…) one entity can fall in two parts, so the parts overlap. The single
figure is the breakdown with no dimension: one implementation for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet
from django.db.models.functions import ExtractYear

if TYPE_CHECKING:
    from khuyencong.indicators.catalogue import Indicator
    from khuyencong.indicators.ready.touches import Resolver

UnitIds = set[int] | None
Rows = Callable[[dt.date, dt.date, UnitIds], QuerySet[Any]]
KeyExpr = Callable[[UnitIds], Any]


class Dimension(StrEnum):
    YEAR = "year"
    UNIT = "unit"  # the district/commune (one level below the area) on the boundary date
    ACTIVITY = "activity"  # scheme activity type, course type, cooperation activity kind
    FUNDING = "funding"
    SECTOR = "sector"
    PRODUCT_GROUP = "product_group"
    LEVEL = "level"
    GENDER = "gender"


ALL = frozenset(Dimension)


@dataclass(frozen=True)
class Family:
    """Indicators over one set of rows, computed by the engine in one query (one scan instead of several).

    ``rows`` is the union of the members' rows; with a ``member_key`` each member counts the rows whose
    key equals its ``member`` value (the course type, the recognition level), else all of them.
    """

    name: str
    rows: Rows
    member_key: KeyExpr | None = None


@dataclass(frozen=True)
class Watched:
    """A table the change journal records, with the columns that locate a record (its unit, its date, its
    parent record) and the resolver turning its entries into the (unit, year) cells they can change."""

    table: str
    columns: tuple[str, ...]  # captured with the row id
    resolver: Resolver
    events: tuple[str, ...] = ("insert", "update", "delete")
    when_changed: tuple[str, ...] = ()  # journal an update only when one of these columns changed


@dataclass(frozen=True)
class Drill:
    """The records listed behind a figure: ``model`` rows reached from the counted rows by ``entity_id``
    (None: the counted rows themselves), read under the owning app's policy by ``readable``."""

    kind: str
    model: type[Any]
    entity_id: str | None
    related: tuple[str, ...]
    readable: Callable[[Any], QuerySet[Any] | None]


@dataclass(frozen=True)
class Source:
    rows: Rows
    value: Callable[[], Any]
    keys: dict[Dimension, KeyExpr]
    entity_keys: frozenset[Dimension]
    family: Family | None = None
    member: str | None = None
    # The unit key gives one record several units (a joint scheme's beneficiaries): the record then counts
    # once in each part it lies in, exactly as the engine counts it in each of those areas.
    multi_unit: bool = False
    watched: tuple[Watched, ...] = ()
    drill: Drill | None = None
    # The figure depends on the whole period (employment: a person's latest follow-up up to its end), so
    # it is never stored by year (``ready.slices``).
    whole_period: bool = False


def field_key(path: str) -> KeyExpr:
    return lambda unit_ids: F(path)


def year_key(path: str) -> KeyExpr:
    return lambda unit_ids: ExtractYear(path)


# Filled by ``register`` while the apps are loaded, in catalogue order once ``seal`` has run.
SOURCES: dict[str, Source] = {}
_REGISTERED: dict[str, tuple[float, Indicator, Source]] = {}
_LABELS: list[tuple[Dimension, Callable[[], dict[str, str]]]] = []


def register(position: float, indicator: Indicator, source: Source) -> None:
    """Add an indicator to the catalogue at ``position`` (the order of the report's table)."""
    known = _REGISTERED.get(indicator.code)
    if known is not None and known[1:] != (indicator, source):
        raise ValueError(f"indicator {indicator.code!r} is already registered")
    _REGISTERED[indicator.code] = (position, indicator, source)


def register_labels(dimension: Dimension, labels: Callable[[], dict[str, str]]) -> None:
    """Names of a dimension's keys (read when a breakdown is shown); later registrations win a clash."""
    if (dimension, labels) not in _LABELS:
        _LABELS.append((dimension, labels))


def labels_of(dimension: Dimension) -> dict[str, str]:
    out: dict[str, str] = {}
    for dim, labels in _LABELS:
        if dim == dimension:
            out.update(labels())
    return out


def seal() -> None:
    """Order the registered indicators into the catalogue, the sources and the journal's watched tables."""
    from khuyencong.indicators import catalogue
    from khuyencong.indicators.ready import journal

    ordered = sorted(_REGISTERED.values(), key=lambda entry: entry[0])
    catalogue.CATALOGUE[:] = [indicator for _, indicator, _ in ordered]
    catalogue.BY_CODE.clear()
    catalogue.BY_CODE.update({indicator.code: indicator for indicator in catalogue.CATALOGUE})
    SOURCES.clear()
    SOURCES.update({indicator.code: source for _, indicator, source in ordered})
    journal.derive(SOURCES.values())


__all__ = ["ALL", "SOURCES", "Dimension", "Drill", "Family", "Source", "Watched", "field_key", "register",
           "register_labels", "seal", "year_key"]
