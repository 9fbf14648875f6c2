"""Fair pages: calendar, detail with participants and totals, forms, XLSX export, establishment history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.accounts.policy import Action
from khuyencong.core.errors import form_status, run_on_post, run_or_403
from khuyencong.core.listing import Column, Listing, Table, refuses_bad_listing, vi_field
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import (
    CSV,
    XLSX,
    ExportColumn,
    bad_format_message,
    col,
    export_links,
    export_list,
    export_table,
    filter_status,
    requested_format,
    unless_bad_filters,
)
from khuyencong.fairs import selectors, services
from khuyencong.fairs.export import participant_columns, participants_xlsx
from khuyencong.fairs.forms import DisplayForm, FairForm, FilterForm, ParticipationForm, ShowroomForm
from khuyencong.fairs.models import FairScope
from khuyencong.fairs.policy import entry_role_allows, may_act_on_entry, may_manage_events
from khuyencong.fairs.selectors import PAST, UPCOMING, FairFilters

PAGE_SIZE = 25
FAIR_TABLE = Table(columns=(
    Column(_l("Thời gian"), "start_date", ("start_date", "end_date")),
    Column(_l("Hội chợ, triển lãm"), "name", (vi_field("name"),)),
    Column(_l("Quy mô"), "scope", css="hide-sm"),
    Column(_l("Địa điểm"), ""),
    Column(_l("Cơ sở tham gia"), "participants", ("participant_count",), css="num"),
), default_sort="start_date")


def fair_columns() -> list[ExportColumn]:
    return [
        col(_("Hội chợ, triển lãm"), "name"), col(_("Đơn vị tổ chức"), "organiser"),
        col(_("Quy mô"), "get_scope_display"),
        col(_("Địa điểm"), "venue_label"), col(_("Địa điểm cụ thể"), "venue_detail"),
        col(_("Ngày khai mạc"), "start_date"), col(_("Ngày bế mạc"), "end_date"), col(_("Đề án"), "scheme.code"),
        col(_("Hỗ trợ gian hàng mỗi cơ sở (VND)"), "booth_support_vnd"), col(_("Đã hủy"), "cancelled"),
        col(_("Cơ sở tham gia"), "participant_count"),
    ]


def showroom_columns() -> list[ExportColumn]:
    return [
        col(_("Tên"), "name"), col(_("Địa bàn"), "location_unit.name"), col(_("Địa chỉ"), "address"),
        col(_("Đơn vị vận hành"), "operator"), col(_("Hoạt động từ"), "opened_on"),
        col(_("Hoạt động đến"), "closed_on"), col(_("Đề án"), "scheme.code"), col(_("Lượt trưng bày"), "display_count"),
    ]


def _form_page(request: HttpRequest, form: Any, title: str, cancel: str, delete_url: str = "") -> HttpResponse:
    return render(request, "fairs/form.html", {"form": form, "title": title, "cancel": cancel,
                                               "delete_url": delete_url}, status=form_status(request))


def _form_view(request: HttpRequest, form: Any, save: Callable[[], Any], done: Callable[[Any], HttpResponse],
               title: str, cancel: str, delete_url: str = "") -> HttpResponse:
    """A create or edit page: ``done`` answers with what ``save`` (the service) wrote from a valid POST;
    otherwise the form again, with what was refused."""
    if saved := run_on_post(request, form, save):
        return done(saved)
    return _form_page(request, form, title, cancel, delete_url)


def _saved(request: HttpRequest, to: str, pk: int, message: str = "") -> HttpResponse:
    if message:
        messages.success(request, message)
    return redirect(to, pk=pk)


# --- Fairs -----------------------------------------------------------------------------------------

@login_required
@require_GET
@require_check("fairs.list")
@refuses_bad_listing
def fair_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    when = values.get("khi") or UPCOMING
    filters = FairFilters(when=when, q=values.get("q") or "", scope=values.get("scope") or "",
                          year=values.get("year"))
    # The calendar reads forwards for what is coming and backwards for what is over.
    table = replace(FAIR_TABLE, default_sort="-start_date" if when == PAST else "start_date")
    listing = Listing.from_request(request, table)
    items = listing.order(selectors.fair_list(request.user, filters))
    if response := export_list(request, items, fair_columns(), filename="hoi-cho", sheet_name=_("Hội chợ"),
                               filters=form):
        return response
    return render(request, "fairs/list.html", {
        "form": form, "listing": listing.present(unless_bad_filters(items, form),
                                                 totals={"participants": Sum("participant_count")}),
        "when": when, "today": timezone.localdate(),
        "can_create": may_manage_events(request.user, Action.CREATE), "export": export_links(request),
    }, status=filter_status(form))


@login_required
@require_GET
def fair_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    fair = selectors.fair_get(user, pk)
    return render(request, "fairs/detail.html", {
        "fair": fair, "participants": selectors.fair_participants(user, fair),
        "totals": selectors.fair_totals(user, fair),
        "can_edit": may_manage_events(user, Action.UPDATE),
        "can_register": entry_role_allows(user, Action.CREATE) and not fair.cancelled,
        "can_edit_entries": entry_role_allows(user, Action.UPDATE),
        "scope_labels": dict(FairScope.choices),
    })


@login_required
@require_http_methods(["GET", "POST"])
def fair_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_manage_events(request.user, Action.CREATE):
        raise PermissionDenied
    form = FairForm(request.POST or None, user=request.user)
    return _form_view(request, form, lambda: services.fair_create(actor=request.user, data=form.service_data()),
                      lambda fair: _saved(request, "fairs:detail", fair.pk, _fair_saved(fair)),
                      _("Thêm hội chợ, triển lãm"), reverse("fairs:list"))


@login_required
@require_http_methods(["GET", "POST"])
def fair_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fair = selectors.fair_get(request.user, pk)
    if not may_manage_events(request.user, Action.UPDATE):
        raise PermissionDenied
    form = FairForm(request.POST or None, instance=fair, user=request.user)
    return _form_view(request, form, lambda: services.fair_update(
        actor=request.user, fair=fair, data=form.service_data(), expected_version=form.cleaned_data.get("version")),
        lambda saved: _saved(request, "fairs:detail", saved.pk, _fair_saved(saved)),
        fair.name, reverse("fairs:detail", args=[fair.pk]))


def _fair_saved(fair: Any) -> str:
    return _("Đã lưu hội chợ “%(name)s”.") % {"name": fair.name}


@login_required
@require_GET
def fair_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fair = selectors.fair_get(request.user, pk)
    participants = selectors.fair_participants(request.user, fair)
    fmt = requested_format(request)
    if fmt not in (None, CSV, XLSX):
        return HttpResponseBadRequest(bad_format_message(fmt), content_type="text/plain; charset=utf-8")
    if fmt == CSV:  # the same list as CSV; the workbook keeps its title-row layout
        return export_table(CSV, filename=f"hoi-cho-{fair.pk}-danh-sach-tham-gia", sheet_name="",
                            columns=participant_columns(), items=participants)
    content = participants_xlsx(fair, participants)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="hoi-cho-{fair.pk}-danh-sach-tham-gia.xlsx"'
    return response


# --- Participations --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def participation_create(request: AuthenticatedHttpRequest, fair_pk: int) -> HttpResponse:
    fair = selectors.fair_get(request.user, fair_pk)
    if not entry_role_allows(request.user, Action.CREATE):
        raise PermissionDenied
    form = ParticipationForm(request.POST or None, user=request.user)
    return _form_view(request, form, lambda: services.participation_create(
        actor=request.user, data={**form.service_data(), "fair": fair}),
        lambda saved: _saved(request, "fairs:detail", fair.pk, _("Đã đăng ký “%(est)s” tham gia hội chợ.")
                             % {"est": saved.establishment.name}),
        _("Đăng ký tham gia: %(fair)s") % {"fair": fair.name}, reverse("fairs:detail", args=[fair.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def participation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participation = selectors.participation_get_for_update(request.user, pk)
    if not may_act_on_entry(request.user, Action.UPDATE, participation.establishment):
        raise PermissionDenied(_("Bạn chỉ được sửa lượt tham gia của cơ sở thuộc xã/phường mình phụ trách."))
    form = ParticipationForm(request.POST or None, instance=participation, user=request.user)
    delete_url = reverse("fairs:participation-delete", args=[participation.pk]) \
        if may_act_on_entry(request.user, Action.DELETE, participation.establishment) else ""
    return _form_view(request, form, lambda: services.participation_update(
        actor=request.user, participation=participation, data=form.service_data(),
        expected_version=form.cleaned_data.get("version")),
        lambda saved: _saved(request, "fairs:detail", saved.fair_id, _("Đã lưu lượt tham gia của “%(est)s”.")
                             % {"est": saved.establishment.name}),
        f"{participation.establishment.name} · {participation.fair.name}",
        reverse("fairs:detail", args=[participation.fair_id]), delete_url)


@login_required
@require_POST
def participation_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove a registration entered by mistake (a real withdrawal is marked "đã rút" instead)."""
    participation = selectors.participation_get_for_update(request.user, pk)
    fair_id, name = participation.fair_id, participation.establishment.name
    run_or_403(lambda: services.participation_delete(actor=request.user, participation=participation))
    messages.success(request, _("Đã xóa lượt tham gia của “%(est)s”.") % {"est": name})
    return redirect("fairs:detail", pk=fair_id)


