"""One computed report: the figures, the breakdowns a report shows and the plan beside the actual, asked
of the engine in one call (the report renders it; it asks nothing more of the engine)."""

from __future__ import annotations

from dataclasses import dataclass, field

from khuyencong.indicators.breakdowns import Breakdown, compute_breakdown
from khuyencong.indicators.engine import Area, Figures, compute
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.indicators.targets import PlanVsActual, plan_vs_actual


@dataclass(frozen=True)
class Wanted:
    """A breakdown the report shows: its dimensions and its indicators."""

    dimensions: tuple[Dimension, ...]
    codes: tuple[str, ...]


@dataclass
class Report:
    figures: Figures
    plan: PlanVsActual
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)

    @property
    def period(self) -> Period:
        return self.figures.period

    @property
    def area(self) -> Area:
        return self.figures.area


def compute_report(period: Period, area: Area, wanted: dict[str, Wanted], *, figures: Figures | None = None,
                   plan: PlanVsActual | None = None) -> Report:
    """Every part of a report for the period and area; parts already computed (``figures``, ``plan``) are
    taken as they are."""
    figures = figures if figures is not None else compute(period, area)
    plan = plan if plan is not None else plan_vs_actual(period, area)
    return Report(figures, plan, {name: compute_breakdown(period, area, list(w.dimensions), list(w.codes))
                                  for name, w in wanted.items()})
