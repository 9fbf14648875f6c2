"""Pages for the province's reference records: support norms, programmes and annual plans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core.errors import form_status, run_on_form
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import ExportColumn, col, export_links, export_list
from khuyencong.schemes import selectors, services
from khuyencong.schemes.forms_plans import NormCreateForm, NormEditForm, PlanForm, ProgrammeForm
from khuyencong.schemes.models import FundingSource
from khuyencong.schemes.policy import may_drive, may_edit_norms, may_view
from khuyencong.schemes.views import PAGE_SIZE, _user


def norm_columns() -> list[ExportColumn]:
    return [
        col(_("Mã loại hoạt động"), "activity_type_code"), col(_("Loại hoạt động"), "activity_label"),
        col(_("Nguồn kinh phí"), "get_funding_source_display"), col(_("Loại hình cơ sở"), "get_legal_form_display"),
        col(_("Tỷ lệ tối đa (%)"), "max_percent"), col(_("Mức tối đa (đồng)"), "cap_vnd"),
        col(_("Mức tối đa tính cho mỗi cơ sở"), "cap_per_establishment"), col(_("Hiệu lực từ"), "valid_from"),
        col(_("Hiệu lực đến"), "valid_to"), col(_("Căn cứ pháp lý"), "legal_basis"), col(_("Ghi chú"), "note"),
    ]


@login_required
@require_GET
def norm_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Norms with validity and legal basis; filters by activity type, funding source and a date."""
    user = _user(request)
    if not may_view(user):
        raise PermissionDenied
    form = NormCreateForm()  # only for its activity-type choices
    params = request.GET
    source = params.get("funding_source", "")
    items = selectors.norms_for(user, activity_code=params.get("activity_type", ""),
                                funding_source=source if source in FundingSource.values else "")
    if response := export_list(request, items, norm_columns(), filename="dinh-muc-ho-tro",
                               sheet_name=_("Định mức hỗ trợ")):
        return response
    page = Paginator(items, PAGE_SIZE).get_page(params.get("page"))
    return render(request, "schemes/norms.html", {
        "page": page, "activity_choices": form.fields["activity_type_code"].choices,  # type: ignore[attr-defined]
        "source_choices": FundingSource.choices, "params": params, "can_edit": may_edit_norms(user),
        "export": export_links(request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def norm_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_edit_norms(user):
        raise PermissionDenied
    form = NormCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_on_form(
            form, lambda: services.support_norm_create(actor=user, data=form.service_data())):
        messages.success(request, _("Đã thêm định mức hỗ trợ."))
        return redirect("schemes:norms")
    return render(request, "schemes/record_form.html", {
        "form": form, "title": _("Thêm định mức hỗ trợ"), "back": "schemes:norms"}, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def norm_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit = a new version from a date (default) or a correction in place; never a silent overwrite."""
    user = _user(request)
    norm = selectors.norm_get(user, pk)
    if not may_edit_norms(user):
        raise PermissionDenied
    initial = {k: getattr(norm, k) for k in (*NormEditForm.RULE, "valid_from")}
    form = NormEditForm(request.POST or None, initial={**initial, "version": norm.version})

    def save() -> Any:
        data, version = form.rule_data(), form.cleaned_data["version"]
        if form.cleaned_data["mode"] == NormEditForm.CORRECT:
            return services.support_norm_update(actor=user, norm=norm, expected_version=version,
                                                data={**data, "valid_from": form.cleaned_data["valid_from"]})
        return services.support_norm_revise(actor=user, norm=norm, data=data, expected_version=version,
                                            effective_from=form.cleaned_data["valid_from"])

    if request.method == "POST" and form.is_valid() and run_on_form(form, save):
        messages.success(request, _("Đã lưu định mức hỗ trợ."))
        return redirect("schemes:norms")
    norm = selectors.norm_get(user, pk)  # a refused save may have changed the instance in memory
    return render(request, "schemes/record_form.html", {
        "form": form, "title": _("Sửa định mức hỗ trợ"), "subtitle": f"{norm.activity_label} · "  # type: ignore[attr-defined]
        f"{norm.get_funding_source_display()} · {norm.get_legal_form_display()}", "back": "schemes:norms",
        "versions": selectors.norm_versions(norm)}, status=form_status(request))


def _record_page(request: HttpRequest, form: Any, call: Any, title: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and run_on_form(form, call):
        messages.success(request, _("Đã lưu."))
        return redirect("schemes:plans")
    return render(request, "schemes/record_form.html", {"form": form, "title": title, "back": "schemes:plans"},
                  status=form_status(request))


def _driver(request: HttpRequest) -> Any:
    if not may_drive(_user(request)):
        raise PermissionDenied
    return _user(request)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = _driver(request)
    form = ProgrammeForm(request.POST or None)
    return _record_page(request, form, lambda: services.programme_create(actor=user, data=form.service_data()),
                        _("Thêm chương trình khuyến công"))


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(_user(request), pk)
    user = _driver(request)
    form = ProgrammeForm(request.POST or None, instance=programme)
    return _record_page(request, form, lambda: services.programme_update(
        actor=user, programme=programme, data=form.service_data(), expected_version=form.cleaned_data["version"]),
        _("Sửa chương trình khuyến công"))


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = _driver(request)
    form = PlanForm(request.POST or None)
    return _record_page(request, form, lambda: services.plan_create(actor=user, data=form.service_data()),
                        _("Thêm kế hoạch khuyến công năm"))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(_user(request), pk)
    user = _driver(request)
    form = PlanForm(request.POST or None, instance=plan)
    return _record_page(request, form, lambda: services.plan_update(
        actor=user, plan=plan, data=form.service_data(), expected_version=form.cleaned_data["version"]),
        _("Sửa kế hoạch khuyến công năm"))
