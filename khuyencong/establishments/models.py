"""The registry of rural industrial establishments (cơ sở CNNT) and the eligibility rule."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import DatedRule, TrackedModel
from khuyencong.core.validators import validate_past_date
from khuyencong.establishments.validators import (
    validate_phone,
    validate_plain_text,
    validate_tax_code,
    validate_vsic,
)


class LegalForm(models.TextChoices):
    ENTERPRISE = "enterprise", _("Doanh nghiệp nhỏ và vừa")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ kinh doanh")


class SectorGroup(models.TextChoices):
    AGRO_PROCESSING = "agro_processing", _("Chế biến nông, lâm, thủy sản")
    CONSTRUCTION_MATERIALS = "construction_materials", _("Sản xuất vật liệu xây dựng")
    MECHANICAL = "mechanical", _("Cơ khí")
    HANDICRAFTS = "handicrafts", _("Thủ công mỹ nghệ")
    OTHER = "other", _("Ngành nghề khác")


class Status(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    SUSPENDED = "suspended", _("Tạm ngừng hoạt động")
    CLOSED = "closed", _("Đã giải thể/chấm dứt")


class Establishment(TrackedModel):
    name = models.CharField(_("tên cơ sở"), max_length=255, validators=[validate_plain_text])
    search_name = models.CharField(max_length=255, db_index=True, editable=False)
    legal_form = models.CharField(_("loại hình"), max_length=20, choices=LegalForm.choices)
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, null=True, blank=True, unique=True, validators=[validate_tax_code],
        error_messages={"unique": _("Mã số thuế này đã được đăng ký cho một cơ sở khác.")},
    )
    business_registration_no = models.CharField(_("số đăng ký kinh doanh"), max_length=30, blank=True)
    representative_name = models.CharField(
        _("người đại diện"), max_length=150, blank=True, validators=[validate_plain_text]
    )
    representative_phone = models.CharField(_("điện thoại"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("địa chỉ (số nhà, đường, ấp/thôn)"), max_length=255, blank=True,
                               validators=[validate_plain_text])
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
        related_name="establishments", limit_choices_to={"level": "commune"},
    )
    vsic_code = models.CharField(_("mã ngành VSIC"), max_length=5, validators=[validate_vsic])
    sector_group = models.CharField(_("nhóm ngành"), max_length=30, choices=SectorGroup.choices)
    employees = models.PositiveIntegerField(_("số lao động"), default=0)
    craft_village = models.CharField(_("làng nghề"), max_length=150, blank=True, validators=[validate_plain_text])
    women_owned = models.BooleanField(_("do phụ nữ làm chủ"), default=False)
    ethnic_minority_owned = models.BooleanField(_("do người dân tộc thiểu số làm chủ"), default=False)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # The date the registration refers to: the commune must be the unit in force on that day.
    registered_on = models.DateField(_("ngày đăng ký vào hệ thống"), default=timezone.localdate,
                                     validators=[validate_past_date])
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords(excluded_fields=["search_name", "updated_at", "version"])

    class Meta:
        verbose_name = _("cơ sở CNNT")
        verbose_name_plural = _("cơ sở CNNT")
        indexes = [models.Index(fields=["commune", "sector_group"])]

    def __str__(self) -> str:
        return self.name


class EligibilityRule(DatedRule):
    """Who counts as a rural industrial establishment on a date: the rule is data, with its legal basis.

    ``excluded_areas`` lists "<commune type>@<parent type>" patterns ("*" matches any type) whose
    establishments are not eligible, unless they sit in a recognised craft village and the rule
    exempts craft villages (Decree 235/2025 Art. 1 cl. 2).
    """

    name = models.CharField(_("tên quy định"), max_length=200)
    legal_forms = models.JSONField(_("loại hình được hỗ trợ"), default=list)
    excluded_areas = models.JSONField(_("địa bàn không thuộc đối tượng"), default=list, blank=True)
    craft_village_exempt = models.BooleanField(_("làng nghề được công nhận vẫn thuộc đối tượng"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy định đối tượng CNNT")
        verbose_name_plural = _("quy định đối tượng CNNT")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="eligibility_rule_interval_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.legal_basis})"


class RepresentativeInvitation(models.Model):
    """A one-time link that makes its holder a representative of ``establishment`` (issue 18).

    Only the SHA-256 of the token is kept; the token itself travels once, in the e-mail. Made by an
    officer from the establishment's page, or by the confirmation of a self-registration.
    """

    establishment = models.ForeignKey(Establishment, verbose_name=_("cơ sở"), on_delete=models.CASCADE,
                                      related_name="invitations")
    email = models.EmailField(_("thư điện tử"))
    full_name = models.CharField(_("họ và tên"), max_length=150)
    token_digest = models.CharField(_("băm của mã mời"), max_length=64, unique=True)
    invited_by = models.ForeignKey("accounts.User", verbose_name=_("người mời"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("mời lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    accepted_at = models.DateTimeField(_("nhận lời lúc"), null=True, blank=True)
    accepted_by = models.ForeignKey("accounts.User", verbose_name=_("người nhận lời"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["token_digest"])

    class Meta:
        verbose_name = _("lời mời đại diện cơ sở")
        verbose_name_plural = _("lời mời đại diện cơ sở")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.establishment_id}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Chờ cán bộ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    REFUSED = "refused", _("Bị từ chối")


class RepresentativeRegistration(models.Model):
    """A person asks to represent the establishment with this tax code; an officer of its area decides."""

    establishment = models.ForeignKey(Establishment, verbose_name=_("cơ sở"), on_delete=models.CASCADE,
                                      related_name="representative_registrations")
    tax_code = models.CharField(_("mã số thuế"), max_length=14)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    email = models.EmailField(_("thư điện tử"))
    phone = models.CharField(_("điện thoại"), max_length=20)
    # The establishment already had a representative when asked: the officer must check who is who.
    already_represented = models.BooleanField(_("cơ sở đã có người đại diện"), default=False)
    status = models.CharField(_("trạng thái"), max_length=20, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", verbose_name=_("người quyết định"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True, validators=[MaxLengthValidator(2000)])
    invitation = models.ForeignKey(RepresentativeInvitation, verbose_name=_("lời mời đã gửi"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký làm đại diện cơ sở")
        verbose_name_plural = _("đăng ký làm đại diện cơ sở")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.tax_code}"
