"""Scheme pages: list with filters, detail with money and timeline, forms, plan pages, documents."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.accounts.models import User
from khuyencong.core.errors import form_status, run_on_form
from khuyencong.core.listing import Column, Listing, Table, refuses_bad_listing, vi_field
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import (
    ExportColumn,
    col,
    export_links,
    export_list,
    filter_status,
    joined,
    unless_bad_filters,
)
from khuyencong.schemes import selectors, services
from khuyencong.schemes.forms import (
    AmendmentForm,
    AttachmentForm,
    DisbursementForm,
    FilterForm,
    SchemeForm,
    TransitionForm,
)
from khuyencong.schemes.models import Scheme
from khuyencong.schemes.policy import may_drive, may_edit, may_start_proposal, may_view
from khuyencong.schemes.selectors import SchemeFilters
from khuyencong.schemes.services.common import FROZEN

PAGE_SIZE = 25
LIST_TABLE = Table(columns=(
    Column(_l("Mã"), "code"),
    Column(_l("Tên đề án"), "title", (vi_field("title"),)),
    Column(_l("Năm"), "year", ("plan__year",), css="hide-sm num"),
    Column(_l("Loại hoạt động"), "activity_type", (vi_field("activity_type__label"),), css="hide-sm"),
    Column(_l("Nguồn"), "funding_source", css="hide-sm"),
    Column(_l("Hỗ trợ (đồng)"), "public_support", css="num"),
    Column(_l("Đã giải ngân (đồng)"), "disbursed", css="hide-sm num"),
    Column(_l("Trạng thái"), "status"),
), default_sort="-year", tie_breaker=("-created_at", "-pk"))
MONEY_TOTALS = {"total_cost": Sum("total_cost"), "public_support": Sum("public_support"),
                "counterpart_capital": Sum("counterpart_capital"), "disbursed": Sum("disbursed")}


def scheme_columns() -> list[ExportColumn]:
    """The scheme list as a sheet: what the page shows, plus dates and money in full."""
    return [
        col(_("Mã đề án"), "code"), col(_("Tên đề án"), "title"), col(_("Loại hoạt động"), "activity_type.label"),
        col(_("Nguồn kinh phí"), "get_funding_source_display"), col(_("Năm kế hoạch"), "plan.year"),
        col(_("Đơn vị thực hiện"), "implementing_unit_name"), col(_("Địa bàn thực hiện"), "implementing_unit.name"),
        col(_("Cơ sở thụ hưởng"), joined("beneficiaries.name")),
        col(_("Xã/phường của cơ sở"), joined("beneficiaries.commune.name")),
        col(_("Bắt đầu (kế hoạch)"), "planned_start"), col(_("Kết thúc (kế hoạch)"), "planned_end"),
        col(_("Tổng kinh phí (đồng)"), "total_cost"), col(_("Kinh phí khuyến công hỗ trợ (đồng)"), "public_support"),
        col(_("Vốn đối ứng (đồng)"), "counterpart_capital"), col(_("Đã giải ngân (đồng)"), "disbursed"),
        col(_("Kinh phí quyết toán (đồng)"), "settled_amount"), col(_("Trạng thái"), "get_status_display"),
        col(_("Số quyết định phê duyệt"), "approval_decision_no"),
        col(_("Ngày quyết định phê duyệt"), "approval_decision_date"), col(_("Ngày nghiệm thu"), "acceptance_date"),
    ]


def plan_columns() -> list[ExportColumn]:
    return [
        col(_("Năm"), "year"), col(_("Nguồn kinh phí"), "get_funding_source_display"),
        col(_("Chương trình"), "programme.name"), col(_("Số quyết định"), "decision_no"),
        col(_("Ngày quyết định"), "decision_date"), col(_("Được duyệt (đồng)"), "approved_total"),
        col(_("Đã phân bổ (đồng)"), "committed"),
    ]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required guarantees an authenticated User


@login_required
@require_check("schemes.list")
@refuses_bad_listing
def scheme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    filters = SchemeFilters(**{k: v for k, v in values.items() if v not in (None, "")})
    listing = Listing.from_request(request, LIST_TABLE)
    items = listing.order(selectors.scheme_list(_user(request), filters))
    if response := export_list(request, items, scheme_columns(), filename="de-an", sheet_name=_("Đề án"),
                               filters=form):
        return response
    for error in filters.errors.values():
        messages.error(request, error)
    return render(request, "schemes/list.html", {
        "form": form, "listing": listing.present(unless_bad_filters(items, form), totals=MONEY_TOTALS),
        "can_create": may_start_proposal(_user(request)), "export": export_links(request),
    }, status=filter_status(form))


def _detail_form(user: User, scheme: Scheme, details: selectors.SchemeDetails, editable: bool) -> BaseForm | None:
    """The empty form for this scheme's activity-specific details, if the user may record them."""
    from khuyencong.schemes.forms_details import ITEM_FORMS, DemonstrationForm

    code = scheme.activity_type.code
    if not editable:
        return None
    if code == "demo_model":
        return DemonstrationForm(instance=details.demonstration, user=user)
    return ITEM_FORMS[code][1](user=user) if code in ITEM_FORMS else None


