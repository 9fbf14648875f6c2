"""Pages of issued reports: the issue form, the list, one report (figures, files, signature, drift)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.errors import PermissionDeniedError, run_on_form
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.reports import issuing
from khuyencong.reports.forms import IssueForm, SignedUploadForm
from khuyencong.reports.models import IssuedReport
from khuyencong.reports.numbers import integer

FILES = {"pdf": ("pdf", "application/pdf", "pdf"),
         "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
         "signed": ("signed_pdf", "application/pdf", "pdf")}
FORM_FIELDS = {"number": "number", "issued_on": "issued_on", "signer_name": "signer_name",
               "signer_title": "signer_title", "date_from": "date_from", "date_to": "date_to", "area_code": "area",
               "boundary_date": "boundary_date"}


def _initial(request: HttpRequest) -> dict[str, Any]:
    from django.conf import settings

    initial: dict[str, Any] = {k: v for k, v in request.GET.items() if k in {"date_from", "date_to", "area",
                                                                           "boundary_date"}}
    # Links carry ISO dates (the home's reports to issue) or dd/mm/yyyy (the report page): as dates, the
    # inputs show them dd/mm/yyyy; a value no format reads stays as typed, for the form to refuse.
    for key in ("date_from", "date_to", "boundary_date"):
        if key in initial:
            try:
                initial[key] = IssueForm.base_fields[key].to_python(initial[key])
            except ValidationError:
                pass
    initial.update({"issued_on": timezone.localdate(), "signer_title": settings.REPORT_SIGNER_TITLE,
                    "signer_name": settings.REPORT_SIGNER_NAME})
    return initial


@login_required
def issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not issuing.may_issue(request.user):
        raise PermissionDenied(_("Bạn không có quyền ban hành báo cáo."))
    form = IssueForm(request.POST or None, initial=_initial(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            report = run_on_form(form, lambda: issuing.issued_report_issue(
                actor=request.user, number=data["number"], issued_on=data["issued_on"],
                signer_name=data["signer_name"], signer_title=data["signer_title"], date_from=data["date_from"],
                date_to=data["date_to"], area_code=data["area"] or "", boundary_date=data["boundary_date"]),
                rename=FORM_FIELDS.get)
            if report is not None:
                messages.success(request, _("Đã ban hành báo cáo số %(number)s.") % {"number": report.number})
                return redirect("reports:issued-detail", pk=report.pk)
    return render(request, "reports/issue_form.html", {"form": form}, status=status)


@login_required
def issued_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not issuing.may_read(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem báo cáo đã ban hành."))
    page = Paginator(issuing.visible_issued_reports(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "reports/issued_list.html", {"page": page, "may_issue": issuing.may_issue(request.user)})


@login_required
def issued_detail(request: AuthenticatedHttpRequest, pk: int, *, upload_form: SignedUploadForm | None = None,
                  status: int = 200) -> HttpResponse:
    report = issuing.issued_report_get(request.user, pk)
    return render(request, "reports/issued_detail.html", {
        "report": report, "figures": _issued_rows(report), "drift": _drift_rows(report),
        "may_sign": issuing.may_sign(request.user, report), "upload_form": upload_form or SignedUploadForm(),
    }, status=status)


def _issued_rows(report: IssuedReport) -> list[dict[str, Any]]:
    return [{"code": code, "label": BY_CODE[code].label_vi if code in BY_CODE else code,
             "unit": BY_CODE[code].unit if code in BY_CODE else "", "value": integer(value)}
            for code, value in report.figures.get("indicators", {}).items()]


def _drift_rows(report: IssuedReport) -> list[dict[str, Any]] | None:
    lines = issuing.drift(report)
    if lines is None:
        return None
    return [{"label": d.label, "unit": d.unit, "issued": integer(d.issued), "today": integer(d.today)}
            for d in lines]


@login_required
def issued_file(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    from django.http import Http404

    if kind not in FILES:
        raise Http404(_("Không có loại tệp này."))
    report = issuing.issued_report_get(request.user, pk, with_documents=True)
    field, content_type, ext = FILES[kind]
    content = getattr(report, field)
    if not content:
        raise Http404(_("Báo cáo này chưa có bản ký số."))
    response = HttpResponse(bytes(content), content_type=content_type)
    suffix = "-da-ky-so" if kind == "signed" else ""
    name = f"bao-cao-{report.number.replace('/', '-')}-{report.year}{suffix}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = issuing.issued_report_get(request.user, pk, with_documents=True)
    try:
        issuing.issued_report_sign(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return issued_detail(request, pk, status=400)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("Đã ký số báo cáo bằng chứng thư số của cơ quan."))
    return redirect("reports:issued-detail", pk=pk)


@require_POST
@login_required
def upload_signed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = issuing.issued_report_get(request.user, pk, with_documents=True)
    form = SignedUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return issued_detail(request, pk, upload_form=form, status=400)
    try:
        issuing.issued_report_attach_signed(actor=request.user, report=report,
                                            content=form.cleaned_data["signed_pdf"].read())
    except ValidationError as exc:
        form.add_error("signed_pdf", exc.messages)
        return issued_detail(request, pk, upload_form=form, status=400)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("Đã nhận bản PDF ký số: chữ ký hợp lệ và đúng văn bản đã ban hành."))
    return redirect("reports:issued-detail", pk=pk)
