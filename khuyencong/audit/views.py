"""Pages for the auditor role: who changed what, and who saw whose personal data."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from khuyencong.audit import selectors
from khuyencong.audit.selectors import AuditFilters
from khuyencong.core.forms import VNDateInput
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import ExportColumn, col, export_links, export_list, filter_status, unless_bad_filters

_ACTIONS = {"+": _("Tạo mới"), "-": _("Xóa"), "~": _("Sửa")}


def _record_label(row: object) -> str:
    # History rows copy the record's fields; label them without touching relations.
    return next((getattr(row, f) for f in ("name", "title", "full_name", "code") if hasattr(row, f)), "")


def access_columns() -> list[ExportColumn]:
    return [
        col(_("Thời điểm"), "at"), col(_("Người truy cập"), "actor.username"),
        col(_("Học viên"), _accessed), col(_("Số người"), "count"), col(_("Nội dung"), "get_kind_display"),
    ]


def _accessed(row: object) -> str:
    """One person's name, or what a disclosure of many persons at once was (an export, an import file)."""
    person = getattr(row, "person", None)
    return person.full_name if person is not None else getattr(row, "subject", "")


def change_columns() -> list[ExportColumn]:
    return [
        col(_("Thời điểm"), "history_date"), col(_("Người thực hiện"), "history_user.username"),
        col(_("Thao tác"), lambda row: _ACTIONS.get(row.history_type, row.history_type)),
        col(_("Mã bản ghi"), "id"), col(_("Bản ghi"), _record_label),
    ]


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=VNDateInput())
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=VNDateInput())
    text = forms.CharField(label=_("Tên người được truy cập"), required=False, max_length=100)


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(request.GET or None)
    return form, AuditFilters(**form.cleaned_data) if form.is_valid() else AuditFilters()


def _require_auditor(request: AuthenticatedHttpRequest) -> None:
    if not selectors.may_audit(request.user):
        raise PermissionDenied


@login_required
@require_check("audit.view")
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_auditor(request)
    form, filters = _filters(request)
    rows = selectors.personal_data_access(filters)
    if response := export_list(request, rows, access_columns(), filename="nhat-ky-truy-cap-du-lieu-ca-nhan",
                               sheet_name=str(_("Truy cập dữ liệu cá nhân")), filters=form):
        return response
    page = Paginator(unless_bad_filters(rows, form), 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"form": form, "page": page, "export": export_links(request)},
                  status=filter_status(form))


@login_required
def changes(request: AuthenticatedHttpRequest, label: str = "establishments.establishment") -> HttpResponse:
    _require_auditor(request)
    models = selectors.tracked_models()
    if label not in models:
        raise Http404
    form, filters = _filters(request)
    rows = selectors.change_history(label, filters)
    if response := export_list(request, rows, change_columns(), filename=f"lich-su-thay-doi-{label.replace('.', '-')}",
                               sheet_name=str(_("Lịch sử thay đổi")), filters=form):
        return response
    page = Paginator(unless_bad_filters(rows, form), 50).get_page(request.GET.get("page"))
    for row in page:
        row.label = _record_label(row)
    return render(request, "audit/changes.html", {
        "form": form, "page": page, "label": label, "export": export_links(request),
        "models": [(key, model._meta.verbose_name_plural) for key, model in models.items()],
    }, status=filter_status(form))