@login_required
@require_GET
def establishment_history(request: AuthenticatedHttpRequest, establishment_id: int) -> HttpResponse:
    history = selectors.establishment_fair_history(request.user, establishment_id)
    return render(request, "fairs/establishment.html", {
        **history, "can_edit_entries": entry_role_allows(request.user, Action.UPDATE),
    })


# --- Showrooms -------------------------------------------------------------------------------------

@login_required
@require_GET
def showroom_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = selectors.showroom_list(request.user)
    if response := export_list(request, items, showroom_columns(), filename="diem-gioi-thieu",
                               sheet_name=_("Điểm giới thiệu")):
        return response
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "fairs/showroom_list.html", {
        "page": page, "can_create": may_manage_events(request.user, Action.CREATE), "export": export_links(request)})


@login_required
@require_GET
def showroom_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    showroom = selectors.showroom_get(request.user, pk)
    return render(request, "fairs/showroom_detail.html", {
        "showroom": showroom, "displays": selectors.showroom_displays(request.user, showroom),
        "can_edit": may_manage_events(request.user, Action.UPDATE),
        "can_add_display": entry_role_allows(request.user, Action.CREATE),
        "can_edit_entries": entry_role_allows(request.user, Action.UPDATE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def showroom_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_manage_events(request.user, Action.CREATE):
        raise PermissionDenied
    form = ShowroomForm(request.POST or None, user=request.user)
    return _form_view(request, form, lambda: services.showroom_create(actor=request.user, data=form.service_data()),
                      lambda saved: _saved(request, "fairs:showroom-detail", saved.pk),
                      _("Thêm điểm giới thiệu sản phẩm"), reverse("fairs:showroom-list"))


@login_required
@require_http_methods(["GET", "POST"])
def showroom_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    showroom = selectors.showroom_get(request.user, pk)
    if not may_manage_events(request.user, Action.UPDATE):
        raise PermissionDenied
    form = ShowroomForm(request.POST or None, instance=showroom, user=request.user)
    return _form_view(request, form, lambda: services.showroom_update(
        actor=request.user, showroom=showroom, data=form.service_data(),
        expected_version=form.cleaned_data.get("version")),
        lambda saved: _saved(request, "fairs:showroom-detail", saved.pk),
        showroom.name, reverse("fairs:showroom-detail", args=[showroom.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def display_create(request: AuthenticatedHttpRequest, showroom_pk: int) -> HttpResponse:
    showroom = selectors.showroom_get(request.user, showroom_pk)
    if not entry_role_allows(request.user, Action.CREATE):
        raise PermissionDenied
    form = DisplayForm(request.POST or None, user=request.user)
    return _form_view(request, form, lambda: services.display_create(
        actor=request.user, data={**form.service_data(), "showroom": showroom}),
        lambda saved: _saved(request, "fairs:showroom-detail", showroom.pk),
        _("Trưng bày sản phẩm: %(name)s") % {"name": showroom.name},
        reverse("fairs:showroom-detail", args=[showroom.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def display_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    display = selectors.display_get_for_update(request.user, pk)
    if not may_act_on_entry(request.user, Action.UPDATE, display.establishment):
        raise PermissionDenied(_("Bạn chỉ được sửa thông tin của cơ sở thuộc xã/phường mình phụ trách."))
    form = DisplayForm(request.POST or None, instance=display, user=request.user)
    return _form_view(request, form, lambda: services.display_update(
        actor=request.user, display=display, data=form.service_data(),
        expected_version=form.cleaned_data.get("version")),
        lambda saved: _saved(request, "fairs:showroom-detail", saved.showroom_id),
        f"{display.establishment.name} · {display.showroom.name}",
        reverse("fairs:showroom-detail", args=[display.showroom_id]))
