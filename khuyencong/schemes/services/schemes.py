"""Creating and editing schemes (before settlement)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.services import attribute
from khuyencong.core.text import normalize
from khuyencong.establishments.models import Establishment
from khuyencong.schemes.models import Scheme, SchemeBeneficiary, SchemeStatus
from khuyencong.schemes.policy import may_edit, may_propose
from khuyencong.schemes.services.common import (
    COMMITTED,
    FROZEN,
    check_disbursed_within_support,
    check_norm,
    check_plan_budget,
)
from khuyencong.schemes.services.lifecycle import record_event

EDITABLE = {
    "code", "title", "activity_type", "funding_source", "implementing_unit_name", "implementing_unit",
    "planned_start", "planned_end", "actual_start", "actual_end", "total_cost", "public_support",
    "counterpart_capital", "notes",
}
MONEY = {"total_cost", "public_support", "counterpart_capital"}
_TEXT = {"code", "title", "implementing_unit_name", "notes"}


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - EDITABLE
    if unknown:
        raise ValidationError({name: _("Không thể sửa trường này ở đây.") for name in sorted(unknown)})
    cleaned = dict(data)
    for key in _TEXT & cleaned.keys():
        cleaned[key] = normalize(cleaned[key] or "")
    for key in MONEY & cleaned.keys():
        value = cleaned[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError({key: _("Số tiền phải là số nguyên không âm, tính bằng đồng.")})
    return cleaned


def _check_activity_type(scheme: Scheme) -> None:
    on = scheme.planned_start or timezone.localdate()
    if scheme.activity_type_id and not scheme.activity_type.is_valid_on(on):
        raise ValidationError({"activity_type": _("Loại hoạt động “%(label)s” không có hiệu lực vào ngày %(day)s.")
                               % {"label": scheme.activity_type.label, "day": on.strftime("%d/%m/%Y")}})


def _set_beneficiaries(scheme: Scheme, establishments: list[Establishment], actor: User) -> None:
    wanted = {e.pk for e in establishments}
    SchemeBeneficiary.objects.filter(scheme=scheme).exclude(establishment_id__in=wanted).delete()
    existing = set(SchemeBeneficiary.objects.filter(scheme=scheme).values_list("establishment_id", flat=True))
    for pk in sorted(wanted - existing):
        link = SchemeBeneficiary(scheme=scheme, establishment_id=pk)
        attribute(link, actor)
        link.save()


def _area_message() -> str:
    return _("Cán bộ xã chỉ được đề xuất đề án cho cơ sở thuộc xã/phường mình phụ trách.")


@transaction.atomic
def scheme_create(*, actor: User, data: Mapping[str, Any], beneficiaries: Iterable[Establishment] = ()) -> Scheme:
    """Record a proposal (đề xuất); it enters the lifecycle in status "proposed"."""
    establishments = list(beneficiaries)
    unit = data.get("implementing_unit")
    require(may_propose(actor, establishments=establishments, unit_id=getattr(unit, "pk", None)), _area_message())
    scheme = Scheme(**_clean(data), status=SchemeStatus.PROPOSED)
    if scheme.activity_type_id:
        _check_activity_type(scheme)
    core.save_new(scheme, actor=actor)
    _set_beneficiaries(scheme, establishments, actor)
    record_event(scheme, actor=actor, from_status="", to_status=SchemeStatus.PROPOSED, note=_("Lập đề xuất đề án."))
    return scheme


def refuse_frozen(scheme: Scheme) -> None:
    if scheme.status == SchemeStatus.CANCELLED:
        raise ValidationError({"__all__": _("Đề án đã hủy; không thể sửa.")})
    if scheme.status in FROZEN:
        raise ValidationError({"__all__": _(
            "Đề án đã quyết toán nên số liệu đã khóa. Muốn thay đổi, hãy lập điều chỉnh đề án và nêu lý do.")})


@transaction.atomic
def scheme_update(*, actor: User, scheme: Scheme, data: Mapping[str, Any], expected_version: int | None,
                  beneficiaries: Iterable[Establishment] | None = None) -> Scheme:
    """Edit an unsettled scheme; approved schemes are re-checked against their plan and norm."""
    require(may_edit(actor, scheme))
    refuse_frozen(scheme)
    cleaned = _clean(data)
    establishments = list(beneficiaries) if beneficiaries is not None else None
    if establishments is not None:
        require(may_propose(actor, establishments=establishments, unit_id=scheme.implementing_unit_id),
                _area_message())
    changed = {k for k, v in cleaned.items() if getattr(scheme, k) != v}
    for key in changed:
        setattr(scheme, key, cleaned[key])
    if "activity_type" in changed or "planned_start" in changed:
        _check_activity_type(scheme)
    core.save_changes(scheme, actor=actor, expected_version=expected_version)
    if establishments is not None:
        _set_beneficiaries(scheme, establishments, actor)
    if scheme.status in COMMITTED and (changed & (MONEY | {"funding_source", "activity_type"})
                                       or establishments is not None):
        check_plan_budget(scheme)
        assert scheme.approval_decision_date is not None
        check_norm(scheme, on=scheme.approval_decision_date)
        check_disbursed_within_support(scheme)
    return scheme
