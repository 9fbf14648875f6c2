"""Cooperation pages: activities (list, detail with participants, create), partners and agreements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from khuyencong.cooperation import policy, selectors, services
from khuyencong.cooperation.forms import ActivityFilterForm, ActivityForm, AgreementForm, PartnerForm
from khuyencong.cooperation.models import Activity
from khuyencong.core.errors import error_sink, form_status, refusal_messages, run_on_form, run_on_post
from khuyencong.core.listing import Column, Listing, Table, refuses_bad_listing, vi_field
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import ExportColumn, col, export_links, export_list, filter_status, unless_bad_filters
from khuyencong.training.selectors import person_get
from khuyencong.training.views import searched_persons


def activity_columns() -> list[ExportColumn]:
    return [
        col(_("Hoạt động"), "title"), col(_("Loại"), "get_kind_display"), col(_("Đối tác"), "partner.name"),
        col(_("Thỏa thuận"), "agreement.title"), col(_("Địa bàn tổ chức"), "organising_unit.name"),
        col(_("Địa điểm (trong nước)"), "venue_unit.name"), col(_("Nước"), "abroad_country"),
        col(_("Thành phố (nước ngoài)"), "abroad_city"), col(_("Ngày bắt đầu"), "start_date"),
        col(_("Ngày kết thúc"), "end_date"), col(_("Lượt tham gia"), "participant_count"),
    ]


def partner_columns() -> list[ExportColumn]:
    return [col(_("Đối tác"), "name"), col(_("Quốc gia"), "country"), col(_("Thành phố"), "city"),
            col(_("Số hoạt động"), "activity_count")]


ACTIVITY_TABLE = Table(columns=(
    Column(_l("Hoạt động"), "title", (vi_field("title"),)),
    Column(_l("Loại"), "kind"),
    Column(_l("Đối tác"), "partner", (vi_field("partner__name"),)),
    Column(_l("Thời gian"), "start_date", ("start_date", "end_date")),
    Column(_l("Địa điểm"), ""),
    Column(_l("Lượt tham gia"), "participants", ("participant_count",), css="num"),
), default_sort="-start_date")


@login_required
@require_check("cooperation.list")
@refuses_bad_listing
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    listing = Listing.from_request(request, ACTIVITY_TABLE)
    items = listing.order(selectors.activity_list(request.user, kind=kind))
    if response := export_list(request, items, activity_columns(), filename="hoat-dong-hop-tac",
                               sheet_name=_("Hoạt động hợp tác"), filters=form):
        return response
    return render(request, "cooperation/activity_list.html", {
        "form": form,
        "listing": listing.present(unless_bad_filters(items, form), totals={"participants": Sum("participant_count")}),
        "can_create": policy.may_edit(request.user),
        "export": export_links(request)}, status=filter_status(form))


def _detail(request: AuthenticatedHttpRequest, activity: Activity, status: int = 200) -> HttpResponse:
    can_edit = policy.may_edit_activity(request.user, activity)
    q = request.GET.get("q", "").strip()
    found: Any = searched_persons(request, q) if q and can_edit else []
    if not isinstance(found, list):
        found = found.filter(role="civil_servant")[:20]
    return render(request, "cooperation/activity_detail.html", {
        "activity": activity, "participants": selectors.activity_participants(activity), "can_edit": can_edit,
        "q": q, "found": found}, status=status)


@login_required
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.activity_get(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.may_edit(request.user):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, user=request.user)
    saved = run_on_post(request, form, lambda: services.activity_create(actor=request.user, data=form.service_data()))
    if saved is not None:
        messages.success(request, _("Đã lưu hoạt động “%(t)s”.") % {"t": saved.title})
        return redirect("cooperation:activity_detail", pk=saved.pk)
    return render(request, "cooperation/form.html", {"form": form, "title": _("Thêm hoạt động hợp tác")},
                  status=form_status(request))


@login_required
@require_POST
def participant_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(request.user, pk)
    person = person_get(request.user, request.POST.get("person"))
    sink = error_sink()
    if run_on_form(sink, lambda: services.participant_add(actor=request.user, activity=activity, person=person)):
        messages.success(request, _("Đã thêm “%(name)s”.") % {"name": person.full_name})
        return redirect("cooperation:activity_detail", pk=activity.pk)
    refusal_messages(request, sink)
    return _detail(request, activity, status=400)


@login_required
@require_POST
def participant_remove(request: AuthenticatedHttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    activity = selectors.activity_get(request.user, pk)
    participant = selectors.participant_get(activity, participant_pk)
    sink = error_sink()
    name = participant.person.full_name
    run_on_form(sink, lambda: services.participant_remove(actor=request.user, participant=participant))
    if sink.errors:
        refusal_messages(request, sink)
        return _detail(request, activity, status=400)
    messages.success(request, _("Đã bỏ “%(name)s” khỏi danh sách tham gia.") % {"name": name})
    return redirect("cooperation:activity_detail", pk=activity.pk)


def _edit(request: HttpRequest, form: Any, save: Any, title: str, back: str) -> HttpResponse:
    """Shared edit flow: parse, call the service with the version read, back to ``back`` once saved,
    400 with errors on failure."""
    if run_on_post(request, form, lambda: save(form.service_data(), form.cleaned_data["version"])) is not None:
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect(back)
    return render(request, "cooperation/form.html", {"form": form, "title": title, "back": back},
                  status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(request.user, pk)
    if not policy.may_edit_partner(request.user):
        raise PermissionDenied
    form = PartnerForm(request.POST or None, instance=partner)
    back = reverse("cooperation:partner_detail", args=[partner.pk])
    return _edit(request, form, lambda data, version: services.partner_update(
        actor=request.user, partner=partner, data=data, expected_version=version),
        _("Sửa đối tác “%(n)s”") % {"n": partner.name}, back)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(request.user, pk)
    if not policy.may_edit_partner(request.user):
        raise PermissionDenied
    form = AgreementForm(request.POST or None, instance=agreement)
    back = reverse("cooperation:partner_detail", args=[agreement.partner_id])
    return _edit(request, form, lambda data, version: services.agreement_update(
        actor=request.user, agreement=agreement, data=data, expected_version=version),
        _("Sửa thỏa thuận “%(t)s”") % {"t": agreement.title}, back)


@login_required
@require_http_methods(["GET", "POST"])
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Partners, with the create form for province staff."""
    can_create = policy.may_edit_partner(request.user)
    partners = selectors.partners_for(request.user)
    if request.method == "GET" and (
            response := export_list(request, partners, partner_columns(), filename="doi-tac", sheet_name=_("Đối tác"))):
        return response
    if request.method == "POST" and not can_create:
        raise PermissionDenied
    form = PartnerForm(request.POST or None)
    saved = run_on_post(request, form, lambda: services.partner_create(actor=request.user, data=form.service_data()))
    if saved is not None:
        messages.success(request, _("Đã lưu đối tác “%(n)s”.") % {"n": saved.name})
        return redirect("cooperation:partner_detail", pk=saved.pk)
    return render(request, "cooperation/partner_list.html", {
        "partners": partners, "form": form, "can_create": can_create, "export": export_links(request)},
        status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def partner_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A partner, its agreements and activities, and the form to add an agreement."""
    partner = selectors.partner_get(request.user, pk)
    can_edit = policy.may_edit_partner(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = AgreementForm(request.POST or None)
    if run_on_post(request, form, lambda: services.agreement_create(
            actor=request.user, partner=partner, data=form.service_data())) is not None:
        messages.success(request, _("Đã lưu thỏa thuận."))
        return redirect("cooperation:partner_detail", pk=partner.pk)
    context: dict[str, Any] = {
        "partner": partner, "agreements": partner.agreements.order_by("-signed_on"), "form": form,
        "activities": selectors.activity_list(request.user, partner=str(partner.pk)), "can_edit": can_edit}
    return render(request, "cooperation/partner_detail.html", context, status=form_status(request))
