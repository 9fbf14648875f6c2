"""Counting helpers for the indicators engine, one SQL aggregate each.

Period rule: an activity is in the period when its **start date** is. Area rule: its **organising
unit** (the province for a course held in Sanjo), not the venue. Participations (lượt) and distinct
officials (người) are both offered, named.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from khuyencong.cooperation.models import ActivityParticipant
from khuyencong.training.models import PersonRole


def counted_participants(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None,
                         kind: str | None = None) -> QuerySet[ActivityParticipant]:
    rows = ActivityParticipant.objects.filter(activity__start_date__gte=date_from, activity__start_date__lte=date_to,
                                              person__role=PersonRole.CIVIL_SERVANT)
    if kind:
        rows = rows.filter(activity__kind=kind)
    return rows if unit_ids is None else rows.filter(activity__organising_unit_id__in=unit_ids)


def official_participations(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None,
                            kind: str | None = None) -> int:
    """``cooperation.official_participations``: one official at two activities counts twice (lượt)."""
    return counted_participants(date_from, date_to, unit_ids, kind).aggregate(n=Count("pk"))["n"]


def distinct_officials(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None,
                       kind: str | None = None) -> int:
    """Distinct officials (người) who took part in at least one activity."""
    rows = counted_participants(date_from, date_to, unit_ids, kind)
    return rows.aggregate(n=Count("person_id", distinct=True))["n"]


def official_participations_by_year(date_from: dt.date, date_to: dt.date,
                                    unit_ids: set[int] | None) -> dict[int, int]:
    rows = counted_participants(date_from, date_to, unit_ids)
    grouped = (rows.annotate(year=ExtractYear("activity__start_date")).values("year")
               .annotate(n=Count("pk")).order_by("year"))
    return {row["year"]: row["n"] for row in grouped}


def official_participations_by_gender(date_from: dt.date, date_to: dt.date,
                                      unit_ids: set[int] | None) -> dict[str, int]:
    rows = counted_participants(date_from, date_to, unit_ids)
    grouped = rows.values("person__gender").annotate(n=Count("pk")).order_by()
    return {row["person__gender"]: row["n"] for row in grouped}
