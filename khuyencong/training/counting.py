"""Figures of the training records beside the catalogue indicators (participations, incomes, summaries
for the API and the course-type report page), over the rows the indicators count
(``training.indicators``, where the period, area and employment rules live).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractYear

from khuyencong.training.indicators import counted_participations, counted_participations_of, employed_participations
from khuyencong.training.models import FollowUp, Person

__all__ = ["counted_participations", "counted_participations_of", "persons_completed", "persons_employed"]


def persons_completed(course_type: str, date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    """Distinct persons (người) who completed such a course."""
    rows = counted_participations(course_type, date_from, date_to, unit_ids)
    return rows.aggregate(n=Count("person_id", distinct=True))["n"]


def participations_completed(course_type: str, date_from: dt.date, date_to: dt.date,
                             unit_ids: set[int] | None) -> int:
    """Completed participations (lượt): a person who completed two courses counts twice."""
    return counted_participations(course_type, date_from, date_to, unit_ids).aggregate(n=Count("pk"))["n"]


def _latest_income(course_type: str, date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> Subquery:
    """The income of the person's latest follow-up of a counted course, dated on or before the period end
    (two follow-ups on the same day: the one recorded last wins)."""
    counted = counted_participations(course_type, date_from, date_to, unit_ids)
    latest = (FollowUp.objects
              .filter(participation__in=counted, participation__person_id=OuterRef("pk"), date__lte=date_to)
              .order_by("-date", "-pk").values("monthly_income_vnd")[:1])
    return Subquery(latest)


def _counted_persons(course_type: str, date_from: dt.date, date_to: dt.date,
                     unit_ids: set[int] | None) -> QuerySet[Person]:
    counted = counted_participations(course_type, date_from, date_to, unit_ids)
    return Person.objects.filter(pk__in=counted.values("person_id"))


def persons_employed(course_type: str, date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    """Counted persons whose latest follow-up shows employment (the rule of the indicator)."""
    rows = employed_participations(course_type, date_from, date_to, unit_ids)
    return int(rows.aggregate(n=Count("person_id", distinct=True))["n"])


def income_summary(course_type: str, date_from: dt.date, date_to: dt.date,
                   unit_ids: set[int] | None) -> dict[str, int | None]:
    """Average / lowest / highest monthly income (VND) in counted persons' latest follow-ups.

    Persons whose latest follow-up records no income are left out; ``persons`` says how many were used.
    """
    persons = _counted_persons(course_type, date_from, date_to, unit_ids).annotate(
        latest_income=_latest_income(course_type, date_from, date_to, unit_ids))
    values = persons.filter(latest_income__isnull=False).aggregate(
        avg=Avg("latest_income"), min=Min("latest_income"), max=Max("latest_income"), persons=Count("pk"))
    avg = values["avg"]
    return {"avg_vnd": round(avg) if avg is not None else None, "min_vnd": values["min"], "max_vnd": values["max"],
            "persons": values["persons"]}


def persons_completed_by_gender(course_type: str, date_from: dt.date, date_to: dt.date,
                                unit_ids: set[int] | None) -> dict[str, int]:
    """Distinct persons per gender; the parts add up to the total (a person has one gender)."""
    rows = counted_participations(course_type, date_from, date_to, unit_ids)
    grouped = rows.values("person__gender").annotate(n=Count("person_id", distinct=True)).order_by()
    return {row["person__gender"]: row["n"] for row in grouped}


def persons_completed_by_year(course_type: str, date_from: dt.date, date_to: dt.date,
                              unit_ids: set[int] | None) -> dict[int, int]:
    """Distinct persons per year of course end. The parts may add up to more than the total:
    a person who completed courses in two years is counted in both years."""
    rows = counted_participations(course_type, date_from, date_to, unit_ids)
    grouped = (rows.annotate(year=ExtractYear("course__end_date")).values("year")
               .annotate(n=Count("person_id", distinct=True)).order_by("year"))
    return {row["year"]: row["n"] for row in grouped}


def participations_completed_by_year(course_type: str, date_from: dt.date, date_to: dt.date,
                                     unit_ids: set[int] | None) -> dict[int, int]:
    rows = counted_participations(course_type, date_from, date_to, unit_ids)
    grouped = (rows.annotate(year=ExtractYear("course__end_date")).values("year")
               .annotate(n=Count("pk")).order_by("year"))
    return {row["year"]: row["n"] for row in grouped}


def summary(course_type: str, date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> dict[str, Any]:
    """All figures for one course type, for the API and the course-type report page."""
    args = (course_type, date_from, date_to, unit_ids)
    return {"persons": persons_completed(*args), "participations": participations_completed(*args),
            "employed": persons_employed(*args), "income": income_summary(*args),
            "by_gender": persons_completed_by_gender(*args), "by_year": persons_completed_by_year(*args)}
