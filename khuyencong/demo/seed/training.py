"""Courses, persons, participations and follow-ups behind the seed report's training figures.

Targets (distinct persons completing a course type, 2014–2020, organised by the province):
vocational 285, intermediate 480 (450 employed after training), cleaner production 344,
management 718, start-up 50. The traps: persons completing two courses of one type, dropped
participants, an earlier "employed" overridden by a later "unemployed", a follow-up after the
period, and courses outside the period or organised by another province.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from khuyencong.core.text import fold
from khuyencong.demo.seed.base import AFTER_PERIOD, SeedContext, bulk
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.training.models import (
    Course,
    CourseType,
    FollowUp,
    FollowUpStatus,
    Participation,
    ParticipationStatus,
    Person,
    PersonRole,
)


@dataclass(frozen=True)
class CoursePlan:
    course_type: str
    title: str
    persons: int  # distinct persons who complete (the seed figure)
    repeaters: int  # of whom this many complete a second course of the same type (lượt > người)
    courses: int
    first_year: int
    last_year: int
    role: str = PersonRole.WORKER


PLANS = (
    CoursePlan("vocational", "Đào tạo nghề, nâng cao tay nghề", 285, 30, 9, 2014, 2020),
    CoursePlan("intermediate", "Trung cấp nghề cơ khí phục vụ công nghiệp hỗ trợ", 480, 0, 12, 2015, 2019),
    CoursePlan("cleaner_production", "Tập huấn sản xuất sạch hơn", 344, 24, 8, 2014, 2020,
               PersonRole.ESTABLISHMENT_MANAGER),
    CoursePlan("management", "Nâng cao năng lực quản lý cho cơ sở CNNT", 718, 40, 18, 2014, 2020,
               PersonRole.ESTABLISHMENT_MANAGER),
    CoursePlan("startup", "Khởi sự doanh nghiệp", 50, 5, 2, 2016, 2019, PersonRole.ESTABLISHMENT_MANAGER),
)
EMPLOYED_AFTER_INTERMEDIATE = 450


def _course_type(code: str) -> CourseType:
    return CourseType.objects.filter(code=code).order_by("valid_from").first()  # type: ignore[return-value]


def _persons(ctx: SeedContext, count: int, role: str, communes: list[AdministrativeUnit]) -> list[Person]:
    people = []
    for _ in range(count):
        name, gender = ctx.person_name()
        birth = dt.date(ctx.rng.randint(1965, 2001), ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))
        people.append(Person(
            national_id=ctx.national_id(birth, gender), full_name=name, search_name=fold(name), birth_date=birth,
            birth_year=birth.year, gender=gender, ethnicity="Kinh" if ctx.rng.random() < 0.95 else "Chơ Ro",
            commune=ctx.rng.choice(communes), role=role,
            employer=ctx.rng.choice(ctx.establishments) if role != PersonRole.CIVIL_SERVANT else None,
        ))
    return bulk(Person, people, ctx.actor)


def _courses(ctx: SeedContext, plan: CoursePlan, organiser: AdministrativeUnit, *, code_prefix: str,
             ends: list[dt.date]) -> list[Course]:
    courses = []
    for i, end in enumerate(ends, start=1):
        length = 180 if plan.course_type == "intermediate" else ctx.rng.randint(5, 30)
        courses.append(Course(
            code=f"{code_prefix}-{plan.course_type.upper()[:4]}-{end.year}-{i:02d}",
            title=f"{plan.title} – lớp {i}/{end.year}", course_type=_course_type(plan.course_type),
            organiser="Trung tâm Khuyến công tỉnh" if organiser.code == "77" else f"Khuyến công {organiser.name}",
            organising_unit=organiser, venue_unit=ctx.rng.choice(ctx.communes if organiser.code == "77"
                                                                  else ctx.other_communes),
            start_date=end - dt.timedelta(days=length), end_date=end, planned_participants=35,
        ))
    return bulk(Course, courses, ctx.actor)


def _end_dates(ctx: SeedContext, plan: CoursePlan) -> list[dt.date]:
    years = [plan.first_year + (i % (plan.last_year - plan.first_year + 1)) for i in range(plan.courses)]
    # Intermediate courses end by mid-year so their 3- and 6-month follow-ups fall inside the period.
    last_month = 6 if plan.course_type == "intermediate" else 11
    return sorted(dt.date(y, ctx.rng.randint(3, last_month), ctx.rng.randint(1, 28)) for y in years)


def _participations(ctx: SeedContext, plan: CoursePlan, courses: list[Course], people: list[Person],
                    dropped: list[Person]) -> list[Participation]:
    rows = []
    for i, person in enumerate(people):
        rows.append(_participation(courses[i % len(courses)], person, ParticipationStatus.COMPLETED, i))
    for i, person in enumerate(people[: plan.repeaters]):  # a second course of the same type
        rows.append(_participation(courses[(i + 1) % len(courses)], person, ParticipationStatus.COMPLETED, i))
    for i, person in enumerate(dropped):
        rows.append(_participation(courses[i % len(courses)], person, ParticipationStatus.DROPPED, i))
    return bulk(Participation, rows, ctx.actor)


def _participation(course: Course, person: Person, status: str, i: int) -> Participation:
    oriented = course.course_type.employment_oriented
    return Participation(
        person=person, course=course, status=status,
        certificate_no=f"{course.code}/{i:04d}" if status == ParticipationStatus.COMPLETED else "",
        follow_up_due_3m=course.end_date + dt.timedelta(days=91) if oriented else None,
        follow_up_due_6m=course.end_date + dt.timedelta(days=182) if oriented else None,
    )


def _follow_up(p: Participation, months: int, status: str, income: int | None = None) -> FollowUp:
    day = p.course.end_date + dt.timedelta(days=30 * months)
    return FollowUp(participation=p, date=day, status=status, monthly_income_vnd=income,
                    employer_text="" if status not in ("employed", "self_employed") else "Cơ sở cơ khí địa phương")


def _intermediate_follow_ups(ctx: SeedContext, rows: list[Participation]) -> None:
    """450 employed by their latest in-period follow-up; 30 not (each for a different reason)."""
    completed = [p for p in rows if p.status == ParticipationStatus.COMPLETED]
    employed, overridden, studying = completed[:450], completed[450:460], completed[460:465]  # 15 have none
    ups: list[FollowUp] = []
    for i, p in enumerate(employed):
        status = FollowUpStatus.SELF_EMPLOYED if i % 7 == 0 else FollowUpStatus.EMPLOYED
        income = ctx.rng.randrange(4_500_000, 9_000_000, 100_000)
        if i % 20 == 0:  # unemployed at 3 months, employed at 6: the latest counts
            ups.append(_follow_up(p, 3, FollowUpStatus.UNEMPLOYED))
        ups.append(_follow_up(p, 6, status, income))
        if i % 55 == 0:  # a follow-up after the period end must be ignored
            ups.append(FollowUp(participation=p, date=AFTER_PERIOD, status=FollowUpStatus.UNEMPLOYED))
    for p in overridden:  # employed at 3 months, unemployed at 6: not employed
        ups += [_follow_up(p, 3, FollowUpStatus.EMPLOYED, 5_000_000), _follow_up(p, 6, FollowUpStatus.UNEMPLOYED)]
    ups += [_follow_up(p, 6, FollowUpStatus.STUDYING) for p in studying]
    bulk(FollowUp, ups, ctx.actor)


def _run_plan(ctx: SeedContext, plan: CoursePlan) -> list[Person]:
    people = _persons(ctx, plan.persons, plan.role, ctx.communes)
    dropped = _persons(ctx, max(2, plan.courses // 2), plan.role, ctx.communes)
    courses = _courses(ctx, plan, ctx.province, code_prefix="BRVT", ends=_end_dates(ctx, plan))
    rows = _participations(ctx, plan, courses, people, dropped)
    if plan.course_type == "intermediate":
        _intermediate_follow_ups(ctx, rows)
    return people


def _outside(ctx: SeedContext) -> None:
    """Courses that must not count: one ending after the period, one organised by another province."""
    late = CoursePlan("vocational", "Đào tạo nghề (khóa 2021)", 30, 0, 1, 2021, 2021)
    later = _courses(ctx, late, ctx.province, code_prefix="BRVT", ends=[AFTER_PERIOD])
    _participations(ctx, late, later, _persons(ctx, 30, PersonRole.WORKER, ctx.communes), [])
    other = CoursePlan("vocational", "Đào tạo nghề (tỉnh bạn)", 25, 0, 1, 2018, 2018)
    elsewhere = _courses(ctx, other, ctx.other_province, code_prefix="DNAI", ends=[dt.date(2018, 9, 20)])
    _participations(ctx, other, elsewhere, _persons(ctx, 25, PersonRole.WORKER, ctx.other_communes), [])


def seed_training(ctx: SeedContext) -> dict[str, list[Person]]:
    people = {plan.course_type: _run_plan(ctx, plan) for plan in PLANS}
    _outside(ctx)
    return people
