"""Programmes (chương trình), annual plans (kế hoạch) and the activity-type code list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import DatedRule, TrackedModel


class FundingSource(models.TextChoices):
    NATIONAL = "national", _("Khuyến công quốc gia")
    LOCAL = "local", _("Khuyến công địa phương")


class ProgrammeLevel(models.TextChoices):
    NATIONAL = "national", _("Chương trình quốc gia")
    LOCAL = "local", _("Chương trình địa phương")


_YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class Programme(TrackedModel):
    """A multi-year programme, e.g. the national programme 2026–2030 (Quyết định 2646/QĐ-BCT)."""

    name = models.CharField(_("tên chương trình"), max_length=255)
    level = models.CharField(_("cấp chương trình"), max_length=10, choices=ProgrammeLevel.choices)
    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu giai đoạn"), validators=_YEAR)
    end_year = models.PositiveSmallIntegerField(_("năm kết thúc giai đoạn"), validators=_YEAR)
    decision_no = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("chương trình khuyến công")
        verbose_name_plural = _("chương trình khuyến công")
        ordering = ["-start_year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["level", "start_year", "end_year"], name="scheme_programme_phase_unique",
                                    violation_error_message=_("Đã có chương trình cùng cấp cho giai đoạn này.")),
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="scheme_programme_phase_ordered",
                                   violation_error_message=_("Năm kết thúc không được trước năm bắt đầu.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"


class AnnualPlan(TrackedModel):
    """The year's approved budget of one funding source under a programme."""

    programme = models.ForeignKey(Programme, verbose_name=_("chương trình"), on_delete=models.PROTECT,
                                  related_name="plans")
    year = models.PositiveSmallIntegerField(_("năm kế hoạch"), validators=_YEAR)
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=FundingSource.choices)
    approved_total = models.PositiveBigIntegerField(_("tổng kinh phí được duyệt (đồng)"))
    decision_no = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("kế hoạch khuyến công năm")
        verbose_name_plural = _("kế hoạch khuyến công năm")
        ordering = ["-year", "funding_source"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "funding_source"], name="scheme_plan_unique",
                                    violation_error_message=_("Chương trình đã có kế hoạch năm này cho nguồn này.")),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_funding_source_display()}"

    def clean(self) -> None:
        programme = self.programme if self.programme_id else None
        if programme and self.year and not programme.start_year <= self.year <= programme.end_year:
            raise ValidationError({"year": _("Năm kế hoạch phải nằm trong giai đoạn %(a)s–%(b)s của chương trình.")
                                   % {"a": programme.start_year, "b": programme.end_year}})


class ActivityType(DatedRule):
    """Activity contents of Decree 45/2012 Art. 4 as amended by Decree 235/2025: a dated code list."""

    code = models.SlugField(_("mã"), max_length=40)
    label = models.CharField(_("tên hoạt động"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loại hoạt động khuyến công")
        verbose_name_plural = _("loại hoạt động khuyến công")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="scheme_activity_type_version_unique"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="scheme_activity_type_interval_ordered"),
        ]

    def __str__(self) -> str:
        return self.label
