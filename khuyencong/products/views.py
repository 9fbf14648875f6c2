"""Pages: rounds, the round dashboard, jurors' scoring, printable sheets and certificates, the public register.

Printable pages are HTML styled for print; the same templates are rendered to PDF by WeasyPrint
(products/pdf.py) with the same permission checks.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from khuyencong.core.errors import PermissionDeniedError, form_status, run_on_form
from khuyencong.core.listing import Column, Listing, Table, refuses_bad_listing, vi_field
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import ExportColumn, col, export_links, export_list, filter_status, unless_bad_filters
from khuyencong.products import selectors, services
from khuyencong.products.forms import DecisionForm, PublicFilterForm, ScoreForm
from khuyencong.products.models import SCORES_PUBLIC_STATUSES, CouncilMember
from khuyencong.products.pdf import pdf_response
from khuyencong.products.policy import may_approve_round, may_manage_round, membership
from khuyencong.products.selectors import PublicFilters
from khuyencong.products.services.scoring import juror_seat, sheet_criteria

PAGE_SIZE = 25


ROUND_TABLE = Table(columns=(
    Column(_l("Đợt bình chọn"), "name", (vi_field("name"),)),
    Column(_l("Cấp"), "level", ("level__code",)),
    Column(_l("Năm"), "year", css="num"),
    Column(_l("Hồ sơ"), "dossiers", css="hide-sm num"),
    Column(_l("Trạng thái"), "status"),
), default_sort="-year", tie_breaker=("name", "pk"))


def round_columns() -> list[ExportColumn]:
    return [
        col(_("Đợt bình chọn"), "name"), col(_("Đơn vị tổ chức"), "organiser.name"), col(_("Cấp"), "level.label"),
        col(_("Năm"), "year"), col(_("Hồ sơ"), "dossiers"), col(_("Trạng thái"), "get_status_display"),
    ]


def public_columns() -> list[ExportColumn]:
    """The public register's columns (only fields the selector loads: no contact or personal data)."""
    return [
        col(_("Sản phẩm"), "product.name"), col(_("Cơ sở"), "product.establishment.name"),
        col(_("Nhóm"), "product.group.label"), col(_("Cấp"), "level.label"), col(_("Năm"), "year"),
        col(_("Xã/phường"), "product.establishment.commune.name"),
        col(_("Đơn vị cấp trên"), "product.establishment.commune.parent.name"),
        col(_("Số chứng nhận"), "number"), col(_("Ngày cấp"), "issued_on"), col(_("Hiệu lực đến"), "valid_until"),
    ]


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_check("products.list")
@refuses_bad_listing
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    listing = Listing.from_request(request, ROUND_TABLE)
    rounds = listing.order(selectors.rounds_for(user))
    if response := export_list(request, rounds, round_columns(), filename="vong-binh-chon",
                               sheet_name=_("Đợt bình chọn")):
        return response
    return render(request, "products/round_list.html", {
        "listing": listing.present(rounds, totals={"dossiers": Sum("dossiers")}), "export": export_links(request),
        "dossiers": selectors.nominations_for(user)[:PAGE_SIZE],
        "queue": selectors.juror_queue(user)[:PAGE_SIZE],
    })


def public_list(request: HttpRequest) -> HttpResponse:
    """No login: product, establishment, area, level, year. No representative or contact data."""
    form = PublicFilterForm(request.GET or None)
    filters = PublicFilters(**form.cleaned_data) if form.is_valid() else PublicFilters()
    items = selectors.public_recognised(filters)
    if response := export_list(request, items, public_columns(), filename="san-pham-duoc-cong-nhan",
                               sheet_name=_("Sản phẩm được công nhận"), filters=form):
        return response
    for error in filters.errors.values():
        messages.error(request, error)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "products/public_list.html", {
        "form": form, "page": _page(request, unless_bad_filters(items, form)), "query": query.urlencode(),
        "export": export_links(request)}, status=filter_status(form))


@login_required
def round_dashboard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    selection_round = selectors.round_get(user, pk)
    manages = may_manage_round(user, selection_round)
    closed = selection_round.status in SCORES_PUBLIC_STATUSES
    return render(request, "products/round_dashboard.html", {
        "r": selection_round, "manages": manages,
        "approves": may_approve_round(user, selection_round),
        "progress": selectors.juror_progress(selection_round),
        "results": selectors.results_for(user, selection_round),
        "deviations": selectors.juror_deviations(selection_round) if closed and manages else [],
        "council_deviations": selectors.council_deviations(selection_round) if closed and manages else [],
        "seat": membership(user, selection_round),
        "decision_form": DecisionForm(),
        "events": selection_round.events.select_related("actor"),
    })


