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


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Tên người được truy cập"), required=False, max_length=100)


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(request.GET or None)
    return form, AuditFilters(**form.cleaned_data) if form.is_valid() else AuditFilters()


def _require_auditor(request: HttpRequest) -> None:
    if not selectors.may_audit(request.user):  # type: ignore[arg-type]
        raise PermissionDenied


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form, filters = _filters(request)
    page = Paginator(selectors.personal_data_access(filters), 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"form": form, "page": page})


@login_required
def changes(request: HttpRequest, label: str = "establishments.establishment") -> HttpResponse:
    _require_auditor(request)
    models = selectors.tracked_models()
    if label not in models:
        raise Http404
    form, filters = _filters(request)
    page = Paginator(selectors.change_history(label, filters), 50).get_page(request.GET.get("page"))
    for row in page:  # history rows copy the record's fields; label them without touching relations
        row.label = next((getattr(row, f) for f in ("name", "title", "full_name", "code") if hasattr(row, f)), "")
    return render(request, "audit/changes.html", {
        "form": form, "page": page, "label": label,
        "models": [(key, model._meta.verbose_name_plural) for key, model in models.items()],
    })
