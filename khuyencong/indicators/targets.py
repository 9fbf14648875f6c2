"""Plan versus actual: where the records hold targets, set them beside what was achieved.

Two kinds of targets exist in the records:

* **annual plans** (``schemes.AnnualPlan``): the approved budget of one funding source for one year.
  The actual side is the schemes *of that plan* counted by the engine (accepted in the period, in the
  area, never cancelled): their public support and their disbursements. Plans of the years the period
  touches are listed; a plan is a province document with no area of its own, so for an area smaller
  than a province the rate (actual / plan) is not given.
* **planned participants** of courses (``training.Course.planned_participants``): beside the completed
  participations (lượt) of the same courses — courses ending in the period, organised in the area —
  per course type.

Every figure is one SQL aggregate over the records; nothing is typed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from khuyencong.core.db_router import reporting_reads
from khuyencong.geo.models import UnitLevel
from khuyencong.indicators.engine import Area
from khuyencong.indicators.periods import Period, years_in


@dataclass(frozen=True)
class BudgetLine:
    year: int
    funding_source: str
    planned_vnd: int
    schemes: int
    support_vnd: int
    disbursed_vnd: int

    @property
    def rate(self) -> float | None:
        """Accepted support as a share of the plan, in per cent (one decimal)."""
        return round(100 * self.support_vnd / self.planned_vnd, 1) if self.planned_vnd else None


@dataclass(frozen=True)
class TrainingLine:
    course_type: str
    label: str
    courses: int
    planned_participants: int
    completed_participations: int

    @property
    def rate(self) -> float | None:
        if not self.planned_participants:
            return None
        return round(100 * self.completed_participations / self.planned_participants, 1)


@dataclass
class PlanVsActual:
    budget: list[BudgetLine] = field(default_factory=list)
    training: list[TrainingLine] = field(default_factory=list)
    rates_apply: bool = True  # False for areas smaller than a province (the plans are provincial)

    def budget_total(self) -> BudgetLine | None:
        if not self.budget:
            return None
        return BudgetLine(0, "", sum(b.planned_vnd for b in self.budget), sum(b.schemes for b in self.budget),
                          sum(b.support_vnd for b in self.budget), sum(b.disbursed_vnd for b in self.budget))

    def as_json(self) -> dict[str, Any]:
        rate = (lambda line: line.rate) if self.rates_apply else (lambda line: None)
        return {
            "budget": [{"year": b.year, "funding_source": b.funding_source, "planned_vnd": b.planned_vnd,
                        "schemes": b.schemes, "support_vnd": b.support_vnd, "disbursed_vnd": b.disbursed_vnd,
                        "rate_percent": rate(b)} for b in self.budget],
            "training": [{"course_type": t.course_type, "courses": t.courses,
                          "planned_participants": t.planned_participants,
                          "completed_participations": t.completed_participations, "rate_percent": t.rate}
                         for t in self.training],
        }


def plan_vs_actual(period: Period, area: Area) -> PlanVsActual:
    ids = set(area.unit_ids) if area.unit_ids is not None else None
    with reporting_reads():
        return PlanVsActual(_budget(period, ids), _training(period, ids),
                            rates_apply=area.unit is None or area.unit.level == UnitLevel.PROVINCE)


def _budget(period: Period, ids: set[int] | None) -> list[BudgetLine]:
    """Plans of the period's years (summed over programmes) and their counted schemes: two GROUP BY queries."""
    from khuyencong.schemes import counting
    from khuyencong.schemes.models import AnnualPlan

    years = years_in(period)
    planned = {(row["year"], row["funding_source"]): int(row["total"]) for row in (
        AnnualPlan.objects.filter(year__in=years).order_by().values("year", "funding_source")
        .annotate(total=Sum("approved_total")))}
    if not planned:
        return []
    counted = (counting.accepted_schemes(period.date_from, period.date_to, ids)
               .filter(plan__year__in=years).annotate(scheme_disbursed=counting._disbursed()))
    grouped = counted.values("plan__year", "plan__funding_source").annotate(
        n=Count("pk"), support=Coalesce(Sum("public_support"), 0),
        disbursed=Coalesce(Sum("scheme_disbursed"), 0)).order_by()
    actual: dict[tuple[int, str], dict[str, Any]] = {
        (row["plan__year"], row["plan__funding_source"]): dict(row) for row in grouped}
    lines = []
    for (year, source), total in sorted(planned.items()):
        done = actual.get((year, source), {})
        lines.append(BudgetLine(year, source, total, int(done.get("n", 0)), int(done.get("support", 0)),
                                int(done.get("disbursed", 0))))
    return lines


def _training(period: Period, ids: set[int] | None) -> list[TrainingLine]:
    """Courses ending in the period, organised in the area, per type: planned places vs completed lượt."""
    from khuyencong.training.models import Course, CourseType, Participation, ParticipationStatus

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
