"""Helpers shared by the scheme services: money formatting, plan and norm checks."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from khuyencong.core.locking import locked
from khuyencong.schemes.models import AnnualPlan, Scheme, SchemeStatus, SupportNorm
from khuyencong.schemes.models.finance import ANY_LEGAL_FORM

# Statuses whose public support is committed against the plan's budget.
COMMITTED = {SchemeStatus.APPROVED, SchemeStatus.CONTRACTED, SchemeStatus.IN_PROGRESS, SchemeStatus.ACCEPTED,
             SchemeStatus.SETTLED, SchemeStatus.AMENDED}
# After settlement (quyết toán) the figures are frozen; a change needs an amendment.
FROZEN = {SchemeStatus.SETTLED, SchemeStatus.AMENDED, SchemeStatus.CANCELLED}


def vnd(amount: int | None) -> str:
    """12345678 → "12.345.678" (Vietnamese thousands separator)."""
    return f"{amount or 0:,}".replace(",", ".")


def day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def check_plan_budget(scheme: Scheme) -> None:
    """The sum of approved schemes' public support may not exceed the plan's approved total."""
    plan: AnnualPlan | None = scheme.plan
    if plan is None:
        raise ValidationError({"plan": _("Đề án phải thuộc một kế hoạch năm khi được phê duyệt.")})
    if plan.funding_source != scheme.funding_source:
        raise ValidationError({"plan": _("Kế hoạch thuộc nguồn “%(plan)s” nhưng đề án dùng nguồn “%(scheme)s”.") % {
            "plan": plan.get_funding_source_display(), "scheme": scheme.get_funding_source_display()}})
    locked(AnnualPlan, plan.pk)  # two approvals at once cannot both pass the budget check
    committed = (Scheme.objects.filter(plan=plan, status__in=COMMITTED).exclude(pk=scheme.pk)
                 .aggregate(s=Coalesce(Sum("public_support"), 0))["s"])
    if committed + scheme.public_support > plan.approved_total:
        raise ValidationError({"plan": _(
            "Kế hoạch %(plan)s được duyệt %(total)s đồng, đã phân bổ %(used)s đồng, chỉ còn %(left)s đồng; "
            "không đủ cho kinh phí hỗ trợ %(need)s đồng của đề án."
        ) % {"plan": str(plan), "total": vnd(plan.approved_total), "used": vnd(committed),
             "left": vnd(max(plan.approved_total - committed, 0)), "need": vnd(scheme.public_support)}})


def norm_for(*, activity_code: str, funding_source: str, legal_forms: set[str], on: dt.date) -> SupportNorm | None:
    """The norm valid on ``on``; a norm for the beneficiaries' single legal form beats the "any" norm."""
    forms = {ANY_LEGAL_FORM, *legal_forms} if len(legal_forms) == 1 else {ANY_LEGAL_FORM}
    candidates = SupportNorm.objects.valid_on(on).filter(
        activity_type_code=activity_code, funding_source=funding_source, legal_form__in=forms,
    ).order_by("-valid_from", "pk")
    ordered = sorted(candidates, key=lambda n: n.legal_form == ANY_LEGAL_FORM)
    return ordered[0] if ordered else None


def support_limit(norm: SupportNorm, *, total_cost: int, beneficiaries: int) -> int:
    """min(percent × cost, cap), in whole VND rounded down."""
    by_percent = int((Decimal(total_cost) * norm.max_percent / 100).to_integral_value(ROUND_FLOOR))
    if norm.cap_vnd is None:
        return by_percent
    cap = norm.cap_vnd * (max(beneficiaries, 1) if norm.cap_per_establishment else 1)
    return min(by_percent, cap)


def check_norm(scheme: Scheme, *, on: dt.date) -> SupportNorm | None:
    """Refuse support above the norm valid on ``on`` or counterpart capital below cost − support."""
    establishments = list(scheme.beneficiaries.all())
    norm = norm_for(activity_code=scheme.activity_type.code, funding_source=scheme.funding_source,
                    legal_forms={e.legal_form for e in establishments}, on=on)
    errors: dict[str, str] = {}
    basis = norm.legal_basis if norm else _("quy định tài chính khuyến công")
    if norm is not None:
        limit = support_limit(norm, total_cost=scheme.total_cost, beneficiaries=len(establishments))
        if scheme.public_support > limit:
            cap = _(", tối đa %(cap)s đồng") % {"cap": vnd(norm.cap_vnd)} if norm.cap_vnd is not None else ""
            errors["public_support"] = _(
                "Kinh phí hỗ trợ %(support)s đồng vượt định mức: tối đa %(percent)s%% tổng kinh phí%(cap)s, "
                "tức %(limit)s đồng (%(basis)s, hiệu lực từ %(from)s)."
            ) % {"support": vnd(scheme.public_support), "percent": f"{norm.max_percent.normalize():f}", "cap": cap,
                 "limit": vnd(limit), "basis": norm.legal_basis, "from": day(norm.valid_from)}
    required = scheme.total_cost - scheme.public_support
    if scheme.counterpart_capital < required:
        errors["counterpart_capital"] = _(
            "Vốn đối ứng %(have)s đồng thấp hơn mức cơ sở phải đóng góp %(need)s đồng "
            "(tổng kinh phí trừ kinh phí hỗ trợ; %(basis)s)."
        ) % {"have": vnd(scheme.counterpart_capital), "need": vnd(required), "basis": basis}
    if errors:
        raise ValidationError(errors)
    return norm


def check_disbursed_within_support(scheme: Scheme) -> None:
    disbursed = scheme.disbursements.aggregate(s=Coalesce(Sum("amount"), 0))["s"]
    if disbursed > scheme.public_support:
        raise ValidationError({"public_support": _(
            "Đã giải ngân %(done)s đồng; kinh phí hỗ trợ không được thấp hơn số đã giải ngân.") % {
            "done": vnd(disbursed)}})
