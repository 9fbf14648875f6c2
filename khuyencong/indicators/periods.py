"""Reporting periods: calendar years, and the year / half-year reporting periods with a cut-off day.

Official reports often close on a cut-off day rather than on 31 December (the year report runs from
the cut-off day of the previous December to the day before it this December). The day is a setting
(``KHUYENCONG_REPORT_CUTOFF_DAY``) because it differs between reporting regimes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError(_("Ngày bắt đầu (%(a)s) phải trước hoặc bằng ngày kết thúc (%(b)s).")
                             % {"a": self.date_from.strftime("%d/%m/%Y"), "b": self.date_to.strftime("%d/%m/%Y")})

    @property
    def label(self) -> str:
        return f"{self.date_from:%d/%m/%Y} – {self.date_to:%d/%m/%Y}"


def calendar_year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def reporting_year(year: int, cutoff_day: int | None = None) -> Period:
    """From the cut-off day of December of the previous year to the day before it this December."""
    day = cutoff_day or settings.REPORT_CUTOFF_DAY
    if day == 1:
        return calendar_year(year)
    return Period(dt.date(year - 1, 12, day), dt.date(year, 12, day - 1))


def reporting_half_year(year: int, half: int, cutoff_day: int | None = None) -> Period:
    day = cutoff_day or settings.REPORT_CUTOFF_DAY
    if half not in (1, 2):
        raise ValueError(_("Kỳ báo cáo 6 tháng phải là 1 hoặc 2."))
    if day == 1:
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else Period(
            dt.date(year, 7, 1), dt.date(year, 12, 31))
    if half == 1:
        return Period(dt.date(year - 1, 12, day), dt.date(year, 6, day - 1))
    return Period(dt.date(year, 6, day), dt.date(year, 12, day - 1))


def years_in(period: Period) -> list[int]:
    return list(range(period.date_from.year, period.date_to.year + 1))
