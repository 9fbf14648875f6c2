"""Figures of the cooperation records beside the catalogue indicator, one SQL aggregate each, over the
rows the indicator counts (``cooperation.indicators``, where the period and area rules live).
Participations (lượt) and distinct officials (người) are both offered, named.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import ExtractYear

from khuyencong.cooperation.indicators import counted_participants

__all__ = ["counted_participants", "distinct_officials", "official_participations"]


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
