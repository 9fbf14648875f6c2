"""Accounts for establishments (issue 18): invitations by officers and self-registrations by tax code.

Both end in the same place: an invitation (a one-time link, only its hash stored) whose acceptance
makes the holder a representative (:func:`khuyencong.accounts.representation.representation_open`).
A self-registration is never linked by itself: an officer of the establishment's area confirms it,
which sends the invitation, or refuses it with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Representation, Role, User
from khuyencong.accounts.policy import Action, may_act_on_establishment, require, visible_commune_ids
from khuyencong.accounts.representation import representation_open
from khuyencong.establishments.models import (
    Establishment,
    RepresentativeInvitation,
)
from khuyencong.notifications.channels import absolute
from khuyencong.notifications.services import email_address, notify

# Who decides on representatives: the officers who answer for the establishment's register.
DECIDERS = (Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage_representatives(user: Any, establishment: Establishment) -> bool:
    """Officers of the establishment's area (commune officer of its commune, province staff)."""
    return getattr(user, "role", "") in DECIDERS and may_act_on_establishment(user, Action.CREATE, establishment)


def officers_for(establishment: Establishment) -> list[User]:
    """The people a self-registration goes to: commune officers of its commune, else the province officers."""
    officers = User.objects.filter(is_active=True, role=Role.COMMUNE_OFFICER).prefetch_related("communes")
    local = [o for o in officers if establishment.commune_id in (visible_commune_ids(o) or set())]
    return local or list(User.objects.filter(is_active=True, role=Role.PROVINCE_OFFICER))


@transaction.atomic
def invitation_send(*, actor: User, establishment: Establishment, email: str,
                    full_name: str) -> RepresentativeInvitation:
    require(may_manage_representatives(actor, establishment),
            _("Chỉ cán bộ phụ trách địa bàn của cơ sở mới mời được người đại diện."))
    return _invite(actor=actor, establishment=establishment, email=email, full_name=full_name)


def _invite(*, actor: User, establishment: Establishment, email: str, full_name: str) -> RepresentativeInvitation:
    email = User.objects.normalize_email(email.strip()).lower()
    if Representation.objects.filter(establishment=establishment, user__email__iexact=email,
                                     until__isnull=True).exists():
        raise ValidationError({"email": _("Người có thư điện tử %(e)s đã là đại diện của cơ sở này.") % {"e": email}})
    token = secrets.token_urlsafe(32)
    invitation = RepresentativeInvitation.objects.create(
        establishment=establishment, email=email, full_name=full_name.strip(), token_digest=digest(token),
        invited_by=actor, expires_at=timezone.now() + dt.timedelta(days=settings.REPRESENTATIVE_INVITATION_DAYS))
    link = absolute(reverse("establishments:invitation_accept", args=[token]))
    expires = timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M")
    email_address(email, _("Lời mời làm người đại diện của %(n)s") % {"n": establishment.name}, _(
        "Kính gửi %(name)s,\n\n%(officer)s mời anh/chị làm người đại diện của %(est)s trên hệ thống quản lý "
        "khuyến công. Mở liên kết sau để đặt mật khẩu (chỉ dùng được một lần, hết hạn lúc %(exp)s):\n\n%(link)s\n"
    ) % {"name": invitation.full_name, "officer": actor, "est": establishment.name, "exp": expires, "link": link})
    notify([actor], "representation.invited",
           _("Đã gửi lời mời đại diện %(est)s tới %(e)s.") % {"est": establishment.name, "e": email},
           reverse("establishments:detail", args=[establishment.pk]), email=False)
    return invitation


@dataclass(frozen=True)
class InvitationProblem:
    message: str
    status: int


def invitation_for_token(token: str) -> RepresentativeInvitation | InvitationProblem:
    """The usable invitation, or why the link cannot be used (a clear page, never a 5xx)."""
    found = RepresentativeInvitation.objects.select_related("establishment").filter(token_digest=digest(token)).first()
    if found is None:
        return InvitationProblem(_("Liên kết mời không hợp lệ. Hãy kiểm tra lại địa chỉ trong thư hoặc "
                                   "đề nghị cán bộ gửi lời mời mới."), 404)
    if found.accepted_at is not None:
        return InvitationProblem(_("Liên kết mời này đã được sử dụng ngày %(d)s. Mỗi liên kết chỉ dùng được một lần; "
                                   "hãy đăng nhập hoặc đề nghị cán bộ gửi lời mời mới.")
                                 % {"d": timezone.localtime(found.accepted_at).strftime("%d/%m/%Y")}, 410)
    if found.expires_at <= timezone.now():
        return InvitationProblem(_("Liên kết mời đã hết hạn lúc %(d)s. Hãy đề nghị cán bộ gửi lời mời mới.")
                                 % {"d": timezone.localtime(found.expires_at).strftime("%d/%m/%Y %H:%M")}, 410)
    return found


def existing_account(invitation: RepresentativeInvitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email, is_active=True).order_by("pk").first()


@transaction.atomic
def invitation_accept(*, token: str, password: str | None, signed_in: Any = None) -> User:
    """Accept once: a new account sets ``password`` (Django's validators); an existing one must be signed in."""
    found = invitation_for_token(token)
    if isinstance(found, InvitationProblem):
        raise ValidationError(found.message)
    invitation = RepresentativeInvitation.objects.select_for_update().get(pk=found.pk)
    if invitation.accepted_at is not None:  # accepted by a concurrent request meanwhile
        raise ValidationError(_("Liên kết mời này đã được sử dụng."))
    user = existing_account(invitation)
    if user is not None:
        require(getattr(signed_in, "pk", None) == user.pk,
                _("Thư điện tử này đã có tài khoản: hãy đăng nhập bằng tài khoản đó rồi mở lại liên kết."))
    elif User.objects.filter(username__iexact=invitation.email).exists():
        raise ValidationError(_("Đã có tài khoản (bị khóa) mang thư điện tử này; hãy liên hệ quản trị hệ thống."))
    else:
        user = User(username=invitation.email, email=invitation.email, full_name=invitation.full_name,
                    role=Role.ESTABLISHMENT_REP)
        validate_password(password or "", user)
        user.set_password(password)
        user.save()
    representation_open(user=user, establishment_id=invitation.establishment_id, confirmed_by=invitation.invited_by,
                        source="invitation")
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    notify([invitation.invited_by], "representation.accepted",
           _("%(u)s đã nhận lời làm người đại diện của %(est)s.") % {"u": user, "est": invitation.establishment.name},
           reverse("establishments:detail", args=[invitation.establishment_id]))
    return user
