"""Reads on training records, always scoped: courses by organising unit, persons by ``policy.scope_persons``
(where they live, or the courses and activities they took part in)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateField, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Collate
from django.http import Http404
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.core.collation import COLLATION
from khuyencong.core.lookup import one_or_404
from khuyencong.core.text import fold
from khuyencong.training.models import (
    Course,
    CourseType,
    FollowUp,
    Participation,
    ParticipationStatus,
    Person,
    PersonalDataAccess,
    PersonConsent,
)
from khuyencong.training.policy import scope_persons, scope_training


def courses_for(user: User) -> QuerySet[Course]:
    base = Course.objects.select_related("course_type", "organising_unit__parent", "venue_unit", "scheme")
    return scope_training(base, user, commune_path="organising_unit_id")


def persons_for(user: User) -> QuerySet[Person]:
    base = Person.objects.select_related("commune__parent", "employer")
    return scope_persons(base, user)


def course_types_on(day: dt.date) -> QuerySet[CourseType]:
    return CourseType.objects.valid_on(day)


@dataclass
class CourseFilters:
    q: str = ""
    course_type: str = ""
    year: int | None = None
    errors: dict[str, str] = field(default_factory=dict)


def course_list(user: User, filters: CourseFilters) -> QuerySet[Course]:
    items = courses_for(user).annotate(
        enrolled=Count("participations", filter=~Q(participations__status=ParticipationStatus.DROPPED)),
        completed=Count("participations", filter=Q(participations__status=ParticipationStatus.COMPLETED)),
    )
    if filters.q:
        items = items.filter(Q(code__icontains=filters.q.strip()) | Q(title__icontains=filters.q.strip()))
    if filters.course_type:
        items = items.filter(course_type__code=filters.course_type)
    if filters.year:
        items = items.filter(end_date__year=filters.year)
    return items.order_by("-end_date", "code")


def course_get(user: User, pk: Any) -> Course:
    return one_or_404(courses_for(user), pk)


def course_participants(course: Course) -> QuerySet[Participation]:
    """The participant table: persons, their commune and follow-up counts in a constant number of queries."""
    return (course.participations.select_related("person__commune")
            .annotate(follow_up_count=Count("follow_ups"))
            .order_by(Collate("person__full_name", COLLATION), "pk"))


def person_list(user: User, q: str = "") -> QuerySet[Person]:
    """Persons in scope, by folded name. A search by ID number is not a read but a logged, rate-limited
    action (``services.person_search``); digits here match nobody."""
    items = persons_for(user)
    if q:
        items = items.filter(search_name__contains=fold(q))
    return items.order_by(Collate("full_name", COLLATION), "pk")


def persons_with_id(user: User, national_id: str) -> QuerySet[Person]:
    """The person in scope holding exactly this ID number (full numbers only: a prefix search would
    let a masked ID be guessed digit by digit)."""
    return persons_for(user).filter(national_id=national_id).order_by("pk")


def person_get(user: User, pk: Any) -> Person:
    """One person, or 404: a commune officer learns only of persons living in their communes or taking part
    in their courses and activities."""
    return one_or_404(persons_for(user), pk)


def person_history(person: Person) -> QuerySet[Participation]:
    """Courses attended, with their follow-ups, newest first."""
    return (person.participations.select_related("course__course_type", "course__organising_unit")
            .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.select_related("employer")))
            .order_by("-course__end_date", "-pk"))


def consent_get(person: Person, pk: Any) -> PersonConsent:
    return one_or_404(person.consents.all(), pk)


def person_access_log(person: Person) -> QuerySet[PersonalDataAccess]:
    return person.data_accesses.select_related("actor")[:50]


def participation_get(user: User, pk: Any) -> Participation:
    """A participation is visible to whoever may see its person or its course."""
    persons, courses = persons_for(user), courses_for(user)
    try:
        return (Participation.objects.select_related("person__commune", "course__course_type")
                .filter(Q(person__in=persons) | Q(course__in=courses)).get(pk=int(pk)))
    except (Participation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def follow_ups_due(user: User, *, horizon_days: int = 0) -> QuerySet[Participation]:
    """Completed participants of employment-oriented courses whose 3- or 6-month follow-up is due.

    A milestone is done when a follow-up is dated on or after it; the 6-month one supersedes the
    3-month one once it is due. Scoped by the person's commune: the follow-ups of whoever the user may
    record them for (``policy.may_edit_person``), not of everyone the user sees.
    """
    cutoff = timezone.localdate() + dt.timedelta(days=horizon_days)
    base = Participation.objects.filter(status=ParticipationStatus.COMPLETED, follow_up_due_3m__lte=cutoff,
                                        course__course_type__employment_oriented=True)
    base = scope_training(base, user, commune_path="person__commune_id")
    done_3m = Exists(FollowUp.objects.filter(participation=OuterRef("pk"), date__gte=OuterRef("follow_up_due_3m")))
    done_6m = Exists(FollowUp.objects.filter(participation=OuterRef("pk"), date__gte=OuterRef("follow_up_due_6m")))
    milestone = Case(
        When(Q(follow_up_due_6m__lte=cutoff) & ~done_6m, then=Value(6)),
        When(Q(follow_up_due_6m__gt=cutoff) & ~done_3m, then=Value(3)),
        default=Value(None), output_field=IntegerField(),
    )
    due_on = Case(When(follow_up_due_6m__lte=cutoff, then=F("follow_up_due_6m")), default=F("follow_up_due_3m"),
                  output_field=DateField())
    return (base.annotate(milestone=milestone, due_on=due_on).filter(milestone__isnull=False)
            .select_related("person__commune", "course").order_by("due_on", "pk"))
