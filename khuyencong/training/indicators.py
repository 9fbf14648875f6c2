"""The training indicators: persons who completed each type of course, and those employed after it.

Period rule: a course is in the period when its **end date** is. Area rule: a course is in the area
when its **organising unit** is in ``unit_ids`` (from ``geo.selectors.unit_ids_within``), never its
venue. Only completed participations count; dropped ones never do. Persons (người) and participations
(lượt) differ: one person completing two vocational courses is one person and two participations.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce, FirstValue

from khuyencong.indicators.catalogue import Counting, Indicator
from khuyencong.indicators.periods import Period
from khuyencong.indicators.ready.touches import everywhere, own_place, parent_place
from khuyencong.indicators.sources import (
    Dimension,
    Drill,
    Family,
    Source,
    Watched,
    field_key,
    register,
    register_labels,
    year_key,
)
from khuyencong.indicators.targets import TrainingLine, register_plan
from khuyencong.training.models import (
    EMPLOYED_STATUSES,
    Course,
    CourseType,
    FollowUp,
    Gender,
    Participation,
    ParticipationStatus,
    Person,
)

TRAINING_TYPES = ["vocational", "intermediate", "cleaner_production", "management", "startup"]


def counted_participations_of(course_types: list[str], date_from: dt.date, date_to: dt.date,
                              unit_ids: set[int] | None) -> QuerySet[Participation]:
    """Completed participations of courses of these types ending in the period, organised in the area."""
    rows = Participation.objects.filter(
        status=ParticipationStatus.COMPLETED, course__course_type__code__in=course_types,
        course__end_date__gte=date_from, course__end_date__lte=date_to,
    )
    return rows if unit_ids is None else rows.filter(course__organising_unit_id__in=unit_ids)


def counted_participations(course_type: str, date_from: dt.date, date_to: dt.date,
                           unit_ids: set[int] | None) -> QuerySet[Participation]:
    return counted_participations_of([course_type], date_from, date_to, unit_ids)


def employed_persons(counted: QuerySet[Participation], date_to: dt.date) -> QuerySet[Any]:
    """Ids of the persons whose latest follow-up of a counted participation, dated on or before the period
    end (the last recorded wins a same-day tie), shows employment or self-employment; a person with no
    such follow-up is not employed. Read in one pass over the follow-ups (a national breakdown has
    millions of persons and far fewer follow-ups)."""
    latest = FollowUp.objects.filter(participation__in=counted, date__lte=date_to).annotate(
        person=F("participation__person_id"),
        latest_status=Window(FirstValue("status"), partition_by=F("participation__person_id"),
                             order_by=[F("date").desc(), F("pk").desc()]))
    # Filtering on the window's value (not on ``status``) keeps the filter after the ranking: a filter on a
    # plain column would drop the later "unemployed" follow-up before the window sees it.
    return latest.filter(latest_status__in=[str(s) for s in EMPLOYED_STATUSES]).values("person")


def employed_participations(course_type: str, date_from: dt.date, date_to: dt.date,
                            unit_ids: set[int] | None) -> QuerySet[Participation]:
    """The counted participations of the employed persons (employment is a property of the person)."""
    counted = counted_participations(course_type, date_from, date_to, unit_ids)
    return counted.filter(person_id__in=employed_persons(counted, date_to))


def _persons(user: Any) -> QuerySet[Any] | None:
    from khuyencong.training import policy
    from khuyencong.training.selectors import persons_for

    return persons_for(user) if policy.may_read(user) else None


PERSONS_DRILL = Drill("persons", Person, "person_id", ("commune",), _persons)
WATCHED = (
    Watched("training_course", ("organising_unit_id", "end_date"), own_place("organising_unit_id", "end_date")),
    Watched("training_participation", ("course_id",),
            parent_place(Course, "course_id", "organising_unit_id", "end_date")),
    Watched("training_coursetype", ("code",), everywhere, ("update", "delete"), ("code",)),
)
_FAMILY = Family("training.persons", partial(counted_participations_of, TRAINING_TYPES),
                 field_key("course__course_type__code"))
_KEYS = {
    Dimension.YEAR: year_key("course__end_date"), Dimension.UNIT: field_key("course__organising_unit_id"),
    Dimension.ACTIVITY: field_key("course__course_type__code"), Dimension.GENDER: field_key("person__gender"),
}


def _source(course_type: str, *, employed: bool = False) -> Source:
    rows = partial(employed_participations if employed else counted_participations, course_type)
    return Source(rows, lambda: Count("person_id", distinct=True), _KEYS,
                  frozenset({Dimension.GENDER, Dimension.ACTIVITY}), None if employed else _FAMILY, course_type,
                  watched=WATCHED, drill=PERSONS_DRILL, whole_period=employed)


def _persons_of(position: float, code: str, what: str, label_en: str) -> None:
    register(position, Indicator(
        f"training.{code}.persons", f"Số người hoàn thành {what}", label_en, "người", Counting.DISTINCT,
        f"Distinct persons who completed a '{code}' course ending in the period, organised in the area.",
    ), _source(code))


def training_lines(period: Period, ids: set[int] | None) -> list[TrainingLine]:
    """Courses ending in the period, organised in the area, per type: planned places vs completed lượt."""
    completed = (Participation.objects.filter(course=OuterRef("pk"), status=ParticipationStatus.COMPLETED)
                 .order_by().values("course").annotate(n=Count("pk")).values("n"))
    courses = Course.objects.filter(end_date__gte=period.date_from, end_date__lte=period.date_to)
    if ids is not None:
        courses = courses.filter(organising_unit_id__in=ids)
    rows = (courses.annotate(done=Coalesce(Subquery(completed, output_field=IntegerField()), 0))
            .values("course_type__code").annotate(n=Count("pk"), planned=Coalesce(Sum("planned_participants"), 0),
                                                 completed=Coalesce(Sum("done"), 0))
            .filter(Q(planned__gt=0) | Q(completed__gt=0)).order_by("course_type__code"))
    labels = dict(CourseType.objects.order_by("valid_from").values_list("code", "label"))
    return [TrainingLine(r["course_type__code"], labels.get(r["course_type__code"], r["course_type__code"]),
                         int(r["n"]), int(r["planned"]), int(r["completed"])) for r in rows]


_persons_of(10, "vocational", "đào tạo nghề, nâng cao tay nghề, truyền nghề",
            "Persons trained in vocational / skills-upgrading / craft-teaching courses")
_persons_of(11, "intermediate", "chương trình trung cấp nghề",
            "Persons who completed an intermediate-level vocational programme")
register(12, Indicator("training.intermediate.employed", "Số người có việc làm sau đào tạo trung cấp nghề",
                       "Of those, persons employed after training", "người", Counting.DISTINCT,
                       "Counted persons whose latest follow-up on or before the period end shows (self-)employment."),
         _source("intermediate", employed=True))
_persons_of(13, "cleaner_production", "tập huấn sản xuất sạch hơn",
            "Persons trained in cleaner / sustainable production")
_persons_of(14, "management", "đào tạo nâng cao năng lực quản lý", "Persons trained in management capacity")
_persons_of(15, "startup", "đào tạo khởi sự doanh nghiệp", "Persons trained in business start-up")
register_labels(Dimension.ACTIVITY, lambda: dict(CourseType.objects.values_list("code", "label")))
register_labels(Dimension.GENDER, lambda: {str(k): str(v) for k, v in Gender.choices})
register_plan("training", training_lines)
