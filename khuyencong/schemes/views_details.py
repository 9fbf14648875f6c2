"""Activity-specific detail forms posted from the scheme page (demonstration model, items, assessments)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.errors import PermissionDeniedError, run_on_form
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.schemes import selectors, services
from khuyencong.schemes.forms_details import KIND_FORMS, DemonstrationForm
from khuyencong.schemes.models import DemonstrationModel
from khuyencong.schemes.policy import may_edit
from khuyencong.schemes.views import _detail, _posted, _user

ADD = {
    "machinery": services.machinery_item_add,
    "communication": services.communication_output_add,
    "assessment": services.cleaner_production_assessment_add,
}


@login_required
@require_POST
def demonstration_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _posted(request, pk, may_edit)
    user = _user(request)
    current = DemonstrationModel.objects.filter(scheme=scheme).first()
    form = DemonstrationForm(request.POST, instance=current, user=user)
    if form.is_valid() and run_on_form(form, lambda: services.demonstration_save(
            actor=user, scheme=scheme, data=form.service_data(), adopters=form.cleaned_data["adopters"],
            expected_version=form.cleaned_data.get("version"))):
        messages.success(request, _("Đã lưu thông tin mô hình trình diễn."))
        return redirect("schemes:detail", pk=scheme.pk)
    return _detail(request, selectors.scheme_get(user, pk), status=400, detail=form)


@login_required
@require_POST
def item_add(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in KIND_FORMS:
        raise Http404
    scheme = _posted(request, pk, may_edit)
    user = _user(request)
    form = KIND_FORMS[kind](request.POST, user=user)
    if form.is_valid() and run_on_form(form, lambda: ADD[kind](actor=user, scheme=scheme, data=form.service_data())):
        messages.success(request, _("Đã thêm."))
        return redirect("schemes:detail", pk=scheme.pk)
    return _detail(request, selectors.scheme_get(user, pk), status=400, detail=form)


@login_required
@require_POST
def item_remove(request: AuthenticatedHttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    if kind not in KIND_FORMS:
        raise Http404
    scheme = _posted(request, pk, may_edit)
    try:
        services.detail_item_remove(actor=_user(request), scheme=scheme, kind=kind, item_id=item)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return _detail(request, selectors.scheme_get(_user(request), pk), status=400)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("Đã xóa."))
    return redirect("schemes:detail", pk=scheme.pk)
