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
from khuyencong.schemes.models import AnnualPlan, Programme
from khuyencong.schemes.policy import may_drive
from khuyencong.schemes.services.common import COMMITTED, vnd

PROGRAMME_FIELDS = {"name", "level", "start_year", "end_year", "decision_no", "decision_date"}
PLAN_FIELDS = {"programme", "year", "funding_source", "approved_total", "decision_no", "decision_date"}


def _apply(instance: Any, data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("Không thể sửa trường này ở đây.") for name in sorted(unknown)})
    for key, value in data.items():
        setattr(instance, key, value.strip() if isinstance(value, str) else value)


def _check_plan(plan: AnnualPlan) -> None:
    total = plan.approved_total
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ValidationError({"approved_total": _("Số tiền phải là số nguyên không âm, tính bằng đồng.")})


@transaction.atomic
def programme_create(*, actor: User, data: Mapping[str, Any]) -> Programme:
    require(may_drive(actor))
    programme = Programme()
    _apply(programme, data, PROGRAMME_FIELDS)
    return core.save_new(programme, actor=actor)


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, data: Mapping[str, Any],
                     expected_version: int | None) -> Programme:
    require(may_drive(actor))
    _apply(programme, data, PROGRAMME_FIELDS)
    if programme.plans.exclude(year__gte=programme.start_year, year__lte=programme.end_year).exists():
        raise ValidationError({"start_year": _("Chương trình có kế hoạch năm nằm ngoài giai đoạn mới.")})
    return core.save_changes(programme, actor=actor, expected_version=expected_version)


@transaction.atomic
def plan_create(*, actor: User, data: Mapping[str, Any]) -> AnnualPlan:
    require(may_drive(actor))
    plan = AnnualPlan()
    _apply(plan, data, PLAN_FIELDS)
    _check_plan(plan)
    return core.save_new(plan, actor=actor)


@transaction.atomic
def plan_update(*, actor: User, plan: AnnualPlan, data: Mapping[str, Any], expected_version: int | None) -> AnnualPlan:
    """Change a plan; its total may not drop below what approved schemes already hold."""
    require(may_drive(actor))
    source = plan.funding_source
    _apply(plan, data, PLAN_FIELDS)
    _check_plan(plan)
    committed = plan.schemes.filter(status__in=COMMITTED).aggregate(s=Coalesce(Sum("public_support"), 0))["s"]
    if plan.approved_total < committed:
        raise ValidationError({"approved_total": _(
            "Các đề án đã duyệt trong kế hoạch dùng %(used)s đồng; tổng kinh phí không được thấp hơn.")
            % {"used": vnd(committed)}})
    if plan.funding_source != source and plan.schemes.exists():
        raise ValidationError({"funding_source": _("Kế hoạch đã có đề án; không đổi được nguồn kinh phí.")})
    return core.save_changes(plan, actor=actor, expected_version=expected_version)
