"""Period report page, its downloads, and the dashboard — all figures from the indicator engine."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Role
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.indicators.access import require_report_access
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.engine import Figures, ReportRequestError, compute, resolve_area
from khuyencong.indicators.periods import Period, calendar_year
from khuyencong.reports import exports
from khuyencong.reports.forms import ReportForm
from khuyencong.reports.tables import all_tables

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
DASHBOARD_CODES = ["training.vocational.persons", "training.intermediate.persons", "machinery.establishments",
                   "demo_models.count", "fairs.participations", "schemes.count", "schemes.support_vnd"]


def _figures(request: HttpRequest, form: ReportForm) -> Figures | None:
    """Compute the requested figures, or put the reason on the form and return None."""
    data = form.cleaned_data
    area_code = data["area"] or _default_area(request)
    try:
        area = resolve_area(area_code, data["boundary_date"])
        require_report_access(request.user, area)  # type: ignore[arg-type]
        return compute(Period(data["date_from"], data["date_to"]), area)
    except ReportRequestError as exc:
        form.add_error("area" if exc.field == "area" else "boundary_date", str(exc))
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    return None


def _default_area(request: HttpRequest) -> str | None:
    """Commune officers default to their (first) commune; province staff to the whole data set."""
    user = request.user
    if getattr(user, "role", "") == Role.COMMUNE_OFFICER:
        first = user.communes.order_by("code").first()  # type: ignore[union-attr]
        return first.code if first else None
    return None


@login_required
def period_report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    figures = _figures(request, form) if request.GET and form.is_valid() else None
    if figures is not None and request.GET.get("format") in CONTENT_TYPES:
        fmt = request.GET["format"]
        response = HttpResponse(exports.render(figures, fmt), content_type=CONTENT_TYPES[fmt])
        name = f"bao-cao-khuyen-cong-{figures.period.date_from:%Y%m%d}-{figures.period.date_to:%Y%m%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {"form": form, "figures": figures, "query": request.GET.urlencode()}
    if figures is not None:
        head = exports.Letterhead.from_settings()
        context["document"] = exports.render_html(figures, all_tables(figures), head, for_print=False)
    status = 400 if request.GET and figures is None else 200
    return render(request, "reports/period_report.html", context, status=status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Key indicators of the user's area, year by year (last six calendar years)."""
    from django.utils import timezone

    area_code = _default_area(request)
    try:
        area = resolve_area(area_code, None)
        require_report_access(request.user, area)  # type: ignore[arg-type]
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    this_year = timezone.localdate().year
    years = list(range(this_year - 5, this_year + 1))
    per_year = {y: compute(calendar_year(y), area, DASHBOARD_CODES).values for y in years}
    rows = []
    for code in DASHBOARD_CODES:
        values = [per_year[y][code] or 0 for y in years]
        peak = max(values) or 1
        rows.append({"code": code, "label": BY_CODE[code].label_vi, "unit": BY_CODE[code].unit,
                     "cells": [{"year": y, "value": v, "bar": round(100 * v / peak)} for y, v in zip(years, values,
                                                                                                strict=True)]})
    return render(request, "reports/dashboard.html", {"rows": rows, "years": years, "area": area,
                                                      "title": _("Bảng điều khiển chỉ tiêu")})
