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

Every figure is one SQL aggregate over the records; nothing is typed in. The apps holding the targets
give their lines (``register_plan``, from their ``indicators`` module): the engine knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from khuyencong.core.db_router import reporting_reads
from khuyencong.geo.models import UnitLevel
from khuyencong.indicators.engine import Area
from khuyencong.indicators.periods import Period


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


PlanLines = Callable[[Period, "set[int] | None"], list[Any]]
_PLANS: dict[str, PlanLines] = {}


def register_plan(part: str, lines: PlanLines) -> None:
    """The app holding a kind of target gives its lines (``part``: ``budget`` or ``training``)."""
    if part not in ("budget", "training"):
        raise ValueError(f"no plan part {part!r}")
    known = _PLANS.get(part)
    if known is not None and known is not lines:
        raise ValueError(f"plan part {part!r} is already registered")
    _PLANS[part] = lines


def plan_vs_actual(period: Period, area: Area) -> PlanVsActual:
    ids = set(area.unit_ids) if area.unit_ids is not None else None
    with reporting_reads():
        parts = {part: lines(period, ids) for part, lines in _PLANS.items()}
    return PlanVsActual(parts.get("budget", []), parts.get("training", []),
                        rates_apply=area.unit is None or area.unit.level == UnitLevel.PROVINCE)