@login_required
@require_POST
def round_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    selection_round = selectors.round_get(user, pk)
    try:
        if action == "start":
            services.round_start_scoring(actor=user, selection_round=selection_round)
        elif action == "close":
            services.round_close_scoring(actor=user, selection_round=selection_round)
        elif action == "approve":
            services.round_approve(actor=user, selection_round=selection_round)
        elif action == "decide":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            services.recognition_decide(actor=user, selection_round=selection_round,
                                        number=form.cleaned_data["number"], decided_on=form.cleaned_data["decided_on"])
        else:
            raise Http404
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        selection_round.refresh_from_db()
        return render(request, "products/round_error.html", {"r": selection_round, "errors": exc.messages},
                      status=400)
    messages.success(request, _("Đã cập nhật đợt bình chọn."))
    return redirect("products:round", pk=selection_round.pk)


@login_required
def juror_queue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selection_round = selectors.round_get(request.user, pk)
    seat = membership(request.user, selection_round)
    if seat is None or seat.role != "juror":
        raise PermissionDenied
    return render(request, "products/juror_queue.html", {
        "r": selection_round, "seat": seat, "lines": sheet_criteria(selection_round.rule_set).count(),
        "items": selectors.juror_queue(request.user, selection_round),
    })


@login_required
@require_http_methods(["GET", "POST"])
def score_nomination(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_for_scoring(request.user, pk)
    try:
        juror_seat(request.user, nomination)
    except PermissionDeniedError as exc:
        # A recused juror (or a non-juror who can see the dossier) is told why, with status 403.
        return render(request, "products/round_error.html", {"r": nomination.round, "errors": [str(exc)]},
                      status=403)
    criteria = list(sheet_criteria(nomination.round.rule_set))
    user = request.user
    own_scores = selectors.scores_visible_to(user, nomination.round).filter(
        nomination=nomination, member__user_id=user.pk or 0)
    mine = {s.criterion.code: s.points for s in own_scores}
    form = ScoreForm(request.POST or None, criteria=criteria, initial={f"c_{k}": v for k, v in mine.items()})
    if request.method == "POST" and form.is_valid():
        # A sheet saved meanwhile from another tab is a stale edit: told on the page like any refusal.
        saved = run_on_form(form, lambda: services.score_sheet_submit(
            actor=request.user, nomination=nomination, points=form.points()),
            rename=lambda criterion: f"c_{criterion}")
        if saved is not None:
            messages.success(request, _("Đã lưu phiếu chấm."))
            return redirect("products:juror_queue", pk=nomination.round_id)
    status = form_status(request)
    return render(request, "products/score_form.html", {"n": nomination, "form": form}, status=status)


def _score_sheet_context(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> dict[str, Any]:
    """Printable sheet (Circular 26/2014, Annex 4): the juror anytime, the council and managers after closing."""
    user = request.user
    selection_round = selectors.round_get(user, pk)
    member = CouncilMember.objects.filter(pk=member_pk, council__round=selection_round, role="juror").select_related(
        "user", "council").first()
    if member is None:
        raise Http404
    own = member.user_id == user.pk
    closed = selection_round.status in SCORES_PUBLIC_STATUSES
    if not own and not (closed and (may_manage_round(user, selection_round)
                                    or membership(user, selection_round) is not None)):
        raise PermissionDenied
    return {"r": selection_round, "member": member, "items": selectors.score_sheet(selection_round, member),
            "criteria": sheet_criteria(selection_round.rule_set)}


@login_required
def score_sheet(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    return render(request, "products/score_sheet.html", _score_sheet_context(request, pk, member_pk))


@login_required
def score_sheet_pdf(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    context = _score_sheet_context(request, pk, member_pk)
    return pdf_response("products/score_sheet.html", context,
                        f"phieu-cham-{context['r'].pk}-{context['member'].user.username}")


@login_required
def product_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(request.user, pk)
    return render(request, "products/product_detail.html", {"p": product})


@login_required
def certificate_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(request.user, pk)
    return render(request, "products/certificate.html", {"c": certificate})


@login_required
def certificate_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(request.user, pk)
    return pdf_response("products/certificate.html", {"c": certificate}, f"chung-nhan-{certificate.number}")
