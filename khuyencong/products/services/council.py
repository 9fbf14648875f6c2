"""Changes to a council's seats after it is formed: remove, re-role, replace a juror mid-round.

Seats are marked, never deleted: a removed or replaced member keeps the score sheets they wrote (their
author stays known), but those sheets leave every count and total (``active_members``). Every change
runs under the council's row lock, so "one chair, one secretary" and "an odd jury" checks stay true.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.errors import StaleEditError
from khuyencong.core.locking import locked
from khuyencong.core.text import normalize
from khuyencong.products.models import Council, CouncilMember, MemberRole, RoundStatus
from khuyencong.products.policy import may_be_seated, may_manage_round
from khuyencong.products.services.rounds import check_single_role, seat_save


def active_members(council: Council | int) -> QuerySet[CouncilMember]:
    """The seats that count: not removed, not replaced."""
    return CouncilMember.objects.filter(council=council, removed_on__isnull=True)


def _locked_seat(actor: User, member: CouncilMember) -> CouncilMember:
    require(may_manage_round(actor, member.council.round))
    locked(Council, member.council_id)
    member = CouncilMember.objects.select_related("council__round", "user").get(pk=member.pk)
    if member.removed_on is not None:
        raise ValidationError({"member": _("%(who)s đã rời hội đồng.") % {"who": member.user}})
    return member


def _reason(reason: str) -> str:
    reason = normalize(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do thay đổi thành phần hội đồng.")})
    return reason


def _keep_secretary(member: CouncilMember) -> None:
    if member.role == MemberRole.SECRETARY:
        raise ValidationError({"member": _(
            "Không thể bỏ thư ký duy nhất của hội đồng: hãy thay thế thư ký bằng người khác.")})


def _open_only(member: CouncilMember, what: str) -> None:
    if member.council.round.status != RoundStatus.OPEN:
        raise ValidationError({"member": _(
            "Chỉ được %(what)s khi đợt bình chọn đang nhận hồ sơ; khi đang chấm điểm chỉ được thay thế giám khảo."
        ) % {"what": what}})


@transaction.atomic
def council_member_remove(*, actor: User, member: CouncilMember, reason: str) -> CouncilMember:
    """Take a member off the council before scoring starts (the reason is recorded)."""
    member = _locked_seat(actor, member)
    _open_only(member, _("bỏ thành viên"))
    _keep_secretary(member)
    member.removed_on, member.removal_reason = timezone.localdate(), _reason(reason)
    return core.save_changes(member, actor=actor, expected_version=member.version)


@transaction.atomic
def council_member_rerole(*, actor: User, member: CouncilMember, role: str,
                          expected_version: int | None = None) -> CouncilMember:
    """Give a member another role (one chair, one secretary; the last secretary keeps the role)."""
    member = _locked_seat(actor, member)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Vai trò trong hội đồng không hợp lệ.")})
    _open_only(member, _("đổi vai trò"))
    if role == member.role:
        return member
    if member.role == MemberRole.SECRETARY:
        _keep_secretary(member)
    check_single_role(member.council, role, member)
    if expected_version is not None and expected_version != member.version:
        raise StaleEditError
    member.role = role
    return seat_save(member, actor=actor)


@transaction.atomic
def council_member_replace(*, actor: User, member: CouncilMember, user: User, reason: str) -> CouncilMember:
    """Seat ``user`` in ``member``'s place and role, also mid-round; the old seat's sheets stop counting."""
    member = _locked_seat(actor, member)
    if member.council.round.status not in (RoundStatus.OPEN, RoundStatus.SCORING):
        raise ValidationError({"member": _("Đợt bình chọn đã kết thúc chấm điểm; không thể thay thế thành viên.")})
    reason = _reason(reason)
    if not user.is_active or not may_be_seated(user):
        raise ValidationError({"user": _(
            "Chỉ tài khoản thành viên hội đồng hoặc cán bộ cấp tỉnh đang hoạt động mới được cử vào hội đồng.")})
    if CouncilMember.objects.filter(council=member.council, user=user).exists():
        raise ValidationError({"user": _("%(who)s đã là (hoặc đã từng là) thành viên hội đồng này.") % {
            "who": user}})
    # Vacate first (the one-chair/one-secretary constraints count active seats only), then seat the successor.
    member.removed_on, member.removal_reason = timezone.localdate(), reason
    member = core.save_changes(member, actor=actor, expected_version=member.version)
    successor = seat_save(CouncilMember(council=member.council, user=user, role=member.role, title=member.title),
                          actor=actor)
    member.replaced_by = successor
    core.save_changes(member, actor=actor, expected_version=member.version)
    return successor
