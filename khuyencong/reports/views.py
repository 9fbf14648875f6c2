"""Period report page, its downloads, and the dashboard — all figures from the indicator engine."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from khuyencong.accounts.models import Role
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.core.forms import group_thousands
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.indicators.access import require_report_access
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.drilldown import drill_rows_for
from khuyencong.indicators.engine import Area, Figures, ReportRequestError, compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.reports import exports
from khuyencong.reports.definitions import definition_vi
from khuyencong.reports.forms import DrillForm, ReportForm, period_presets
from khuyencong.reports.issuing import may_issue
from khuyencong.reports.tables import all_tables, report_of
from khuyencong.training.masking import mask_national_id

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _figures(request: AuthenticatedHttpRequest, form: ReportForm) -> tuple[Figures | None, int]:
    """Compute the requested figures, or put the reason on the form: (None, 400 or 403)."""
    data = form.cleaned_data
    area_code = data["area"] or _default_area(request)
    try:
        area = resolve_area(area_code, data["boundary_date"])
        require_report_access(request.user, area)
        return compute(Period(data["date_from"], data["date_to"]), area), 200
    except ReportRequestError as exc:
        form.add_error("area" if exc.field == "area" else "boundary_date", str(exc))
        return None, 400
    except PermissionDeniedError as exc:  # shown on the form, so the officer reads why (and gets no file)
        form.add_error("area", str(exc))
        return None, 403


def _default_area(request: AuthenticatedHttpRequest) -> str | None:
    """Commune officers default to their (first) commune; province staff to the whole data set."""
    user = request.user
    if getattr(user, "role", "") == Role.COMMUNE_OFFICER:
        first = user.communes.order_by("code").first()
        return first.code if first else None
    return None


def _preset_links(request: HttpRequest) -> list[dict[str, str]]:
    """One link per common period, keeping the chosen area and boundary date (works without JavaScript)."""
    from django.utils import timezone

    keep = {key: request.GET[key] for key in ("area", "boundary_date") if request.GET.get(key)}
    return [{"label": label, "url": "?" + urlencode({"date_from": start.isoformat(), "date_to": end.isoformat(),
                                                      **keep})}
            for label, start, end in period_presets(timezone.localdate())]


@login_required
@require_check("reports.view")
def period_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None, default_area=_default_area(request))
    figures, status = _figures(request, form) if request.GET and form.is_valid() else (None, 200)
    if figures is not None and request.GET.get("format") in CONTENT_TYPES:
        fmt = request.GET["format"]
        response = HttpResponse(exports.render(figures, fmt), content_type=CONTENT_TYPES[fmt])
        name = f"bao-cao-khuyen-cong-{figures.period.date_from:%Y%m%d}-{figures.period.date_to:%Y%m%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context: dict[str, Any] = {"form": form, "figures": figures, "query": request.GET.urlencode(),
                               "may_issue": may_issue(request.user), "presets": _preset_links(request)}
    if figures is not None:
        head, report = exports.Letterhead.from_settings(), report_of(figures)
        context["document"] = exports.render_html(figures, all_tables(report), head, for_print=False,
                                                  plan=report.plan)
        context["drill_links"] = [
            {"label": BY_CODE[code].label_vi, "unit": BY_CODE[code].unit, "value": value,
             "url": drill_url(code, figures.period, figures.area)} for code, value in figures.values.items()]
    if request.GET and figures is None and status == 200:
        status = 400  # the form holds the reason
    return render(request, "reports/period_report.html", context, status=status)


DEFAULT_DASHBOARD_PERIOD = {"date_from": "2014-01-01", "date_to": "2020-12-31"}  # the seeded programme years


@login_required
@require_check("reports.view")
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Trends by year, sector and area for the chosen period and area; each chart downloadable, bars drilled.

    The page itself carries the numbers (tables with drill links); each chart's picture is its own
    request (``?…&chart=year&format=svg``), so the page is not held up by matplotlib.
    """
    from khuyencong.reports import dashboard as board

    asked = {key: value for key, value in request.GET.items() if key not in ("chart", "format")}
    form = ReportForm(asked or DEFAULT_DASHBOARD_PERIOD, default_area=_default_area(request))
    figures, status = _figures(request, form) if form.is_valid() else (None, 400)
    if status == 403:
        raise PermissionDenied(form.errors["area"][0])
    if figures is None:
        return render(request, "reports/dashboard.html", {
            "form": form, "presets": _preset_links(request), "title": _("Bảng điều khiển chỉ tiêu")}, status=400)
    if "chart" in request.GET:
        return _chart_download(request, figures)
    data = form.cleaned_data
    query = urlencode({"date_from": data["date_from"].isoformat(), "date_to": data["date_to"].isoformat(),
                       "area": data["area"] or "",
                       "boundary_date": data["boundary_date"].isoformat() if data["boundary_date"] else ""})
    # Shown again from the cleaned values, so the dates read dd/mm/yyyy even when a link gave ISO dates.
    shown = ReportForm(initial=data, default_area=data["area"] or _default_area(request))
    return render(request, "reports/dashboard.html", {
        "form": shown, "figures": figures, "charts": board.build(figures), "presets": _preset_links(request),
        "query": query, "title": _("Bảng điều khiển chỉ tiêu")})


