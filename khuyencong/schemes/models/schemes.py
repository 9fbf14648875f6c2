"""The scheme (đề án khuyến công), its beneficiaries, lifecycle events and attached documents."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.lifecycle import LifecycleEvent, status_field
from khuyencong.core.models import TrackedModel
from khuyencong.schemes.models.plans import ActivityType, AnnualPlan, FundingSource


class SchemeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    APPRAISED = "appraised", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt")
    CONTRACTED = "contracted", _("Đã ký hợp đồng")
    IN_PROGRESS = "in_progress", _("Đang triển khai")
    ACCEPTED = "accepted", _("Đã nghiệm thu")
    SETTLED = "settled", _("Đã quyết toán")
    AMENDED = "amended", _("Đang điều chỉnh")
    CANCELLED = "cancelled", _("Đã hủy")


class Scheme(TrackedModel):
    code = models.CharField(_("mã đề án"), max_length=40, unique=True,
                            error_messages={"unique": _("Mã đề án này đã được dùng cho một đề án khác.")})
    title = models.CharField(_("tên đề án"), max_length=300)
    activity_type = models.ForeignKey(ActivityType, verbose_name=_("loại hoạt động"), on_delete=models.PROTECT,
                                      related_name="schemes")
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=FundingSource.choices)
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("kế hoạch năm"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="schemes")
    implementing_unit_name = models.CharField(_("đơn vị thực hiện"), max_length=255)
    implementing_unit = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("địa bàn đơn vị thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    beneficiaries = models.ManyToManyField("establishments.Establishment", through="SchemeBeneficiary",
                                           verbose_name=_("cơ sở thụ hưởng"), related_name="schemes", blank=True)
    planned_start = models.DateField(_("bắt đầu (kế hoạch)"), null=True, blank=True)
    planned_end = models.DateField(_("kết thúc (kế hoạch)"), null=True, blank=True)
    actual_start = models.DateField(_("bắt đầu (thực tế)"), null=True, blank=True)
    actual_end = models.DateField(_("kết thúc (thực tế)"), null=True, blank=True)
    # Money is integer VND end to end (no float rounding in sums).
    total_cost = models.PositiveBigIntegerField(_("tổng kinh phí (đồng)"), default=0)
    public_support = models.PositiveBigIntegerField(_("kinh phí khuyến công hỗ trợ (đồng)"), default=0)
    counterpart_capital = models.PositiveBigIntegerField(_("vốn đối ứng (đồng)"), default=0)
    settled_amount = models.PositiveBigIntegerField(_("kinh phí quyết toán (đồng)"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=15, choices=SchemeStatus.choices,
                              default=SchemeStatus.PROPOSED, db_index=True)
    appraisal_score = models.DecimalField(_("điểm thẩm định"), max_digits=5, decimal_places=2, null=True, blank=True,
                                          validators=[MinValueValidator(0), MaxValueValidator(100)])
    appraisal_comments = models.TextField(_("ý kiến thẩm định"), blank=True, validators=[MaxLengthValidator(4000)])
    approval_decision_no = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    approval_decision_date = models.DateField(_("ngày quyết định phê duyệt"), null=True, blank=True)
    contract_no = models.CharField(_("số hợp đồng"), max_length=60, blank=True)
    contract_date = models.DateField(_("ngày ký hợp đồng"), null=True, blank=True)
    acceptance_date = models.DateField(_("ngày nghiệm thu"), null=True, blank=True, db_index=True)
    acceptance_record_no = models.CharField(_("số biên bản nghiệm thu"), max_length=60, blank=True)
    settlement_date = models.DateField(_("ngày quyết toán"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("đề án khuyến công")
        verbose_name_plural = _("đề án khuyến công")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["activity_type", "funding_source", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(public_support__lte=F("total_cost")),
                                   name="scheme_support_within_cost"),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True) | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")), name="scheme_planned_dates_ordered"),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True) | Q(actual_end__isnull=True)
                | Q(actual_end__gte=F("actual_start")), name="scheme_actual_dates_ordered"),
            models.CheckConstraint(condition=Q(status="proposed") | Q(status="cancelled") | Q(status="appraised")
                                   | Q(plan__isnull=False), name="scheme_approved_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
        if (self.public_support or 0) > (self.total_cost or 0):
            errors["public_support"] = _("Kinh phí hỗ trợ không được lớn hơn tổng kinh phí của đề án.")
        if self.settled_amount is not None and self.settled_amount > (self.public_support or 0):
            errors["settled_amount"] = _("Kinh phí quyết toán không được lớn hơn kinh phí hỗ trợ được duyệt.")
        if errors:
            raise ValidationError(errors)


class SchemeBeneficiary(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.CASCADE, related_name="links")
    establishment = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở"),
                                      on_delete=models.PROTECT, related_name="scheme_links")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ sở thụ hưởng đề án")
        verbose_name_plural = _("cơ sở thụ hưởng đề án")
        constraints = [models.UniqueConstraint(fields=["scheme", "establishment"], name="scheme_beneficiary_unique")]

    def __str__(self) -> str:
        return f"{self.scheme_id} → {self.establishment_id}"


class AttachmentKind(models.TextChoices):
    DECISION = "decision", _("Quyết định")
    CONTRACT = "contract", _("Hợp đồng")
    ACCEPTANCE = "acceptance", _("Biên bản nghiệm thu")
    INSPECTION = "inspection", _("Biên bản kiểm tra")
    OTHER = "other", _("Tài liệu khác")


def attachment_path(instance: SchemeAttachment, filename: str) -> str:
    """A generated name under MEDIA_ROOT: the uploader's file name never becomes a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"schemes/{instance.scheme_id}/{uuid.uuid4().hex}{suffix}"


class SchemeAttachment(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("loại tài liệu"), max_length=15, choices=AttachmentKind.choices)
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài liệu đính kèm")
        verbose_name_plural = _("tài liệu đính kèm")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class SchemeEvent(LifecycleEvent):
    """One lifecycle step (append-only): who moved the scheme from which status to which, when, why."""

    record_field = "scheme"
    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.CASCADE, related_name="events")
    from_status = status_field(_("từ trạng thái"), SchemeStatus.choices, blank=True)
    to_status = status_field(_("sang trạng thái"), SchemeStatus.choices)
    attachment = models.ForeignKey(SchemeAttachment, verbose_name=_("tài liệu"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="events")
    history = HistoricalRecords()

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("sự kiện đề án")
        verbose_name_plural = _("sự kiện đề án")
