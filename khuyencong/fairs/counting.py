"""Figures of the fair records beside the catalogue indicators, one SQL aggregate each, over the rows
the indicators count (``fairs.indicators``, where the period and area rules live). ``participations``
counts lượt (one establishment at two fairs counts twice); :func:`establishments` counts distinct
establishments.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from khuyencong.fairs.indicators import ECOMMERCE, FAIR, counted
from khuyencong.fairs.models import FairParticipation

__all__ = ["ECOMMERCE", "FAIR", "counted", "establishments", "participations"]


def participations(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None, *,
                   kind: str | None = FAIR) -> int:
    """``fairs.participations``: establishment participations in trade fairs (lượt)."""
    return counted(date_from, date_to, unit_ids, kind=kind).aggregate(n=Count("pk"))["n"]


def establishments(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None, *,
                   kind: str | None = FAIR) -> int:
    """``fairs.establishments``: distinct establishments with at least one participation."""
    return counted(date_from, date_to, unit_ids, kind=kind).aggregate(
        n=Count("establishment", distinct=True))["n"]


def ecommerce_listings(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    """``fairs.ecommerce_listings``: e-commerce listing supports (lượt), counted apart from fairs."""
    return participations(date_from, date_to, unit_ids, kind=ECOMMERCE)


def support_vnd(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None, *,
                kind: str | None = None) -> int:
    """``fairs.support_vnd``: support paid for those participations, VND."""
    total = counted(date_from, date_to, unit_ids, kind=kind).aggregate(s=Sum("support_vnd"))["s"]
    return int(total or 0)


def _breakdown(items: QuerySet[FairParticipation], key: str) -> dict:
    rows = items.values(key).annotate(
        participations=Count("pk"), establishments=Count("establishment", distinct=True),
    ).order_by(key)
    return {row[key]: {"participations": row["participations"], "establishments": row["establishments"]}
            for row in rows}


def by_scope(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None, *,
             kind: str | None = FAIR) -> dict[str, dict[str, int]]:
    """Participations and distinct establishments per fair scope (provincial … international)."""
    return _breakdown(counted(date_from, date_to, unit_ids, kind=kind), "fair__scope")


def by_year(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None, *,
            kind: str | None = FAIR) -> dict[int, dict[str, int]]:
    """Participations and distinct establishments per year of the fair's start date."""
    items = counted(date_from, date_to, unit_ids, kind=kind).annotate(year=ExtractYear("fair__start_date"))
    return _breakdown(items, "year")
