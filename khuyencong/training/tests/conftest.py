"""Factories for training tests: courses organised in communes A/B or the province, and persons."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.conf import settings

from khuyencong.core.text import fold
from khuyencong.indicators.breakdowns import compute_breakdown
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, TODAY, unit
from khuyencong.training.dates import add_months
from khuyencong.training.indicators import counted_participations
from khuyencong.training.models import (
    Course,
    CourseType,
    FollowUp,
    Participation,
    ParticipationStatus,
    Person,
)

_seq = itertools.count(1)
# Valid CCCDs: province 077 (Bà Rịa – Vũng Tàu), men born 1990 (century digit 0), women 1995 (1).
MAN_1990 = "077090000001"
WOMAN_1995 = "077195000002"


def course_type(code: str) -> CourseType:
    return CourseType.objects.get(code=code)


def make_course(*, type_code: str = "vocational", organising: str = COMMUNE_A, end: dt.date = dt.date(2026, 6, 30),
                start: dt.date | None = None, **extra: Any) -> Course:
    organising_unit = unit(organising) if organising != "province" else unit(settings.PROVINCE_CODE)
    n = next(_seq)
    values = {"code": f"L{n:04d}", "title": f"Lớp {n}", "organiser": "Trung tâm Khuyến công",
              "start_date": start or end - dt.timedelta(days=30), "end_date": end, "planned_participants": 20}
    return Course.objects.create(course_type=course_type(type_code), organising_unit=organising_unit,
                                 **{**values, **extra})


def make_person(name: str = "Nguyễn Văn An", *, commune: str = COMMUNE_A, gender: str = "male",
                national_id: str | None = None, **extra: Any) -> Person:
    return Person.objects.create(full_name=name, search_name=fold(name), commune=unit(commune), gender=gender,
                                 national_id=national_id, **extra)


def enrol(person: Person, course: Course, status: str = ParticipationStatus.COMPLETED) -> Participation:
    due = (add_months(course.end_date, 3), add_months(course.end_date, 6)) \
        if course.course_type.employment_oriented else (None, None)
    return Participation.objects.create(person=person, course=course, status=status, follow_up_due_3m=due[0],
                                        follow_up_due_6m=due[1])


def follow(participation: Participation, day: dt.date, status: str, income: int | None = None) -> FollowUp:
    return FollowUp.objects.create(participation=participation, date=day, status=status, monthly_income_vnd=income)


@pytest.fixture
def person_a(db) -> Person:
    return make_person("Nguyễn Văn An", national_id=MAN_1990, birth_year=1990, phone="0912345678")


@pytest.fixture
def person_b(db) -> Person:
    return make_person("Trần Thị Bình", commune=COMMUNE_B, gender="female", national_id=WOMAN_1995,
                       birth_year=1995, phone="0987654321")


@pytest.fixture
def course_a(db) -> Course:
    """A vocational course organised by commune A that ended before today."""
    return make_course(code="NGHE-A", end=dt.date(2026, 6, 30))


@pytest.fixture
def future_course(db) -> Course:
    return make_course(code="NGHE-SAU", start=TODAY, end=TODAY + dt.timedelta(days=30))


__all__ = ["COMMUNE_A", "COMMUNE_B", "MAN_1990", "TODAY", "WOMAN_1995", "enrol", "follow", "make_course",
           "make_person"]


def make_scheme(code: str, establishment: Any) -> Any:
    """A scheme whose area is ``establishment``'s commune (its only beneficiary), created directly."""
    from khuyencong.schemes.models import ActivityType, Scheme, SchemeBeneficiary

    kind = ActivityType.objects.filter(code="training").order_by("-valid_from").first()
    scheme = Scheme.objects.create(code=code, title=f"Đề án {code}", activity_type=kind, funding_source="local",
                                   implementing_unit_name="Trung tâm Khuyến công", total_cost=100_000_000,
                                   public_support=50_000_000, counterpart_capital=50_000_000)
    SchemeBeneficiary.objects.create(scheme=scheme, establishment=establishment)
    return scheme


@pytest.fixture
def scheme_a(est_a) -> Any:
    return make_scheme("KCDP-2026-A", est_a)


@pytest.fixture
def scheme_b(est_b) -> Any:
    return make_scheme("KCDP-2026-B", est_b)


# The engine's training figures, for the tests (the rules live in training.indicators).
Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
EMPLOYED = "training.intermediate.employed"


def figure(code: str, period: tuple[dt.date, dt.date] = Y2026, area_code: str | None = None) -> int:
    return compute(Period(*period), resolve_area(area_code, TODAY), [code]).values[code]


def persons(course_type: str, period: tuple[dt.date, dt.date] = Y2026, area_code: str | None = None) -> int:
    """The engine's distinct persons (người) who completed a course of the type."""
    return figure(f"training.{course_type}.persons", period, area_code)


def participations(course_type: str) -> int:
    """Completed participations (lượt) in 2026: the rows the person indicator counts, one per course."""
    return counted_participations(course_type, *Y2026, None).count()


def persons_by(dimension: Dimension, course_type: str, period: tuple[dt.date, dt.date] = Y2026) -> dict:
    code = f"training.{course_type}.persons"
    return compute_breakdown(Period(*period), resolve_area(None, TODAY), [dimension], [code]).values[code]
