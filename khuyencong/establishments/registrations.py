"""Self-registration as an establishment's representative, decided by an officer of its area (issue 18)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Representation, User
from khuyencong.accounts.policy import require
from khuyencong.accounts.scoping import scope
from khuyencong.core import ratelimit
from khuyencong.core.errors import RateLimitedError
from khuyencong.establishments.models import Establishment, RegistrationStatus, RepresentativeRegistration
from khuyencong.establishments.representatives import _invite, may_manage_representatives, officers_for
from khuyencong.notifications.services import email_address, notify


def _establishment_by_tax_code(tax_code: str) -> Establishment:
    found = Establishment.objects.filter(tax_code=tax_code).first() if tax_code else None
    if found is None:
        raise ValidationError({"tax_code": _(
            "Không tìm thấy cơ sở nào có mã số thuế %(t)s trong sổ đăng ký khuyến công của tỉnh. Hãy kiểm tra lại "
            "mã số thuế, hoặc liên hệ cán bộ xã/phường để cơ sở được đăng ký trước.") % {"t": tax_code or "—"}})
    return found


@transaction.atomic
def registration_request(*, data: dict[str, Any], client: str) -> RepresentativeRegistration:
    """Record the request and tell the officers; an establishment already represented goes to them too."""
    if not ratelimit.allow(f"self_registration:{client}", None, settings.SELF_REGISTRATIONS_PER_MINUTE):
        raise RateLimitedError(_("Có quá nhiều yêu cầu đăng ký từ địa chỉ này; hãy thử lại sau ít phút."))
    tax_code = "".join(ch for ch in str(data.get("tax_code", "")) if ch.isdigit() or ch == "-")
    establishment = _establishment_by_tax_code(tax_code)
    email = User.objects.normalize_email(str(data["email"]).strip()).lower()
    if RepresentativeRegistration.objects.filter(establishment=establishment, email__iexact=email,
                                                 status=RegistrationStatus.PENDING).exists():
        raise ValidationError({"email": _("Yêu cầu của thư điện tử này cho cơ sở này đã được gửi và đang chờ "
                                          "cán bộ xác nhận.")})
    represented = Representation.objects.filter(establishment=establishment, until__isnull=True).exists()
    registration = RepresentativeRegistration.objects.create(
        establishment=establishment, tax_code=tax_code, full_name=str(data["full_name"]).strip(), email=email,
        phone=str(data["phone"]).strip(), already_represented=represented)
    note = _(" Cơ sở này đã có người đại diện: cần kiểm tra kỹ.") if represented else ""
    notify(officers_for(establishment), "registration.requested",
           _("%(n)s đề nghị làm người đại diện của %(est)s.%(note)s")
           % {"n": registration.full_name, "est": establishment.name, "note": note},
           reverse("establishments:registration_decide", args=[registration.pk]))
    email_address(email, _("Đã nhận đề nghị làm người đại diện cơ sở"), _(
        "Kính gửi %(n)s,\n\nĐề nghị làm người đại diện của cơ sở có mã số thuế %(t)s đã được chuyển tới cán bộ "
        "phụ trách. Anh/chị sẽ nhận thư khi đề nghị được xác nhận hoặc từ chối.\n") % {"n": registration.full_name,
                                                                                   "t": tax_code})
    return registration


def registrations_for(user: Any) -> QuerySet[RepresentativeRegistration]:
    """Requests in the user's area (officers only; everyone else sees none)."""
    base = RepresentativeRegistration.objects.select_related("establishment__commune", "decided_by")
    if getattr(user, "role", "") not in ("commune_officer", "province_officer", "province_admin"):
        return base.none()
    return scope(base, user, commune_path="establishment__commune_id")


def _decidable(actor: User, registration: RepresentativeRegistration) -> RepresentativeRegistration:
    locked = RepresentativeRegistration.objects.select_for_update().select_related("establishment").get(
        pk=registration.pk)
    require(may_manage_representatives(actor, locked.establishment),
            _("Chỉ cán bộ phụ trách địa bàn của cơ sở mới xác nhận được đề nghị này."))
    if locked.status != RegistrationStatus.PENDING:
        raise ValidationError(_("Đề nghị này đã được xử lý (%(s)s).") % {"s": locked.get_status_display()})
    return locked


@transaction.atomic
def registration_confirm(*, actor: User, registration: RepresentativeRegistration) -> RepresentativeRegistration:
    """Confirm: the person receives a one-time link to set their password (the same as an invitation)."""
    locked = _decidable(actor, registration)
    locked.invitation = _invite(actor=actor, establishment=locked.establishment, email=locked.email,
                                full_name=locked.full_name)
    locked.status, locked.decided_by, locked.decided_at = RegistrationStatus.CONFIRMED, actor, timezone.now()
    locked.save(update_fields=["invitation", "status", "decided_by", "decided_at"])
    notify([actor], "registration.confirmed", _("Đã xác nhận %(n)s là người đại diện của %(est)s.")
           % {"n": locked.full_name, "est": locked.establishment.name},
           reverse("establishments:registration_decide", args=[locked.pk]), email=False)
    return locked


@transaction.atomic
def registration_refuse(*, actor: User, registration: RepresentativeRegistration,
                        reason: str) -> RepresentativeRegistration:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do từ chối: người đề nghị sẽ nhận được lý do này.")})
    locked = _decidable(actor, registration)
    locked.status, locked.decided_by, locked.decided_at = RegistrationStatus.REFUSED, actor, timezone.now()
    locked.refusal_reason = reason
    locked.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    email_address(locked.email, _("Đề nghị làm người đại diện cơ sở chưa được chấp nhận"), _(
        "Kính gửi %(n)s,\n\nĐề nghị làm người đại diện của %(est)s chưa được chấp nhận. Lý do: %(r)s\n")
        % {"n": locked.full_name, "est": locked.establishment.name, "r": reason})
    notify([actor], "registration.refused", _("Đã từ chối đề nghị của %(n)s cho %(est)s.")
           % {"n": locked.full_name, "est": locked.establishment.name},
           reverse("establishments:registration_decide", args=[locked.pk]), email=False)
    return locked
