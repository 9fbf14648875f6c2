"""Counting helpers for the indicators engine: one SQL aggregate each, no Python loops over rows.

Period rule: a participation is in the period when its fair's *start date* is.
Area rule: the establishment's commune, wherever the fair was held (``unit_ids`` from
``geo.selectors.unit_ids_within``; ``None`` means no area limit). Withdrawn registrations and
cancelled fairs never count. ``fairs.participations`` counts lượt (one establishment at two fairs
counts twice); :func:`establishments` counts distinct establishments.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from khuyencong.fairs.models import FairParticipation, ParticipationKind

FAIR = ParticipationKind.FAIR
ECOMMERCE = ParticipationKind.ECOMMERCE_LISTING


def counted(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None, *,
            kind: str | None = FAIR) -> QuerySet[FairParticipation]:
    """The participations an indicator counts; ``kind=None`` takes fairs and e-commerce listings together."""
    items = FairParticipation.objects.filter(
        withdrawn=False, fair__cancelled=False, fair__start_date__gte=date_from, fair__start_date__lte=date_to,
    )
    if kind is not None:
        items = items.filter(kind=kind)
    if unit_ids is not None:
        items = items.filter(establishment__commune_id__in=unit_ids)
    return items


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


def _breakdown(items: QuerySet[FairParticipation], key: str) -> dict:  # type: ignore[type-arg]
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