def _detail(request: HttpRequest, scheme: Scheme, *, status: int = 200, **forms: BaseForm) -> HttpResponse:
    from khuyencong.schemes.forms_details import ITEM_FORMS

    user = _user(request)
    drive = may_drive(user)
    details = selectors.scheme_details(scheme)
    editable = may_edit(user, scheme) and scheme.status not in FROZEN
    context = {
        "s": scheme, "events": selectors.scheme_timeline(scheme),
        "disbursements": selectors.scheme_disbursements(scheme),
        "attachments": selectors.scheme_attachments(scheme),
        "remaining": scheme.public_support - scheme.disbursed,  # type: ignore[attr-defined]
        "can_edit": may_edit(user, scheme) and scheme.status not in FROZEN,
        "can_drive": drive, "can_amend": drive and scheme.status == "settled",
        "transition_form": forms.get("transition") or (TransitionForm(scheme=scheme) if drive else None),
        "disbursement_form": forms.get("disbursement") or (DisbursementForm() if drive else None),
        "attachment_form": forms.get("attachment") or (AttachmentForm() if may_edit(user, scheme) else None),
        "details": details, "detail_form": forms.get("detail") or _detail_form(user, scheme, details, editable),
        "detail_kind": ITEM_FORMS.get(scheme.activity_type.code, ("", None))[0], "details_editable": editable,
    }
    return render(request, "schemes/detail.html", context, status=status)


@login_required
@require_GET
def scheme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.scheme_get(_user(request), pk))


def _save(request: HttpRequest, form: SchemeForm, scheme: Scheme | None) -> Scheme | None:
    data, people = form.service_data(), list(form.cleaned_data.get("beneficiaries") or [])
    if scheme is None:
        return run_on_form(form, lambda: services.scheme_create(actor=_user(request), data=data, beneficiaries=people))
    return run_on_form(form, lambda: services.scheme_update(
        actor=_user(request), scheme=scheme, data=data, beneficiaries=people,
        expected_version=form.cleaned_data.get("version")))


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_start_proposal(_user(request)):
        raise PermissionDenied
    form = SchemeForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form, None)):
        messages.success(request, _("Đã lưu đề án “%(code)s”.") % {"code": saved.code})
        return redirect("schemes:detail", pk=saved.pk)
    return render(request, "schemes/form.html", {"form": form, "creating": True},
                  status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(_user(request), pk)
    if not may_edit(_user(request), scheme):
        raise PermissionDenied
    form = SchemeForm(request.POST or None, instance=scheme, user=_user(request))
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form, scheme)):
        messages.success(request, _("Đã lưu đề án “%(code)s”.") % {"code": saved.code})
        return redirect("schemes:detail", pk=saved.pk)
    return render(request, "schemes/form.html", {"form": form, "s": scheme},
                  status=form_status(request))


