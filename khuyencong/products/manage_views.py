"""Management pages: products with documents, selection rounds, councils and nominations.

Forms only parse; the services check rights and validate. A refused POST re-renders the form with
the Vietnamese messages and status 400, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from khuyencong.accounts.policy import Action, role_allows
from khuyencong.core.errors import form_status, run_on_form
from khuyencong.core.permissions import may
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.establishments.selectors import establishments_for
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.products import selectors, services
from khuyencong.products.forms import (
    CouncilForm,
    DocumentForm,
    MemberForm,
    NominationForm,
    ProductForm,
    ReplaceForm,
    RoundForm,
)
from khuyencong.products.models import Council, MemberRole
from khuyencong.products.policy import may_edit_product_of, may_manage_round
from khuyencong.products.views_council import seat_actions


def _form_page(request: HttpRequest, form: forms.Form, title: str, back: str, **extra: Any) -> HttpResponse:
    status = form_status(request)
    return render(request, "products/manage_form.html", {"form": form, "title": title, "back": back, **extra},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: Any = request.user
    establishments = establishments_for(user).order_by("name")
    if not may(user, "products.product_create"):
        raise PermissionDenied
    form = ProductForm(request.POST or None, request.FILES or None, establishments=establishments)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("establishment", "name", "group", "description", "one_off")}
        upload = form.cleaned_data.get("document")
        documents = [(form.cleaned_data["document_kind"], upload)] if upload else []
        product = run_on_form(form, lambda: services.product_register(actor=user, data=data, documents=documents))
        if product is not None:
            messages.success(request, _("Đã đăng ký sản phẩm."))
            return redirect("products:product", pk=product.pk)
    return _form_page(request, form, _("Đăng ký sản phẩm"), "products:list", multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    product = selectors.product_get(user, pk)
    if not may_edit_product_of(user, product.establishment):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: services.product_document_add(actor=user, product=product,
                                                                      **form.cleaned_data))
        if done is not None:
            messages.success(request, _("Đã bổ sung giấy tờ."))
            return redirect("products:product", pk=product.pk)
    return _form_page(request, form, _("Bổ sung giấy tờ: %(p)s") % {"p": product.name}, "products:list",
                      multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: Any = request.user
    if not may(user, "products.round_create"):  # the check the round list's button asks
        raise PermissionDenied
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["organiser"] = unit_by_code(data.pop("organiser_code"), on=data["dossier_deadline"])
        except UnitNotFound as exc:
            form.add_error("organiser_code", str(exc))
        else:
            created = run_on_form(form, lambda: services.round_create(actor=user, data=data))
            if created is not None:
                messages.success(request, _("Đã tạo đợt bình chọn."))
                return redirect("products:council", pk=created.pk)
    return _form_page(request, form, _("Tạo đợt bình chọn"), "products:list")


def _candidates(council: Council | None) -> Any:
    """Who may replace a member: seatable accounts not (and never) on this council (the service refuses others)."""
    users = ReplaceForm.base_fields["user"].queryset  # type: ignore[attr-defined]
    return users.exclude(council_memberships__council=council) if council else users.none()


@login_required
@require_http_methods(["GET", "POST"])
def council_setup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The round's council: create it, then add members with their roles (an odd number of jurors)."""
    user: Any = request.user
    selection_round = selectors.round_get(user, pk)
    if not may_manage_round(user, selection_round):
        raise PermissionDenied
    council = Council.objects.filter(round=selection_round).first()
    council_form = CouncilForm(request.POST if request.method == "POST" and council is None else None)
    member_form = MemberForm(request.POST if request.method == "POST" and council is not None else None)
    if request.method == "POST":
        if council is None and council_form.is_valid():
            if run_on_form(council_form, lambda: services.council_create(actor=user, selection_round=selection_round,
                                                                  **council_form.cleaned_data)):
                messages.success(request, _("Đã thành lập hội đồng."))
                return redirect("products:council", pk=pk)
        elif council is not None and member_form.is_valid():
            if run_on_form(member_form, lambda: services.council_member_add(actor=user, council=council,
                                                                     **member_form.cleaned_data)):
                messages.success(request, _("Đã thêm thành viên hội đồng."))
                return redirect("products:council", pk=pk)
    members = (list(council.members.select_related("user", "replaced_by__user").order_by("role", "pk"))
               if council else [])
    return render(request, "products/council.html", {
        "r": selection_round, "council": council, "members": members,
        "departed": [m for m in members if m.removed_on], "actions": seat_actions(user, selection_round),
        "roles": MemberRole.choices, "candidates": _candidates(council),
        "form": member_form if council else council_form,
        "warning": services.jury_warning(council) if council else "",
    }, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def nomination_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Register a dossier: establishments for their own products; the round's managers for any product."""
    user: Any = request.user
    selection_round = selectors.round_get(user, pk)
    if not (may_manage_round(user, selection_round) or role_allows(user, Action.UPDATE)):
        raise PermissionDenied
    products = selectors.products_for(user).order_by("name")
    # A re-rating started from an expiry warning arrives with its product chosen (?product=).
    initial = {"product": request.GET["product"]} if request.GET.get("product", "").isdigit() else {}
    form = NominationForm(request.POST or None, products=products, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        data.setdefault("made_by_establishment", False)
        created = run_on_form(form, lambda: services.nomination_create(actor=user, selection_round=selection_round,
                                                                       **data))
        if created is not None:
            messages.success(request, _("Đã nộp hồ sơ %(code)s.") % {"code": created.selection_code})
            return redirect("products:round", pk=pk)
    return _form_page(request, form, _("Nộp hồ sơ bình chọn: %(r)s") % {"r": selection_round.name}, "products:list")
