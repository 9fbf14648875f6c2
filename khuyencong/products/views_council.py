"""Council page actions: remove a member, change a role, replace a member (also mid-round) with the reason.

Every action is a POST from the council page; a refusal shows the service's message on the page again
(status 400) and saves nothing. Buttons are shown only where the service would accept the action.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.errors import run_on_form
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.products import selectors
from khuyencong.products.forms import RemoveForm, ReplaceForm, ReroleForm
from khuyencong.products.models import CouncilMember, RoundStatus, SelectionRound
from khuyencong.products.policy import may_manage_round
from khuyencong.products.services import council as seats


def seat_actions(user: Any, selection_round: SelectionRound) -> dict[str, bool]:
    """Which council changes the page offers: the policy's answer and the round's stage, as the services check."""
    manages = may_manage_round(user, selection_round)
    return {
        "restructure": manages and selection_round.status == RoundStatus.OPEN,
        "replace": manages and selection_round.status in (RoundStatus.OPEN, RoundStatus.SCORING),
    }


def _seat(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> CouncilMember:
    selection_round = selectors.round_get(request.user, pk)
    if not may_manage_round(request.user, selection_round):
        raise PermissionDenied
    member = (CouncilMember.objects.filter(pk=member_pk, council__round=selection_round)
              .select_related("council__round", "user").first())
    if member is None:
        raise Http404
    return member


def _refused(request: AuthenticatedHttpRequest, member: CouncilMember, form: forms.Form) -> HttpResponse:
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return render(request, "products/council/refused.html", {"r": member.council.round, "member": member,
                                                              "errors": errors}, status=400)


@login_required
@require_POST
def member_change(request: AuthenticatedHttpRequest, pk: int, member_pk: int, action: str) -> HttpResponse:
    member = _seat(request, pk, member_pk)
    user = request.user
    form: forms.Form
    if action == "remove":
        form = RemoveForm(request.POST)
        done = form.is_valid() and run_on_form(form, lambda: seats.council_member_remove(
            actor=user, member=member, reason=form.cleaned_data["reason"]))
        note = _("Đã bỏ %(who)s khỏi hội đồng.")
    elif action == "role":
        form = ReroleForm(request.POST)
        done = form.is_valid() and run_on_form(form, lambda: seats.council_member_rerole(
            actor=user, member=member, role=form.cleaned_data["role"]))
        note = _("Đã đổi vai trò của %(who)s.")
    elif action == "replace":
        form = ReplaceForm(request.POST)
        done = form.is_valid() and run_on_form(form, lambda: seats.council_member_replace(
            actor=user, member=member, user=form.cleaned_data["user"], reason=form.cleaned_data["reason"]))
        note = _("Đã thay thế %(who)s.")
    else:
        raise Http404
    if not done:
        return _refused(request, member, form)
    messages.success(request, note % {"who": member.user})
    return redirect("products:council", pk=pk)
