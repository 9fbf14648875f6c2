"""Writes on cooperation records. Pages and the API both come here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.cooperation import policy
from khuyencong.cooperation.models import Activity, ActivityKind, ActivityParticipant, Agreement, Partner
from khuyencong.core import services as core
from khuyencong.core.text import normalize
from khuyencong.training.models import Person, PersonRole
from khuyencong.training.policy import sees_person

_TEXT = {"name", "country", "city", "title", "abroad_country", "abroad_city", "notes"}


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: normalize(v or "") if k in _TEXT else v for k, v in data.items()}


@transaction.atomic
def partner_create(*, actor: User, data: Mapping[str, Any]) -> Partner:
    require(policy.may_edit_partner(actor))
    return core.save_new(Partner(**_clean(data)), actor=actor)


@transaction.atomic
def partner_update(*, actor: User, partner: Partner, data: Mapping[str, Any], expected_version: int | None) -> Partner:
    """Correct a partner's name, country, city or notes (province staff); the unique name check runs on save."""
    require(policy.may_edit_partner(actor))
    for key, value in _clean(data).items():
        setattr(partner, key, value)
    return core.save_changes(partner, actor=actor, expected_version=expected_version)


def _validate_agreement(agreement: Agreement) -> None:
    errors: dict[str, str] = {}
    if agreement.valid_to and agreement.valid_from and agreement.valid_to < agreement.valid_from:
        errors["valid_to"] = _("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")
    if agreement.signed_on and agreement.valid_to and agreement.valid_to < agreement.signed_on:
        errors["valid_to"] = _("Ngày hết hiệu lực không được trước ngày ký.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_create(*, actor: User, partner: Partner, data: Mapping[str, Any]) -> Agreement:
    require(policy.may_edit_partner(actor))
    agreement = Agreement(partner=partner, **_clean(data))
    _validate_agreement(agreement)
    return core.save_new(agreement, actor=actor)


@transaction.atomic
def agreement_update(*, actor: User, agreement: Agreement, data: Mapping[str, Any],
                     expected_version: int | None) -> Agreement:
    """Change an agreement's title, dates or notes; its partner is fixed (activities point at both)."""
    require(policy.may_edit_partner(actor))
    cleaned = _clean(data)
    partner = cleaned.pop("partner", None)
    if partner is not None and getattr(partner, "pk", partner) != agreement.partner_id:
        raise ValidationError({"partner": _("Không thể đổi đối tác của một thỏa thuận; hãy tạo thỏa thuận mới.")})
    for key, value in cleaned.items():
        setattr(agreement, key, value)
    _validate_agreement(agreement)
    return core.save_changes(agreement, actor=actor, expected_version=expected_version)


def _validate_activity(activity: Activity) -> None:
    errors: dict[str, str] = {}
    if activity.start_date and activity.end_date and activity.end_date < activity.start_date:
        errors["end_date"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
    agreement = activity.agreement if activity.agreement_id else None
    if agreement is not None and activity.partner_id and agreement.partner_id != activity.partner_id:
        errors["agreement"] = _("Thỏa thuận không thuộc đối tác đã chọn.")
    if activity.organising_unit_id and activity.organising_unit.level not in ("province", "commune"):
        errors["organising_unit"] = _("Địa bàn tổ chức phải là tỉnh hoặc xã/phường.")
    if activity.venue_unit_id and activity.abroad_country:
        errors["abroad_country"] = _("Chỉ chọn một địa điểm: trong nước hoặc ở nước ngoài.")
    elif activity.kind == ActivityKind.COURSE_ABROAD and not activity.abroad_country:
        errors["abroad_country"] = _("Lớp đào tạo ở nước ngoài cần ghi tên nước.")
    elif activity.kind == ActivityKind.COURSE_IN_PROVINCE and activity.abroad_country:
        errors["abroad_country"] = _("Lớp tổ chức tại tỉnh không có địa điểm ở nước ngoài.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_create(*, actor: User, data: Mapping[str, Any]) -> Activity:
    require(policy.may_edit(actor))
    activity = Activity(**_clean(data))
    _validate_activity(activity)
    require(policy.may_edit_activity(actor, activity),
            _("Bạn chỉ được quản lý hoạt động do địa bàn mình phụ trách tổ chức."))
    return core.save_new(activity, actor=actor)


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, data: Mapping[str, Any],
                    expected_version: int | None) -> Activity:
    require(policy.may_edit_activity(actor, activity))
    for key, value in _clean(data).items():
        setattr(activity, key, value)
    _validate_activity(activity)
    require(policy.may_edit_activity(actor, activity),
            _("Bạn chỉ được quản lý hoạt động do địa bàn mình phụ trách tổ chức."))
    return core.save_changes(activity, actor=actor, expected_version=expected_version)


@transaction.atomic
def participant_add(*, actor: User, activity: Activity, person: Person) -> ActivityParticipant:
    """Add an official; the indicator counts civil servants and public employees only.

    The activity's organising unit decides, not where the official lives (officials of other provinces take
    part in the province's activities); the person must be one the actor may see."""
    require(policy.may_edit_activity(actor, activity))
    require(sees_person(actor, person), _("Bạn chỉ được thêm người trong phạm vi mình quản lý."))
    if person.role != PersonRole.CIVIL_SERVANT:
        raise ValidationError({"person": _("“%(name)s” không phải cán bộ, công chức, viên chức.") % {
            "name": person.full_name}})
    if ActivityParticipant.objects.filter(activity=activity, person=person).exists():
        raise ValidationError({"person": _("“%(name)s” đã có trong danh sách tham gia.") % {
            "name": person.full_name}})
    return core.save_new(ActivityParticipant(activity=activity, person=person), actor=actor)


@transaction.atomic
def participant_remove(*, actor: User, participant: ActivityParticipant) -> None:
    """Take an official off an activity; the history keeps who removed whom and when."""
    require(policy.may_edit_activity(actor, participant.activity),
            _("Bạn chỉ được quản lý hoạt động do địa bàn mình phụ trách tổ chức."))
    core.delete_record(participant, actor=actor)
