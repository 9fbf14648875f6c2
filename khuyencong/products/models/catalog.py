"""Reference data as effective-dated records: product groups, recognition levels, rule sets, criteria.

Circular 26/2014/TT-BCT (amended by 14/2018 and 38/2025, consolidated VBHN 46/VBHN-BCT) sets these;
they change with the law, so they are data an administrator edits, never enums.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import DatedRule


def _interval_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name=name,
    )


def in_force(day: dt.date, prefix: str = "") -> Q:
    """Rows of an effective-dated list in force on ``day``."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class EffectiveDated(DatedRule):
    code = models.CharField(_("mã"), max_length=40)
    label = models.CharField(_("tên"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.label)


class DocumentKind(models.TextChoices):
    QUALITY = "quality", _("Chất lượng, tiêu chuẩn")
    FOOD_SAFETY = "food_safety", _("An toàn thực phẩm")
    IP = "ip", _("Sở hữu trí tuệ, nhãn hiệu")
    PHOTO = "photo", _("Ảnh sản phẩm")


class ProductGroup(EffectiveDated):
    """The four product groups of Circular 26/2014 Art. 5."""

    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # Document kinds a dossier of this group must carry (Art. 15 dossier; data because the list is [U]).
    required_documents = models.JSONField(_("giấy tờ bắt buộc"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhóm sản phẩm")
        verbose_name_plural = _("nhóm sản phẩm")
        ordering = ["order", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="product_group_version_unique"),
            _interval_ordered("product_group_interval_ordered"),
        ]


class RecognitionLevel(EffectiveDated):
    """A selection level. District until 2025-06-30, commune from 2025-07-01 (Circular 38/2025)."""

    rank = models.PositiveSmallIntegerField(_("bậc"), help_text=_("1 = cấp thấp nhất"))
    # The tier whose certificate must still be in force to enter this level (Circular 26/2014 Art. 4).
    requires_lower = models.ForeignKey(
        "self", verbose_name=_("cần chứng nhận cấp dưới"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cấp bình chọn")
        verbose_name_plural = _("cấp bình chọn")
        ordering = ["rank", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="recognition_level_version_unique"),
            _interval_ordered("recognition_level_interval_ordered"),
        ]


class CombineMethod(models.TextChoices):
    MEAN = "mean", _("Trung bình cộng")
    TRIMMED_MEAN = "trimmed_mean", _("Trung bình sau khi bỏ điểm cao nhất và thấp nhất")


class RuleSet(DatedRule):
    """How a round is scored: criteria, pass marks, combination of juror scores, certificate validity."""

    name = models.CharField(_("tên bộ quy tắc"), max_length=200)
    # Circular 26/2014 Art. 17: a jury average of 70 or more passes, at every level.
    default_pass_mark = models.DecimalField(_("điểm đạt mặc định"), max_digits=5, decimal_places=2,
                                            default=Decimal("70"))
    combine_method = models.CharField(_("cách tổng hợp điểm"), max_length=20, choices=CombineMethod.choices,
                                      default=CombineMethod.MEAN)
    trim_count = models.PositiveSmallIntegerField(_("số điểm bỏ mỗi phía"), default=1)
    # Certificate valid from issue until 31 December of the N-th year after issue; NULL = no expiry.
    certificate_years = models.PositiveSmallIntegerField(_("số năm hiệu lực chứng nhận"), null=True, blank=True,
                                                         default=3)
    deviation_threshold = models.DecimalField(_("ngưỡng lệch điểm giám khảo"), max_digits=5, decimal_places=2,
                                              default=Decimal("10"))
    # A council whose mean combined score differs from the other councils of the same level and year by
    # more than this is flagged for review (consistency across areas; a management check, not a legal rule).
    council_deviation_threshold = models.DecimalField(_("ngưỡng lệch điểm giữa các hội đồng"), max_digits=5,
                                                      decimal_places=2, default=Decimal("10"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ quy tắc chấm điểm")
        verbose_name_plural = _("bộ quy tắc chấm điểm")
        ordering = ["valid_from"]
        constraints = [_interval_ordered("rule_set_interval_ordered")]

    def __str__(self) -> str:
        return self.name

    def pass_mark_for(self, level_code: str) -> Decimal:
        mark = self.pass_marks.filter(level_code=level_code).values_list("pass_mark", flat=True).first()
        return mark if mark is not None else self.default_pass_mark

    def valid_until(self, issued_on: dt.date) -> dt.date | None:
        if self.certificate_years is None:
            return None
        return dt.date(issued_on.year + self.certificate_years, 12, 31)


class PassMark(models.Model):
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("bộ quy tắc"), on_delete=models.CASCADE,
                                 related_name="pass_marks")
    level_code = models.CharField(_("mã cấp"), max_length=40)
    pass_mark = models.DecimalField(_("điểm đạt"), max_digits=5, decimal_places=2,
                                    validators=[MinValueValidator(0), MaxValueValidator(100)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm đạt theo cấp")
        verbose_name_plural = _("điểm đạt theo cấp")
        constraints = [models.UniqueConstraint(fields=["rule_set", "level_code"], name="pass_mark_unique")]

    def __str__(self) -> str:
        return f"{self.level_code}: {self.pass_mark}"


class Criterion(models.Model):
    """A line of the score sheet (Circular 26/2014, Annex 4); sub-criteria may depend on the product group."""

    rule_set = models.ForeignKey(RuleSet, verbose_name=_("bộ quy tắc"), on_delete=models.CASCADE,
                                 related_name="criteria")
    parent = models.ForeignKey("self", verbose_name=_("tiêu chí cha"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="children")
    product_group_code = models.CharField(_("áp dụng cho nhóm sản phẩm"), max_length=40, blank=True)
    code = models.CharField(_("mã"), max_length=20)
    label = models.CharField(_("tiêu chí"), max_length=300)
    max_points = models.PositiveSmallIntegerField(_("điểm tối đa"), validators=[MaxValueValidator(100)])
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí chấm điểm")
        verbose_name_plural = _("tiêu chí chấm điểm")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code", "product_group_code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.label}"