def _chart_download(request: HttpRequest, figures: Figures) -> HttpResponse:
    """One chart as an SVG picture, or its data as CSV or XLSX (category, one column per indicator, total)."""
    from khuyencong.core.streaming import FORMATS, ExportColumn, bad_format_message, export_table
    from khuyencong.reports import dashboard as board

    key, fmt = request.GET.get("chart", ""), (request.GET.get("format") or "xlsx").strip().lower()
    if key not in board.BUILDERS:
        return HttpResponseBadRequest(_("Không có biểu đồ “%(key)s”; chọn chart=year, sector hoặc area.")
                                      % {"key": key[:20]}, content_type="text/plain; charset=utf-8")
    if fmt not in (*FORMATS, "svg"):
        return HttpResponseBadRequest(bad_format_message(fmt), content_type="text/plain; charset=utf-8")
    chart = board.BUILDERS[key](figures)
    if fmt == "svg":
        response = HttpResponse(board.svg(chart), content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "private, max-age=300"
        return response
    first = {board.YEAR: _("Năm"), board.SECTOR: _("Nhóm ngành"), board.AREA: _("Địa bàn")}[key]
    headers = [first, *[f"{label} ({unit})" for label, unit in zip(chart.headers, chart.units, strict=True)]]
    columns = [ExportColumn(header, _cell(index)) for index, header in enumerate(headers)]
    name = f"bang-dieu-khien-{key}-{figures.period.date_from:%Y%m%d}-{figures.period.date_to:%Y%m%d}"
    return export_table(fmt, filename=name, sheet_name=chart.title[:31], columns=columns,
                        items=board.data_rows(chart))


def _cell(index: int) -> Any:
    return lambda row: row[index]


def drill_url(code: str, period: Period, area: Area) -> str:
    params = {"from": period.date_from.isoformat(), "to": period.date_to.isoformat(),
              "area": area.unit.code if area.unit else "", "boundary_date": area.boundary_date.isoformat()}
    return f"{reverse('reports:drilldown', args=[code])}?{urlencode(params)}"


@login_required
def drilldown(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The records behind one figure, area-scoped like the report, personal data masked."""
    if code not in BY_CODE:
        raise Http404(_("Không có chỉ tiêu mã này."))
    form = DrillForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/drilldown.html", {"form": form, "indicator": BY_CODE[code]}, status=400)
    data = form.cleaned_data
    try:
        area = resolve_area(data["area"] or _default_area(request), data["boundary_date"])
        require_report_access(request.user, area)
    except ReportRequestError as exc:
        form.add_error(None, str(exc))
        return render(request, "reports/drilldown.html", {"form": form, "indicator": BY_CODE[code]}, status=400)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    period = Period(data["from"], data["to"])
    # The figure is shown to every role that may ask for it; the rows behind it follow the records'
    # own read policy (a council member sees how many trainees, not who they are).
    drill, items = drill_rows_for(request.user, code, period, area)
    page = Paginator(items, 25).get_page(request.GET.get("page")) if items is not None else None
    rows = [_drill_row(drill.kind, item) for item in page] if page is not None else []
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/drilldown.html", {
        "form": form, "indicator": BY_CODE[code], "kind": drill.kind, "page": page, "rows": rows, "area": area,
        "rows_withheld": items is None,
        "period": period, "figure": compute(period, area, [code]).values[code], "query": query.urlencode(),
        "headers": DRILL_HEADERS[drill.kind], "definition": definition_vi(BY_CODE[code]),
    })


DRILL_HEADERS = {
    "persons": [_l("Họ và tên"), _l("Số định danh"), _l("Năm sinh"), _l("Giới tính"), _l("Xã/phường cư trú")],
    "establishments": [_l("Cơ sở"), _l("Nhóm ngành"), _l("Xã/phường")],
    "products": [_l("Sản phẩm"), _l("Nhóm sản phẩm"), _l("Cơ sở"), _l("Xã/phường")],
    "schemes": [_l("Mã đề án"), _l("Tên đề án"), _l("Loại hoạt động"), _l("Nghiệm thu"), _l("Kinh phí hỗ trợ (đồng)")],
    "fair_participations": [_l("Hội chợ"), _l("Khai mạc"), _l("Cơ sở"), _l("Xã/phường")],
    "cooperation_participations": [_l("Hoạt động"), _l("Bắt đầu"), _l("Cán bộ"), _l("Số định danh")],
}


def _drill_row(kind: str, item: Any) -> list[Any]:
    """One line of the list; ID numbers masked as in the training app (Decree 356/2025)."""
    if kind == "persons":
        return [item.full_name, mask_national_id(item.national_id), item.birth_year or "—",
                item.get_gender_display(), item.commune.name]
    if kind == "establishments":
        return [item.name, item.get_sector_group_display(), item.commune.name]
    if kind == "products":
        return [item.name, item.group.label, item.establishment.name, item.establishment.commune.name]
    if kind == "schemes":
        return [item.code, item.title, item.activity_type.label, item.acceptance_date,
                group_thousands(item.public_support)]
    if kind == "fair_participations":
        return [item.fair.name, item.fair.start_date, item.establishment.name, item.establishment.commune.name]
    return [item.activity.title, item.activity.start_date, item.person.full_name,
            mask_national_id(item.person.national_id)]
