"""Registry pages: list with search and filters, detail with history, create and edit forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from khuyencong.accounts.policy import Action, may_act_on_establishment, role_allows, sees_personal_data
from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.establishments import selectors, services
from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.establishments.forms import EstablishmentForm, FilterForm
from khuyencong.establishments.masking import mask_phone
from khuyencong.establishments.selectors import EstablishmentFilters

PAGE_SIZE = 25


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = EstablishmentFilters(**form.cleaned_data) if form.is_valid() else EstablishmentFilters()
    items = selectors.establishment_list(request.user, filters)  # type: ignore[arg-type]
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for error in filters.errors.values():
        messages.error(request, error)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "establishments/list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "can_create": role_allows(request.user, Action.CREATE),
    })


@login_required
def establishment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = selectors.establishment_get(request.user, pk)  # type: ignore[arg-type]
    user = request.user
    return render(request, "establishments/detail.html", {
        "e": establishment,
        "phone": establishment.representative_phone if sees_personal_data(user, establishment)  # type: ignore[arg-type]
        else mask_phone(establishment.representative_phone),
        "eligibility": check_eligibility(establishment, on=timezone.localdate()),
        "history": selectors.establishment_history(establishment),
        "can_edit": may_act_on_establishment(user, Action.UPDATE, establishment),  # type: ignore[arg-type]
    })


def _save(request: HttpRequest, form: EstablishmentForm, instance: Any | None) -> HttpResponse | None:
    """Run the service; on a domain error put the message on the form and return None."""
    data, confirm = form.service_data(), form.cleaned_data.get("confirm_similar", False)
    try:
        if instance is None:
            saved = services.establishment_create(actor=request.user, data=data, allow_similar=confirm)  # type: ignore[arg-type]
        else:
            saved = services.establishment_update(
                actor=request.user, establishment=instance, data=data,  # type: ignore[arg-type]
                expected_version=form.cleaned_data.get("version"), allow_similar=confirm)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    except StaleEditError as exc:
        form.add_error(None, str(exc.message))
        return None
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("Đã lưu cơ sở “%(name)s”.") % {"name": saved.name})
    return redirect("establishments:detail", pk=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def establishment_create(request: HttpRequest) -> HttpResponse:
    if not role_allows(request.user, Action.CREATE):
        raise PermissionDenied
    form = EstablishmentForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid() and (response := _save(request, form, None)):
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "establishments/form.html", {"form": form, "creating": True}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def establishment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = selectors.establishment_get(request.user, pk)  # type: ignore[arg-type]
    if not may_act_on_establishment(request.user, Action.UPDATE, establishment):  # type: ignore[arg-type]
        raise PermissionDenied
    form = EstablishmentForm(request.POST or None, instance=establishment, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid() and (response := _save(request, form, establishment)):
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "establishments/form.html", {"form": form, "e": establishment}, status=status)
