"""Person pages: list, detail with course and follow-up history, create/edit, and personal-data actions."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from khuyencong.core.errors import (
    PermissionDeniedError,
    RateLimitedError,
    form_status,
    run_on_form,
    run_on_post,
    run_or_403,
)
from khuyencong.core.listing import Column, Listing, Table, refuses_bad_listing, vi_field
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import ExportColumn, col, export_links, export_list, requested_format
from khuyencong.training import policy, selectors, services
from khuyencong.training.forms import ConsentForm, MergeForm, PersonForm, RestrictForm, WithdrawForm
from khuyencong.training.masking import mask_national_id, mask_phone
from khuyencong.training.models import Person


def person_columns() -> list[ExportColumn]:
    """Exactly the page's columns: no ID number or phone, so the export never reveals more than the list."""
    return [
        col(_("Họ và tên"), "full_name"), col(_("Năm sinh"), "birth_year"), col(_("Giới tính"), "get_gender_display"),
        col(_("Xã/phường"), "commune.name"), col(_("Đối tượng"), "get_role_display"),
        col(_("Hạn chế xử lý"), "restricted"),
    ]


PERSON_TABLE = Table(columns=(
    Column(_l("Họ và tên"), "name", (vi_field("full_name"),)),
    Column(_l("Năm sinh"), "birth_year", css="num"),
    Column(_l("Giới tính"), "gender"),
    Column(_l("Xã/phường"), "commune", (vi_field("commune__name"), vi_field("full_name"))),
    Column(_l("Đối tượng"), "role", css="hide-sm"),
), default_sort="name")


@login_required
@refuses_bad_listing
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    listing = Listing.from_request(request, PERSON_TABLE)
    status = 200
    try:
        items = listing.order(services.person_search(actor=request.user, q=q))
    except (PermissionDeniedError, RateLimitedError) as exc:
        # An ID search refused to this role (403) or beyond the per-minute limit (429): no rows, the reason.
        status = 429 if isinstance(exc, RateLimitedError) else 403
        if requested_format(request) is not None:
            return HttpResponse(str(exc), status=status, content_type="text/plain; charset=utf-8")
        messages.error(request, str(exc))
        items = Person.objects.none()
    if response := export_list(request, items, person_columns(), filename="hoc-vien", sheet_name=_("Học viên")):
        return response
    return render(request, "training/person_list.html", {
        "listing": listing.present(items), "q": q, "can_create": policy.may_edit(request.user),
        "export": export_links(request)}, status=status)


def _person_context(request: AuthenticatedHttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    user = request.user
    sees = policy.sees_personal_data(user, person)
    return {
        "person": person, "masked_id": mask_national_id(person.national_id),
        "phone": person.phone if sees else mask_phone(person.phone), "may_unmask": sees,
        "can_edit": policy.may_edit_person(user, person), "can_merge": policy.may_merge(user),
        "history": selectors.person_history(person), "consents": person.consents.order_by("given_at"),
        "access_log": selectors.person_access_log(person) if sees else [],
        "restrict_form": RestrictForm(initial={"restricted": not person.restricted}), "merge_form": MergeForm(),
        "consent_form": ConsentForm(), "withdraw_form": WithdrawForm(),
        **extra,
    }


@never_cache  # the person's data in full for whoever may see it: no copy in any cache
@login_required
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    return render(request, "training/person_detail.html", _person_context(request, person))


@never_cache
@login_required
@require_POST
def person_unmask(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number once; the view is logged (Decree 356/2025)."""
    person = selectors.person_get(request.user, pk)
    full_id = run_or_403(lambda: services.person_unmask_id(actor=request.user, person=person))
    return render(request, "training/person_detail.html", _person_context(request, person, full_id=full_id))


@never_cache
@login_required
@require_POST
def person_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Data-subject access request: everything held about the person, as a JSON download."""
    person = selectors.person_get(request.user, pk)
    data = run_or_403(lambda: services.person_export(actor=request.user, person=person))
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{person.pk}.json"'
    return response


@login_required
@require_POST
def person_restrict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    form = RestrictForm(request.POST)
    if form.is_valid() and run_on_form(form, lambda: services.person_restrict(
            actor=request.user, person=person, restricted=form.cleaned_data["restricted"],
            note=form.cleaned_data["note"])):
        messages.success(request, _("Đã cập nhật trạng thái hạn chế xử lý."))
        return redirect("training:person_detail", pk=person.pk)
    return render(request, "training/person_detail.html", _person_context(request, person, restrict_form=form),
                  status=400)


@login_required
@require_POST
def person_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Merge a suspected duplicate (by its record number) into this person."""
    person = selectors.person_get(request.user, pk)
    if not policy.may_merge(request.user):
        raise PermissionDenied
    form = MergeForm(request.POST)
    if form.is_valid():
        other = selectors.person_get(request.user, form.cleaned_data["merge_id"])
        if run_on_form(form, lambda: services.person_merge(actor=request.user, keep=person, merge=other)):
            messages.success(request, _("Đã gộp hồ sơ trùng vào hồ sơ này."))
            return redirect("training:person_detail", pk=person.pk)
    return render(request, "training/person_detail.html", _person_context(request, person, merge_form=form),
                  status=400)


def _person_form(request: AuthenticatedHttpRequest, person: Person | None) -> HttpResponse:
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    saved = run_on_post(request, form, lambda: _save_person(request, form, person))
    if saved is not None:
        messages.success(request, _("Đã lưu thông tin “%(name)s”.") % {"name": saved.full_name})
        return redirect("training:person_detail", pk=saved.pk)
    return render(request, "training/form.html", {"form": form, "object": person, "kind": "person"},
                  status=form_status(request))


def _save_person(request: AuthenticatedHttpRequest, form: PersonForm, person: Person | None) -> Person:
    data = form.service_data()
    if person is None:
        return services.person_create(actor=request.user, data=data,
                                      confirm_distinct=form.cleaned_data.get("confirm_distinct", False))
    return services.person_update(actor=request.user, person=person, data=data,
                                  expected_version=form.cleaned_data.get("version"),
                                  correction=form.cleaned_data.get("correction", False))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.may_edit(request.user):
        raise PermissionDenied
    return _person_form(request, None)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    if not policy.may_edit_person(request.user, person):
        raise PermissionDenied
    return _person_form(request, person)


@login_required
@require_POST
def consent_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the legal basis or consent for one purpose (Decree 356/2025)."""
    person = selectors.person_get(request.user, pk)
    form = ConsentForm(request.POST)
    if form.is_valid() and run_on_form(form, lambda: services.consent_record(
            actor=request.user, person=person, data=form.service_data())):
        messages.success(request, _("Đã ghi nhận căn cứ xử lý dữ liệu."))
        return redirect("training:person_detail", pk=person.pk)
    return render(request, "training/person_detail.html", _person_context(request, person, consent_form=form),
                  status=400)


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    consent = selectors.consent_get(person, consent_pk)
    form = WithdrawForm(request.POST)
    if form.is_valid() and run_on_form(form, lambda: services.consent_withdraw(
            actor=request.user, consent=consent, on=form.cleaned_data["withdrawn_at"])):
        messages.success(request, _("Đã ghi nhận việc rút lại sự đồng ý."))
        return redirect("training:person_detail", pk=person.pk)
    return render(request, "training/person_detail.html", _person_context(request, person, withdraw_form=form),
                  status=400)
