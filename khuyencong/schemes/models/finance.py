"""Money around a scheme: disbursements, support norms as data, amendments of settled figures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import DatedRule, TrackedModel
from khuyencong.schemes.models.plans import ActivityType, FundingSource
from khuyencong.schemes.models.schemes import Scheme

ANY_LEGAL_FORM = "any"


class Disbursement(TrackedModel):
    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.PROTECT,
                               related_name="disbursements")
    date = models.DateField(_("ngày giải ngân"))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"), validators=[MinValueValidator(1)])
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("giải ngân")
        verbose_name_plural = _("giải ngân")
        ordering = ["date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="scheme_disbursement_positive")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.amount}"


def legal_form_choices() -> list[tuple[str, Any]]:
    from khuyencong.establishments.models import LegalForm

    return [(ANY_LEGAL_FORM, str(_("Mọi loại hình"))), *LegalForm.choices]


class SupportNorm(TrackedModel, DatedRule):
    """Maximum support for an activity: min(percent × cost, cap), valid between two dates (TT 28/2018/TT-BTC)."""

    activity_type_code = models.SlugField(_("mã loại hoạt động"), max_length=40)
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=FundingSource.choices)
    legal_form = models.CharField(_("loại hình cơ sở thụ hưởng"), max_length=20, default=ANY_LEGAL_FORM,
                                  choices=legal_form_choices)
    max_percent = models.DecimalField(_("tỷ lệ hỗ trợ tối đa (%)"), max_digits=5, decimal_places=2,
                                      validators=[MinValueValidator(0), MaxValueValidator(100)])
    cap_vnd = models.PositiveBigIntegerField(_("mức hỗ trợ tối đa (đồng)"), null=True, blank=True)
    # Machinery and advisory caps are "per establishment" (TT 28/2018 Art. 8 cl. 4): multiply by beneficiaries.
    cap_per_establishment = models.BooleanField(_("mức tối đa tính cho mỗi cơ sở"), default=False)
    note = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(2000)])
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("định mức hỗ trợ")
        verbose_name_plural = _("định mức hỗ trợ")
        ordering = ["activity_type_code", "funding_source", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="scheme_norm_interval_ordered",
                                   violation_error_message=_("Ngày hết hiệu lực không được trước ngày hiệu lực.")),
            models.CheckConstraint(condition=Q(max_percent__gte=0) & Q(max_percent__lte=100),
                                   name="scheme_norm_percent_range"),
            models.UniqueConstraint(fields=["activity_type_code", "funding_source", "legal_form", "valid_from"],
                                    name="scheme_norm_version_unique",
                                    violation_error_message=_("Đã có định mức cùng loại có hiệu lực từ ngày này.")),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type_code} · {self.max_percent}% ({self.legal_basis})"

    @property
    def activity_type_label(self) -> str:
        found = ActivityType.objects.filter(code=self.activity_type_code).order_by("-valid_from").first()
        return found.label if found else self.activity_type_code


class SchemeAmendment(models.Model):
    """A change to a settled scheme: the previous figures are kept verbatim, with who, when and why."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.PROTECT, related_name="amendments")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người điều chỉnh"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    reason = models.TextField(_("lý do điều chỉnh"), validators=[MaxLengthValidator(4000)])
    decision_no = models.CharField(_("số quyết định điều chỉnh"), max_length=60, blank=True)
    previous = models.JSONField(_("số liệu trước điều chỉnh"))
    new = models.JSONField(_("số liệu sau điều chỉnh"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điều chỉnh đề án")
        verbose_name_plural = _("điều chỉnh đề án")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.scheme_id} @ {self.at:%d/%m/%Y}"
