"""The cooperation indicator: participations of civil servants in international-cooperation activities.

Period rule: an activity is in the period when its **start date** is. Area rule: its **organising
unit** (the province for a course held in Sanjo), not the venue. Only civil servants count: a person's
role decides whether their participations do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from khuyencong.cooperation.models import Activity, ActivityKind, ActivityParticipant
from khuyencong.indicators.catalogue import Counting, Indicator
from khuyencong.indicators.ready.touches import Batch, Touch, ids_of, own_place, parent_place, year_of
from khuyencong.indicators.sources import (
    ALL,
    Dimension,
    Drill,
    Source,
    Watched,
    field_key,
    register,
    register_labels,
    year_key,
)
from khuyencong.training.models import PersonRole


def counted_participants(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None,
                         kind: str | None = None) -> QuerySet[ActivityParticipant]:
    rows = ActivityParticipant.objects.filter(activity__start_date__gte=date_from, activity__start_date__lte=date_to,
                                              person__role=PersonRole.CIVIL_SERVANT)
    if kind:
        rows = rows.filter(activity__kind=kind)
    return rows if unit_ids is None else rows.filter(activity__organising_unit_id__in=unit_ids)


def _person(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    """A person's role decides whether their cooperation participations count (civil servants only)."""
    rows = ActivityParticipant.objects.filter(person_id__in=ids_of(versions, "id")).values_list(
        "activity__organising_unit_id", "activity__start_date")
    return {(u, year_of(d)) for u, d in rows}


def _readable(user: Any) -> QuerySet[Any] | None:
    from khuyencong.cooperation.selectors import activities_for
    from khuyencong.training import policy
    from khuyencong.training.selectors import persons_for

    if not policy.may_read(user):
        return None
    return ActivityParticipant.objects.filter(person__in=persons_for(user).values("pk"),
                                              activity__in=activities_for(user).values("pk"))


WATCHED = (
    Watched("training_person", ("role",), _person, ("update",), ("role",)),
    Watched("cooperation_activity", ("organising_unit_id", "start_date"),
            own_place("organising_unit_id", "start_date")),
    Watched("cooperation_activityparticipant", ("activity_id",),
            parent_place(Activity, "activity_id", "organising_unit_id", "start_date")),
)

register(60, Indicator(
    "cooperation.official_participations", "Lượt cán bộ, công chức, viên chức tham gia hợp tác quốc tế",
    "Participations of civil servants in international-cooperation activities (lượt)", "lượt",
    Counting.PARTICIPATIONS, "Participations in activities starting in the period, organised in the area.",
), Source(counted_participants, lambda: Count("pk"), {
    Dimension.YEAR: year_key("activity__start_date"), Dimension.UNIT: field_key("activity__organising_unit_id"),
    Dimension.ACTIVITY: field_key("activity__kind"), Dimension.GENDER: field_key("person__gender"),
}, ALL, watched=WATCHED,
    drill=Drill("cooperation_participations", ActivityParticipant, None, ("activity", "person"), _readable)))
register_labels(Dimension.ACTIVITY, lambda: {str(k): str(v) for k, v in ActivityKind.choices})
