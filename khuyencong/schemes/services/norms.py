"""Support norms (định mức hỗ trợ): the province's rules as dated versions, never rewritten once applied.

A change of rule is a new version: the current one is closed the day before the new one takes effect,
so a scheme approved earlier is still checked against the rule valid on its approval date
(TT 28/2018/TT-BTC replaced TTLT 26/2014 this way on 15/5/2018). Only typo fixes of the legal basis or
note are made in place (audited by django-simple-history), and rule figures only while no approved
scheme has relied on the version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.schemes.models import ActivityType, FundingSource, Scheme, SupportNorm
from khuyencong.schemes.models.finance import ANY_LEGAL_FORM, legal_form_choices
from khuyencong.schemes.policy import may_edit_norms
from khuyencong.schemes.services.common import COMMITTED, day

KEY = ("activity_type_code", "funding_source", "legal_form")
RULE = ("max_percent", "cap_vnd", "cap_per_establishment")
TEXT = ("legal_basis", "note")
FIELDS = {*KEY, *RULE, *TEXT, "valid_from", "valid_to"}


def _refuse_unknown(data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("Không thể sửa trường này ở đây.") for name in sorted(unknown)})


def _percent(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _key_errors(norm: SupportNorm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not ActivityType.objects.filter(code=norm.activity_type_code).exists():
        errors["activity_type_code"] = _("Không có loại hoạt động này.")
    if norm.funding_source not in FundingSource.values:
        errors["funding_source"] = _("Nguồn kinh phí không hợp lệ.")
    if norm.legal_form not in dict(legal_form_choices()):
        errors["legal_form"] = _("Loại hình cơ sở không hợp lệ.")
    return errors


def _value_errors(norm: SupportNorm) -> dict[str, str]:
    errors: dict[str, str] = {}
    percent = _percent(norm.max_percent)
    if percent is None or not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        errors["max_percent"] = _("Tỷ lệ hỗ trợ tối đa phải là số từ 0 đến 100 (%).")
    elif percent != percent.quantize(Decimal("0.01")):
        errors["max_percent"] = _("Tỷ lệ hỗ trợ tối đa chỉ lấy đến hai chữ số thập phân.")
    else:
        norm.max_percent = percent
    cap = norm.cap_vnd
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
        errors["cap_vnd"] = _("Mức hỗ trợ tối đa phải là số nguyên không âm, tính bằng đồng "
                              "(để trống nếu không giới hạn).")
    if not (norm.legal_basis or "").strip():
        errors["legal_basis"] = _("Hãy ghi căn cứ pháp lý của định mức.")
    if not isinstance(norm.valid_from, dt.date):
        errors["valid_from"] = _("Hãy nhập ngày bắt đầu hiệu lực.")
    elif norm.valid_to is not None and norm.valid_to < norm.valid_from:
        errors["valid_to"] = _("Ngày hết hiệu lực không được trước ngày hiệu lực (%(day)s).") % {
            "day": day(norm.valid_from)}
    return errors


def _validate(norm: SupportNorm) -> None:
    """Field rules with Vietnamese messages, plus no overlap with another version of the same rule."""
    errors = {**_key_errors(norm), **_value_errors(norm)}
    if errors:
        raise ValidationError(errors)
    clash = _overlapping(norm).first()
    if clash is not None:
        raise ValidationError({"valid_from": _(
            "Khoảng hiệu lực trùng với định mức cùng loại hiệu lực từ %(from)s đến %(to)s (%(basis)s). "
            "Hãy sửa định mức đó để tạo phiên bản mới.") % {
            "from": day(clash.valid_from), "to": day(clash.valid_to) if clash.valid_to else _("nay"),
            "basis": clash.legal_basis}})


def _overlapping(norm: SupportNorm) -> Any:
    """Other versions of the same rule whose validity interval meets [valid_from, valid_to]."""
    others = SupportNorm.objects.filter(**{k: getattr(norm, k) for k in KEY}).exclude(pk=norm.pk)
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=norm.valid_from))
    if norm.valid_to is not None:
        others = others.filter(valid_from__lte=norm.valid_to)
    return others.order_by("valid_from")


def _applied(norm: SupportNorm) -> bool:
    """Whether an approved scheme's approval date falls in this version (so its figures were relied on)."""
    schemes = Scheme.objects.filter(activity_type__code=norm.activity_type_code, funding_source=norm.funding_source,
                                    status__in=COMMITTED, approval_decision_date__gte=norm.valid_from)
    if norm.valid_to is not None:
        schemes = schemes.filter(approval_decision_date__lte=norm.valid_to)
    return schemes.exists()


def _message() -> str:
    return _("Chỉ quản trị cấp tỉnh được sửa định mức hỗ trợ.")


@transaction.atomic
def support_norm_create(*, actor: User, data: Mapping[str, Any]) -> SupportNorm:
    require(may_edit_norms(actor), _message())
    _refuse_unknown(data, FIELDS)
    norm = SupportNorm(**{"legal_form": ANY_LEGAL_FORM, **data})
    norm.legal_basis = (norm.legal_basis or "").strip()
    _validate(norm)
    return core.save_new(norm, actor=actor)


@transaction.atomic
def support_norm_update(*, actor: User, norm: SupportNorm, data: Mapping[str, Any],
                        expected_version: int | None) -> SupportNorm:
    """Correct a version in place. Rule figures and dates only while no approved scheme relied on it."""
    require(may_edit_norms(actor), _message())
    _refuse_unknown(data, {*RULE, *TEXT, "valid_from", "valid_to"})
    changed = {k for k, v in data.items() if getattr(norm, k) != v}
    if changed & {*RULE, "valid_from", "valid_to"} and _applied(norm):
        raise ValidationError({"__all__": _(
            "Định mức này đã được áp dụng khi phê duyệt đề án nên không sửa trực tiếp được. "
            "Hãy tạo phiên bản mới với ngày bắt đầu hiệu lực mới.")})
    for key in changed:
        setattr(norm, key, data[key])
    _validate(norm)
    return core.save_changes(norm, actor=actor, expected_version=expected_version)


@transaction.atomic
def support_norm_revise(*, actor: User, norm: SupportNorm, data: Mapping[str, Any], effective_from: dt.date,
                        expected_version: int | None) -> SupportNorm:
    """Open a new version from ``effective_from`` and close ``norm`` the day before; history stays intact."""
    require(may_edit_norms(actor), _message())
    _refuse_unknown(data, {*RULE, *TEXT, "valid_to"})
    if effective_from <= norm.valid_from:
        raise ValidationError({"valid_from": _(
            "Phiên bản mới phải có hiệu lực sau ngày %(day)s (ngày hiệu lực của định mức hiện tại).") % {
            "day": day(norm.valid_from)}})
    if norm.valid_to is not None and effective_from > norm.valid_to + dt.timedelta(days=1):
        raise ValidationError({"valid_from": _(
            "Định mức hiện tại đã hết hiệu lực ngày %(day)s; hãy tạo định mức mới thay vì sửa.") % {
            "day": day(norm.valid_to)}})
    successor = SupportNorm(**{k: getattr(norm, k) for k in (*KEY, *RULE, *TEXT)})
    successor.valid_to = norm.valid_to
    for key, value in data.items():
        setattr(successor, key, value)
    successor.valid_from = effective_from
    successor.legal_basis = (successor.legal_basis or "").strip()
    norm.valid_to = effective_from - dt.timedelta(days=1)
    core.save_changes(norm, actor=actor, expected_version=expected_version)
    _validate(successor)
    return core.save_new(successor, actor=actor)
