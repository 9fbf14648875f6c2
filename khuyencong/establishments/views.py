"""Registry pages: list with search and filters, detail with history, create and edit forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from khuyencong.accounts.policy import Action, may_act_on_establishment, role_allows, sees_personal_data
from khuyencong.core.errors import form_status, run_on_form
from khuyencong.core.listing import Column, Listing, Table, refuses_bad_listing, vi_field
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import ExportColumn, col, export_links, export_list, filter_status, unless_bad_filters
from khuyencong.establishments import selectors, services
from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.establishments.forms import EstablishmentForm, FilterForm
from khuyencong.establishments.masking import mask_phone
from khuyencong.establishments.representatives import may_manage_representatives
from khuyencong.establishments.selectors import EstablishmentFilters

LIST_TABLE = Table(columns=(
    Column(_l("Tên cơ sở"), "name", (vi_field("name"),)),
    Column(_l("Mã số thuế"), "tax_code", css="hide-sm"),
    Column(_l("Xã/phường"), "commune", (vi_field("commune__name"), vi_field("name"))),
    Column(_l("Nhóm ngành"), "sector_group", css="hide-sm"),
    Column(_l("Lao động"), "employees", css="hide-sm num"),
), default_sort="name")


def export_columns(user: Any) -> list[ExportColumn]:
    """The registry list as a sheet; the phone is masked by the same rule as the detail page."""
    def phone(e: Any) -> str:
        return e.representative_phone if sees_personal_data(user, e) else mask_phone(e.representative_phone)

    return [
        col(_("Tên cơ sở"), "name"), col(_("Loại hình"), "get_legal_form_display"), col(_("Mã số thuế"), "tax_code"),
        col(_("Số đăng ký kinh doanh"), "business_registration_no"),
        col(_("Người đại diện"), "representative_name"), col(_("Điện thoại"), phone), col(_("Địa chỉ"), "address"),
        col(_("Mã xã/phường"), "commune.code"), col(_("Xã/phường"), "commune.name"),
        col(_("Đơn vị cấp trên"), "commune.parent.name"), col(_("Mã ngành VSIC"), "vsic_code"),
        col(_("Nhóm ngành"), "get_sector_group_display"), col(_("Số lao động"), "employees"),
        col(_("Làng nghề"), "craft_village"), col(_("Phụ nữ làm chủ"), "women_owned"),
        col(_("Người dân tộc thiểu số làm chủ"), "ethnic_minority_owned"), col(_("Tình trạng"), "get_status_display"),
        col(_("Ngày đăng ký"), "registered_on"),
    ]


@login_required
@require_check("establishments.list")
@refuses_bad_listing
def establishment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = EstablishmentFilters(**form.cleaned_data) if form.is_valid() else EstablishmentFilters()
    listing = Listing.from_request(request, LIST_TABLE)
    items = listing.order(selectors.establishment_list(request.user, filters))
    if response := export_list(request, items, export_columns(request.user), filename="co-so-cnnt",
                               sheet_name=_("Cơ sở CNNT"), filters=form):
        return response
    for error in filters.errors.values():
        messages.error(request, error)
    return render(request, "establishments/list.html", {
        "form": form,
        "listing": listing.present(unless_bad_filters(items, form), totals={"employees": Sum("employees")}),
        "can_create": role_allows(request.user, Action.CREATE), "export": export_links(request),
    }, status=filter_status(form))


@login_required
def establishment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    establishment = selectors.establishment_get(request.user, pk)
    user = request.user
    return render(request, "establishments/detail.html", {
        "e": establishment,
        "phone": establishment.representative_phone if sees_personal_data(user, establishment)
        else mask_phone(establishment.representative_phone),
        "eligibility": check_eligibility(establishment, on=timezone.localdate()),
        "history": selectors.establishment_history(establishment, user),
        "can_edit": may_act_on_establishment(user, Action.UPDATE, establishment),
        "can_invite": may_manage_representatives(user, establishment),
    })


def _save(request: AuthenticatedHttpRequest, form: EstablishmentForm, instance: Any | None) -> HttpResponse | None:
    """Run the service; on a domain error put the message on the form and return None."""
    data, confirm = form.service_data(), form.cleaned_data.get("confirm_similar", False)
    if instance is None:
        saved = run_on_form(form, lambda: services.establishment_create(
            actor=request.user, data=data, allow_similar=confirm))
    else:
        saved = run_on_form(form, lambda: services.establishment_update(
            actor=request.user, establishment=instance, data=data,
            expected_version=form.cleaned_data.get("version"), allow_similar=confirm))
    if saved is None:
        return None
    messages.success(request, _("Đã lưu cơ sở “%(name)s”.") % {"name": saved.name})
    return redirect("establishments:detail", pk=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def establishment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not role_allows(request.user, Action.CREATE):
        raise PermissionDenied
    form = EstablishmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and (response := _save(request, form, None)):
        return response
    status = form_status(request)
    return render(request, "establishments/form.html", {"form": form, "creating": True}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def establishment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    establishment = selectors.establishment_get(request.user, pk)
    if not may_act_on_establishment(request.user, Action.UPDATE, establishment):
        raise PermissionDenied
    form = EstablishmentForm(request.POST or None, instance=establishment, user=request.user)
    if request.method == "POST" and form.is_valid() and (response := _save(request, form, establishment)):
        return response
    status = form_status(request)
    return render(request, "establishments/form.html", {"form": form, "e": establishment}, status=status)
