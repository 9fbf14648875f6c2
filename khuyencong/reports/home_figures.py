"""Key figures of the user's own area for the home page, from the one indicator engine."""

from __future__ import annotations

from typing import Any

from khuyencong.accounts.models import Role
from khuyencong.core.todo import Figure
from khuyencong.indicators.access import may_report
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import calendar_year

HOME_CODES = ["schemes.count", "schemes.support_vnd", "training.vocational.persons", "fairs.participations"]


def user_area_code(user: Any) -> str | None:
    """A commune officer's (first) commune; province-wide roles read the whole data set (None)."""
    if user.role == Role.COMMUNE_OFFICER:
        first = user.communes.order_by("code").first()
        return first.code if first else ""
    return None


def key_figures(user: Any, *, year: int) -> list[Figure] | None:
    if not may_report(user):
        return None
    code = user_area_code(user)
    if code == "":
        return None
    from khuyencong.reports.views import drill_url

    area = resolve_area(code, None)
    period = calendar_year(year)
    values = compute(period, area, HOME_CODES).values
    return [Figure(label=BY_CODE[c].label_vi, value=values[c] or 0, unit=BY_CODE[c].unit,
                   url=drill_url(c, period, area)) for c in HOME_CODES]
