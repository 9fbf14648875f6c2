"""The one indicator engine behind the report, the dashboard, the API and the CLI.

A request names a period, an area (a unit code, current or historical) and the boundary date on
whose map the area is drawn; the engine turns the area into the set of unit ids inside it (through
the crosswalk) and computes each catalogue indicator from its registered source, all in SQL: a figure
is the indicator's breakdown with no dimension (``breakdowns``), indicators over the same rows
computed together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.db_router import reporting_reads
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import UnitNotFound, unit_by_code, unit_ids_within
from khuyencong.indicators.catalogue import BY_CODE, CATALOGUE
from khuyencong.indicators.periods import Period


class ReportRequestError(ValueError):
    """A request the engine cannot answer; ``field`` names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Area:
    unit: AdministrativeUnit | None
    boundary_date: dt.date
    unit_ids: frozenset[int] | None  # None: no area limit

    @property
    def label(self) -> str:
        return self.unit.name if self.unit else str(_("Toàn bộ dữ liệu"))


@dataclass
class Figures:
    period: Period
    area: Area
    values: dict[str, int | None] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        unit = self.area.unit
        return {
            "from": self.period.date_from.isoformat(),
            "to": self.period.date_to.isoformat(),
            "area": {"code": unit.code, "name": unit.name, "level": unit.level} if unit else None,
            "boundary_date": self.area.boundary_date.isoformat(),
            "indicators": self.values,
        }


def resolve_area(code: str | None, boundary_date: dt.date | None) -> Area:
    """The area drawn on ``boundary_date`` (default: today, or the area's last day if it no longer exists)."""
    if not code:
        return Area(None, boundary_date or timezone.localdate(), None)
    day = boundary_date or timezone.localdate()
    if boundary_date is None and not AdministrativeUnit.objects.filter(code=code, valid_to__isnull=True).exists():
        last = AdministrativeUnit.objects.filter(code=code).order_by("-valid_to").first()
        if last is not None and last.valid_to is not None:
            day = last.valid_to
    try:
        unit = unit_by_code(code, on=day)
    except UnitNotFound as exc:
        versions = list(AdministrativeUnit.objects.filter(code=code).order_by("valid_from"))
        if not versions:
            raise ReportRequestError("area", str(exc)) from None
        spans = "; ".join(f"{v.name}: {_span(v)}" for v in versions)
        raise ReportRequestError("boundary_date", _(
            "Đơn vị mã %(code)s không tồn tại vào ngày ranh giới %(day)s (%(spans)s).")
            % {"code": code, "day": day.strftime("%d/%m/%Y"), "spans": spans}) from None
    return Area(unit, day, frozenset(unit_ids_within(unit, on=day)))


def _span(unit: AdministrativeUnit) -> str:
    start = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
    end = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else _("nay")
    return f"{start} – {end}"


def parse_codes(codes: list[str] | None) -> list[str]:
    if not codes:
        return [indicator.code for indicator in CATALOGUE]
    unknown = [c for c in codes if c not in BY_CODE]
    if unknown:
        raise ReportRequestError("codes", _("Không có chỉ tiêu mã: %(codes)s.") % {"codes": ", ".join(unknown)})
    return codes


def compute(period: Period, area: Area, codes: list[str] | None = None) -> Figures:
    """Every requested indicator for the period and area (reporting reads may use a replica)."""
    from khuyencong.indicators.breakdowns import breakdown_many, empty_value  # they build on this module

    figures = Figures(period, area)
    wanted = parse_codes(codes)
    with reporting_reads():
        totals = breakdown_many(wanted, period, area, [])
    for code in wanted:
        figures.values[code] = totals[code].get("", empty_value(code))
    return figures
