"""Pages of accounts for establishments: invite, accept (set password), self-register, decide (issue 18)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from khuyencong.core.errors import RateLimitedError, form_status, run_on_form, run_on_post
from khuyencong.core.lookup import one_or_404
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.establishments import registrations, representatives, selectors
from khuyencong.establishments.models import RegistrationStatus
from khuyencong.establishments.representative_forms import (
    InvitationForm,
    RefusalForm,
    SelfRegistrationForm,
    SetPasswordForm,
)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    establishment = selectors.establishment_get(request.user, pk)  # outside the area: 404
    if not representatives.may_manage_representatives(request.user, establishment):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    sent = run_on_post(request, form, lambda: representatives.invitation_send(
        actor=request.user, establishment=establishment, **form.cleaned_data))
    if sent is not None:
        messages.success(request, _("Đã gửi lời mời tới %(e)s.") % {"e": sent.email})
        return redirect("establishments:detail", pk=establishment.pk)
    return render(request, "establishments/invitation_form.html", {"form": form, "e": establishment},
                  status=form_status(request))


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    found = representatives.invitation_for_token(token)
    if isinstance(found, representatives.InvitationProblem):
        return render(request, "establishments/invitation_problem.html", {"message": found.message},
                      status=found.status)
    account = representatives.existing_account(found)
    if account is not None and getattr(request.user, "pk", None) != account.pk:
        return redirect_to_login(request.get_full_path())
    form = SetPasswordForm(request.POST or None) if account is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        sink = form or SetPasswordForm(data={})
        password = form.cleaned_data["password1"] if form is not None else None
        user = run_on_form(sink, lambda: representatives.invitation_accept(
            token=token, password=password, signed_in=request.user), rename=lambda _n: "password1")
        if user is not None:
            if account is None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Anh/chị đã là người đại diện của %(n)s.") % {"n": found.establishment.name})
            return redirect("home")
        form = sink if form is not None else None
    return render(request, "establishments/invitation_accept.html",
                  {"form": form, "invitation": found, "account": account}, status=form_status(request))


@require_http_methods(["GET", "POST"])
def self_registration(request: HttpRequest) -> HttpResponse:
    form = SelfRegistrationForm(request.POST or None)
    client = request.META.get("REMOTE_ADDR", "")
    try:
        done = run_on_post(request, form, lambda: registrations.registration_request(
            data=form.cleaned_data, client=client))
    except RateLimitedError as exc:
        return render(request, "establishments/self_registration.html", {"form": form, "refused": str(exc)},
                      status=429)
    if done is not None:
        return render(request, "establishments/self_registration_sent.html", {"registration": done})
    return render(request, "establishments/self_registration.html", {"form": form}, status=form_status(request))


@login_required
def registration_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role not in representatives.DECIDERS:
        raise PermissionDenied
    items = registrations.registrations_for(request.user)
    pending = items.filter(status=RegistrationStatus.PENDING)
    decided = items.exclude(status=RegistrationStatus.PENDING).order_by("-decided_at")[:30]
    return render(request, "establishments/registration_list.html", {"pending": pending, "decided": decided})


@login_required
@require_http_methods(["GET", "POST"])
def registration_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = one_or_404(registrations.registrations_for(request.user), pk)
    form = RefusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if "confirm" in request.POST:
            call = lambda: registrations.registration_confirm(actor=request.user, registration=registration)  # noqa: E731
            done = _("Đã xác nhận; %(n)s nhận được liên kết đặt mật khẩu qua thư điện tử.")
        else:
            call = lambda: registrations.registration_refuse(  # noqa: E731
                actor=request.user, registration=registration, reason=form.cleaned_data["reason"])
            done = _("Đã từ chối đề nghị của %(n)s; lý do đã được gửi qua thư điện tử.")
        if run_on_form(form, call) is not None:
            messages.success(request, done % {"n": registration.full_name})
            return redirect("establishments:registration_list")
    return render(request, "establishments/registration_decide.html", {
        "r": registration, "form": form,
        "can_decide": registration.status == RegistrationStatus.PENDING
        and representatives.may_manage_representatives(request.user, registration.establishment),
        "representatives": registration.establishment.representations.filter(until__isnull=True)
        .select_related("user"),
    }, status=form_status(request))