def _posted(request: HttpRequest, pk: int, check: Any) -> Scheme:
    scheme = selectors.scheme_get(_user(request), pk)
    if not check(_user(request), scheme):
        raise PermissionDenied
    return scheme


@login_required
@require_POST
def scheme_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _posted(request, pk, lambda u, s: may_drive(u))
    form = TransitionForm(request.POST, request.FILES, scheme=scheme)
    if form.is_valid() and run_on_form(form, lambda: services.scheme_transition_with_document(
            actor=_user(request), scheme=scheme, target=form.cleaned_data["target"], fields=form.service_fields(),
            note=form.cleaned_data["note"], upload=form.cleaned_data.get("document"),
            document_kind=form.cleaned_data.get("document_kind") or "other",
            expected_version=form.cleaned_data.get("version"))):
        messages.success(request, _("Đã chuyển trạng thái đề án."))
        return redirect("schemes:detail", pk=scheme.pk)
    return _detail(request, selectors.scheme_get(_user(request), pk), status=400, transition=form)


@login_required
@require_POST
def scheme_disburse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _posted(request, pk, lambda u, s: may_drive(u))
    form = DisbursementForm(request.POST)
    if form.is_valid() and run_on_form(form, lambda: services.disbursement_create(actor=_user(request), scheme=scheme,
                                                                           **form.cleaned_data)):
        messages.success(request, _("Đã ghi nhận giải ngân."))
        return redirect("schemes:detail", pk=scheme.pk)
    return _detail(request, scheme, status=400, disbursement=form)


@login_required
@require_POST
def scheme_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _posted(request, pk, may_edit)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and run_on_form(form, lambda: services.attachment_add(
            actor=_user(request), scheme=scheme, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"])):
        messages.success(request, _("Đã đính kèm tài liệu."))
        return redirect("schemes:detail", pk=scheme.pk)
    return _detail(request, scheme, status=400, attachment=form)


@login_required
@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Serve a document only to users who may see its scheme; the stored name is never client-chosen."""
    attachment = selectors.attachment_get(_user(request), pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_amend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _posted(request, pk, lambda u, s: may_drive(u))
    initial = {k: getattr(scheme, k) for k in AmendmentForm.base_fields if hasattr(scheme, k)}
    form = AmendmentForm(request.POST or None, initial={**initial, "version": scheme.version})
    if request.method == "POST" and form.is_valid() and run_on_form(form, lambda: services.scheme_amend(
            actor=_user(request), scheme=scheme, changes=form.changes(scheme), reason=form.cleaned_data["reason"],
            decision_no=form.cleaned_data["decision_no"], expected_version=form.cleaned_data["version"])):
        messages.success(request, _("Đã điều chỉnh đề án; số liệu cũ được lưu lại."))
        return redirect("schemes:detail", pk=scheme.pk)
    return render(request, "schemes/amend.html", {"form": form, "s": scheme, "amendments": scheme.amendments.all()},
                  status=form_status(request))


@login_required
@require_GET
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_view(_user(request)):
        raise PermissionDenied
    plans = selectors.plans_with_committed(_user(request))
    if response := export_list(request, plans, plan_columns(), filename="ke-hoach-nam", sheet_name=_("Kế hoạch năm")):
        return response
    return render(request, "schemes/plans.html", {
        "programmes": selectors.programmes_for(_user(request)),
        "plans": plans, "can_drive": may_drive(_user(request)), "export": export_links(request),
    })


@login_required
@require_GET
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(_user(request), pk)
    return render(request, "schemes/plan_detail.html", {
        "plan": plan, "schemes": selectors.plan_schemes(_user(request), plan),
        "totals": selectors.plan_totals(_user(request), plan),
    })
