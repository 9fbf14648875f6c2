"""Calendar helpers: follow-up milestones fall on the same day of the month, N months after a course."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day when needed."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
