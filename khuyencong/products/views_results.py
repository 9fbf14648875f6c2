"""A round's results: ranking within each product group (ties share a rank), the pass mark from the rule,
leniency diagnostics for whoever manages the round, and the minutes and result list as DOCX/PDF."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.geo.selectors import UnitNotFound, is_within
from khuyencong.products import minutes, selectors
from khuyencong.products.models import (
    SCORES_PUBLIC_STATUSES,
    Certificate,
    CouncilMember,
    RoundStatus,
    SelectionRound,
)
from khuyencong.products.policy import may_approve_round, may_manage_round
from khuyencong.products.results import LENIENCY_EXPLANATION, ranking, round_leniency

DOCUMENTS = {"bien-ban": minutes.minutes, "danh-sach": minutes.result_list}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _members(selection_round: SelectionRound) -> list[CouncilMember]:
    return list(CouncilMember.objects.filter(council__round=selection_round, removed_on__isnull=True)
                .select_related("user").order_by("role", "pk"))


@login_required
def results_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    selection_round = selectors.round_get(user, pk)
    results = list(selectors.results_for(user, selection_round))
    manages = may_manage_round(user, selection_round)
    return render(request, "products/results/page.html", {
        "r": selection_round, "groups": ranking(results), "closed": selection_round.status in SCORES_PUBLIC_STATUSES,
        "pass_mark": selection_round.rule_set.pass_mark_for(selection_round.level.code),
        "leniency": round_leniency(selection_round) if manages and results else None,
        "leniency_explanation": LENIENCY_EXPLANATION,
        "documents": bool(results) and may_approve_round(user, selection_round),
    })


@login_required
def results_document(request: AuthenticatedHttpRequest, pk: int, document: str, fmt: str) -> HttpResponse:
    if document not in DOCUMENTS or fmt not in CONTENT_TYPES:
        raise Http404
    user = request.user
    selection_round = selectors.round_get(user, pk)
    if not may_approve_round(user, selection_round):
        raise PermissionDenied
    results = list(selectors.results_for(user, selection_round))
    if not results:
        raise Http404
    content = DOCUMENTS[document](selection_round, results, _members(selection_round),
                                  selection_round.rule_set.pass_mark_for(selection_round.level.code))
    body = minutes.render_docx(content) if fmt == "docx" else minutes.render_pdf(content)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{document}-{selection_round.pk}.{fmt}"'
    return response


def next_round_for(certificate: Certificate, *, today: dt.date) -> SelectionRound | None:
    """The open round, nearest deadline first, that can re-rate this certificate's product at its tier."""
    product = certificate.product
    candidates = (SelectionRound.objects.filter(status=RoundStatus.OPEN, dossier_deadline__gte=today,
                                                level__rank=certificate.level.rank)
                  .exclude(nominations__product=product).select_related("level", "organiser")
                  .order_by("dossier_deadline", "pk"))
    for candidate in candidates[:20]:
        if candidate.level.rank > 2:  # regional and national rounds take entries from every province
            return candidate
        try:
            if is_within(product.establishment.commune, candidate.organiser, on=candidate.dossier_deadline):
                return candidate
        except UnitNotFound:
            continue
    return None


@login_required
def rerate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """From an expiry warning: start the product's re-rating in the next suitable round, or say there is none."""
    certificate = selectors.certificate_get(request.user, pk)
    found = next_round_for(certificate, today=timezone.localdate())
    if found is not None:
        return redirect(f"{reverse('products:nomination_create', args=[found.pk])}?product={certificate.product_id}")
    return render(request, "products/results/rerate_none.html", {"c": certificate})
