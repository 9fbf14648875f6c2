"""Writes on selection rounds and their councils; the round's state machine lives here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.lifecycle import Lifecycle, Step
from khuyencong.core.locking import locked
from khuyencong.core.text import normalize
from khuyencong.products.models import (
    Council,
    CouncilMember,
    MemberRole,
    RoundEvent,
    RoundStatus,
    RuleSet,
    SelectionRound,
)
from khuyencong.products.policy import (
    may_approve_round,
    may_be_seated,
    may_create_round,
    may_manage_round,
    may_organise,
)

R = RoundStatus
# The only moves a round may make; each one is stored as a RoundEvent. Whoever manages the round drives
# it, except that the council's adoption of the list is the council's (its chair) or the manager's.
ROUND_LIFECYCLE = Lifecycle(
    statuses=RoundStatus, event=RoundEvent, may=may_manage_round,
    refused=gettext_lazy("Không thể chuyển đợt bình chọn từ “%(a)s” sang “%(b)s”."),
    steps=[
        Step(R.SCORING, frozenset({R.OPEN})),
        Step(R.SCORING_CLOSED, frozenset({R.SCORING})),
        Step(R.COUNCIL_APPROVED, frozenset({R.SCORING_CLOSED}), may=may_approve_round),
        Step(R.DECIDED, frozenset({R.COUNCIL_APPROVED})),
    ],
)
TRANSITIONS = ROUND_LIFECYCLE.table
# Roles a council holds once (Circular 26/2014 Art. 11); the database holds the rule too.
SINGLE_ROLES = (MemberRole.CHAIR, MemberRole.SECRETARY)

# Which kind of administrative unit organises a round of each level (Circular 26/2014 Art. 8, 38/2025).
_ORGANISER_LEVEL = {"district": "district", "commune": "commune", "province": "province"}


def before_any_rules(day: dt.date) -> str | None:
    """Why a round dated ``day`` cannot be recorded, when no scoring rules in the reference data reach back
    that far (``None`` otherwise).

    The rules are dated data (RuleSet, RecognitionLevel); the earliest stored are Circular 26/2014's, in
    force from 21/10/2014, while reporting periods start on 1/1/2014. The rules in force before it (Circular
    35/2010, which it replaced) are not in the reference material — neither its criteria nor its pass mark —
    so a round before that day is refused with that reason rather than scored under rules it did not have.
    """
    earliest = RuleSet.objects.order_by("valid_from").values_list("valid_from", flat=True).first()
    if earliest is None or day >= earliest:
        return None
    return _("Chưa có bộ tiêu chí bình chọn áp dụng cho ngày %(day)s: Thông tư 26/2014/TT-BCT có hiệu lực từ "
             "%(start)s; bộ tiêu chí áp dụng trước đó (Thông tư 35/2010/TT-BCT) chưa có trong hệ thống, nên chưa "
             "ghi nhận được đợt bình chọn có hạn nhận hồ sơ trước ngày %(start)s.") % {
        "day": day.strftime("%d/%m/%Y"), "start": earliest.strftime("%d/%m/%Y")}


def validate_round(selection_round: SelectionRound) -> None:
    """Level, rule set and organiser must be in force on the round's date (its dossier deadline)."""
    day = selection_round.dossier_deadline
    too_early = before_any_rules(day)
    if too_early:  # the one reason: the level and rule-set errors would only repeat it less clearly
        raise ValidationError({"dossier_deadline": too_early}, code="before_rules")
    errors: dict[str, str] = {}
    if selection_round.level_id and not selection_round.level.is_valid_on(day):
        errors["level"] = _("Cấp “%(level)s” không áp dụng vào ngày %(day)s.") % {
            "level": selection_round.level.label, "day": day.strftime("%d/%m/%Y")}
    if selection_round.rule_set_id and not (
        selection_round.rule_set.valid_from <= day
        and (selection_round.rule_set.valid_to is None or day <= selection_round.rule_set.valid_to)
    ):
        errors["rule_set"] = _("Bộ quy tắc chấm điểm không có hiệu lực vào ngày %(day)s.") % {
            "day": day.strftime("%d/%m/%Y")}
    if selection_round.organiser_id:
        unit = selection_round.organiser
        if not unit.is_valid_on(day):
            errors["organiser"] = _("Địa bàn tổ chức không còn hiệu lực vào ngày %(day)s.") % {
                "day": day.strftime("%d/%m/%Y")}
        expected = _ORGANISER_LEVEL.get(selection_round.level.code if selection_round.level_id else "")
        if expected and unit.level != expected:
            errors["organiser"] = _("Đợt bình chọn cấp này phải do đơn vị cấp %(level)s tổ chức.") % {
                "level": selection_round.level.label.lower()}
    if selection_round.year and selection_round.dossier_deadline.year not in (selection_round.year,
                                                                               selection_round.year - 1):
        errors["dossier_deadline"] = _("Hạn nhận hồ sơ phải thuộc năm bình chọn hoặc năm trước đó.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_create(*, actor: User, data: Mapping[str, Any]) -> SelectionRound:
    require(may_create_round(actor))
    selection_round = SelectionRound(**data)
    selection_round.name = normalize(selection_round.name or "")
    selection_round.status = RoundStatus.OPEN
    require(may_organise(actor, level_code=selection_round.level.code if selection_round.level_id else "",
                         organiser_id=selection_round.organiser_id),
            _("Cán bộ cấp xã chỉ được tổ chức bình chọn cấp xã trên địa bàn mình phụ trách."))
    selection_round.full_clean()
    validate_round(selection_round)
    return core.save_new(selection_round, actor=actor)


def move(*, actor: User, selection_round: SelectionRound, to: str, note: str = "") -> SelectionRound:
    """Apply one transition of the state machine (callers hold the transaction and the checks)."""
    result: SelectionRound = ROUND_LIFECYCLE.move(selection_round, actor=actor, target=to, note=note,
                                                  expected_version=selection_round.version)
    return result


def locked_round(selection_round: SelectionRound) -> SelectionRound:
    """Re-read the round holding its row lock, so its status is current until the transaction ends."""
    return locked(SelectionRound, selection_round.pk, related=("level", "rule_set"))


@transaction.atomic
def council_create(*, actor: User, selection_round: SelectionRound, name: str, decision_no: str = "") -> Council:
    require(may_manage_round(actor, selection_round))
    if Council.objects.filter(round=selection_round).exists():
        raise ValidationError({"name": _("Đợt bình chọn này đã có hội đồng.")})
    return core.save_new(Council(round=selection_round, name=normalize(name), decision_no=decision_no), actor=actor)


def check_single_role(council: Council, role: str, member: CouncilMember | None = None) -> None:
    """Refuse a second chair or secretary (``member``: the seat being changed, not counted)."""
    if role in SINGLE_ROLES:
        others = council.members.filter(role=role, removed_on__isnull=True)
        if member is not None:
            others = others.exclude(pk=member.pk)
        if others.exists():
            raise ValidationError({"role": _("Hội đồng đã có %(role)s.") % {"role": MemberRole(role).label.lower()}})


def seat_save(member: CouncilMember, *, actor: User) -> CouncilMember:
    """Insert or update a seat of a council whose row the caller has locked (``locked(Council, pk)``).

    The lock makes the checks above final; the database's constraints are the backstop for a writer that
    skipped it, and their violation reads as the checks' own message, never a 500.
    """
    try:
        with transaction.atomic():
            if member.pk is None:
                return core.save_new(member, actor=actor)
            return core.save_changes(member, actor=actor, expected_version=member.version)
    except IntegrityError:
        check_single_role(member.council, member.role, member if member.pk else None)
        if CouncilMember.objects.filter(council=member.council, user=member.user).exclude(pk=member.pk).exists():
            raise ValidationError({"user": _("Người này đã là thành viên hội đồng.")}) from None
        raise


@transaction.atomic
def council_member_add(*, actor: User, council: Council, user: User, role: str, title: str = "") -> CouncilMember:
    require(may_manage_round(actor, council.round))
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Vai trò trong hội đồng không hợp lệ.")})
    locked(Council, council.pk)  # seat changes of one council queue here, so the check below stays true
    check_single_role(council, role)
    if council.round.status not in (RoundStatus.OPEN,):
        raise ValidationError({"role": _("Chỉ được thay đổi thành phần hội đồng khi đợt bình chọn đang nhận hồ sơ.")})
    if not user.is_active:
        raise ValidationError({"user": _("Tài khoản này không còn hoạt động.")})
    if not may_be_seated(user):
        raise ValidationError({"user": _(
            "Chỉ tài khoản thành viên hội đồng hoặc cán bộ cấp tỉnh mới được cử vào hội đồng; "
            "không cử đại diện cơ sở, cán bộ kiểm tra hay cán bộ cấp xã.")})
    if CouncilMember.objects.filter(council=council, user=user).exists():
        raise ValidationError({"user": _("Người này đã là thành viên hội đồng.")})
    return seat_save(CouncilMember(council=council, user=user, role=role, title=normalize(title)), actor=actor)


def jury_warning(council: Council) -> str:
    """A warning shown while the council is set up: scoring cannot start without an odd number of jurors."""
    jurors = council.members.filter(role=MemberRole.JUROR, removed_on__isnull=True).count()
    if jurors == 0 or jurors % 2 == 0:
        return _("Ban giám khảo phải có số thành viên lẻ (hiện có %(n)d).") % {"n": jurors}
    return ""


@transaction.atomic
def round_start_scoring(*, actor: User, selection_round: SelectionRound) -> SelectionRound:
    ROUND_LIFECYCLE.authorise(actor, selection_round, RoundStatus.SCORING)
    selection_round = locked_round(selection_round)
    council = Council.objects.filter(round=selection_round).first()
    jurors = CouncilMember.objects.filter(council=council, role=MemberRole.JUROR,
                                          removed_on__isnull=True).count() if council else 0
    # The jury has an odd number of members (Circular 26/2014 Art. 11).
    if jurors == 0 or jurors % 2 == 0:
        raise ValidationError({"status": _("Ban giám khảo phải có số thành viên lẻ (hiện có %(n)d).") % {"n": jurors}})
    if not selection_round.nominations.exists():
        raise ValidationError({"status": _("Đợt bình chọn chưa có hồ sơ nào.")})
    return move(actor=actor, selection_round=selection_round, to=RoundStatus.SCORING)
