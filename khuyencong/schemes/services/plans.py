"""Programmes, annual plans and support norms (the province's rules, as data)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.schemes.models import AnnualPlan, Programme, SupportNorm
from khuyencong.schemes.policy import may_drive, may_edit_norms
from khuyencong.schemes.services.common import COMMITTED, vnd


def _apply(instance: Any, data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        setattr(instance, key, value)


@transaction.atomic
def programme_create(*, actor: User, data: Mapping[str, Any]) -> Programme:
    require(may_drive(actor))
    return core.save_new(Programme(**data), actor=actor)


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, data: Mapping[str, Any],
                     expected_version: int | None) -> Programme:
    require(may_drive(actor))
    _apply(programme, data)
    return core.save_changes(programme, actor=actor, expected_version=expected_version)


@transaction.atomic
def plan_create(*, actor: User, data: Mapping[str, Any]) -> AnnualPlan:
    require(may_drive(actor))
    return core.save_new(AnnualPlan(**data), actor=actor)


@transaction.atomic
def plan_update(*, actor: User, plan: AnnualPlan, data: Mapping[str, Any], expected_version: int | None) -> AnnualPlan:
    """Change a plan; its total may not drop below what approved schemes already hold."""
    require(may_drive(actor))
    _apply(plan, data)
    committed = plan.schemes.filter(status__in=COMMITTED).aggregate(s=Coalesce(Sum("public_support"), 0))["s"]
    if plan.approved_total < committed:
        raise ValidationError({"approved_total": _(
            "Các đề án đã duyệt trong kế hoạch dùng %(used)s đồng; tổng kinh phí không được thấp hơn.")
            % {"used": vnd(committed)}})
    if "funding_source" in data and plan.schemes.exists():
        raise ValidationError({"funding_source": _("Kế hoạch đã có đề án; không đổi được nguồn kinh phí.")})
    return core.save_changes(plan, actor=actor, expected_version=expected_version)


@transaction.atomic
def support_norm_create(*, actor: User, data: Mapping[str, Any]) -> SupportNorm:
    require(may_edit_norms(actor), _("Chỉ quản trị cấp tỉnh được sửa định mức hỗ trợ."))
    return core.save_new(SupportNorm(**data), actor=actor)


@transaction.atomic
def support_norm_update(*, actor: User, norm: SupportNorm, data: Mapping[str, Any],
                        expected_version: int | None) -> SupportNorm:
    require(may_edit_norms(actor), _("Chỉ quản trị cấp tỉnh được sửa định mức hỗ trợ."))
    _apply(norm, data)
    return core.save_changes(norm, actor=actor, expected_version=expected_version)
