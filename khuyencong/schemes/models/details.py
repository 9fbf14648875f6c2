"""Activity-specific facts that the indicators need (demonstration models, machinery, communication, SXSH)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import TrackedModel
from khuyencong.schemes.models.schemes import Scheme


class DemonstrationModel(TrackedModel):
    """Mô hình trình diễn kỹ thuật: where it is shown, what, and what it does for local workers."""

    scheme = models.OneToOneField(Scheme, verbose_name=_("đề án"), on_delete=models.CASCADE,
                                  related_name="demonstration")
    host_establishment = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở thực hiện mô hình"),
                                           on_delete=models.PROTECT, related_name="hosted_models")
    technology = models.CharField(_("công nghệ / sản phẩm trình diễn"), max_length=300)
    workers_employed = models.PositiveIntegerField(_("số lao động sử dụng"), default=0)
    avg_worker_income_vnd = models.PositiveBigIntegerField(_("thu nhập bình quân của lao động (đồng/tháng)"),
                                                           null=True, blank=True)
    adopters = models.ManyToManyField("establishments.Establishment", verbose_name=_("cơ sở nhân rộng mô hình"),
                                      blank=True, related_name="adopted_models")
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[adopters])

    class Meta:
        verbose_name = _("mô hình trình diễn")
        verbose_name_plural = _("mô hình trình diễn")

    def __str__(self) -> str:
        return self.technology


class MachineryItem(TrackedModel):
    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.CASCADE,
                               related_name="machinery_items")
    name = models.CharField(_("tên máy móc, thiết bị"), max_length=255)
    quantity = models.PositiveIntegerField(_("số lượng"), validators=[MinValueValidator(1)])
    unit_price = models.PositiveBigIntegerField(_("đơn giá (đồng)"))
    supplier = models.CharField(_("nhà cung cấp"), max_length=255, blank=True)
    sector_group = models.CharField(_("nhóm ngành"), max_length=30, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("máy móc, thiết bị hỗ trợ")
        verbose_name_plural = _("máy móc, thiết bị hỗ trợ")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def total_vnd(self) -> int:
        return self.quantity * self.unit_price


class CommunicationKind(models.TextChoices):
    ARTICLE = "article", _("Tin, bài")
    BROADCAST = "broadcast", _("Phóng sự, chương trình phát thanh – truyền hình")
    PUBLICATION = "publication", _("Ấn phẩm, tờ rơi")
    WEBSITE = "website", _("Trang thông tin điện tử, cơ sở dữ liệu")
    OTHER = "other", _("Khác")


class CommunicationOutput(TrackedModel):
    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.CASCADE,
                               related_name="communication_outputs")
    kind = models.CharField(_("loại sản phẩm truyền thông"), max_length=15, choices=CommunicationKind.choices)
    title = models.CharField(_("tên / nội dung"), max_length=300)
    quantity = models.PositiveIntegerField(_("số lượng"), default=1)
    reach = models.PositiveBigIntegerField(_("số lượt tiếp cận"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("sản phẩm thông tin tuyên truyền")
        verbose_name_plural = _("sản phẩm thông tin tuyên truyền")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class CleanerProductionAssessment(TrackedModel):
    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.CASCADE,
                               related_name="cleaner_production_assessments")
    establishment = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở được đánh giá"),
                                      on_delete=models.PROTECT, related_name="cleaner_production_assessments")
    assessed_on = models.DateField(_("ngày đánh giá"))
    findings = models.TextField(_("kết quả đánh giá"), blank=True)
    annual_savings_vnd = models.PositiveBigIntegerField(_("tiết kiệm hằng năm (đồng)"), default=0)
    energy_saving_kwh = models.PositiveBigIntegerField(_("tiết kiệm điện (kWh/năm)"), null=True, blank=True)
    water_saving_m3 = models.PositiveBigIntegerField(_("tiết kiệm nước (m³/năm)"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("đánh giá sản xuất sạch hơn")
        verbose_name_plural = _("đánh giá sản xuất sạch hơn")
        ordering = ["assessed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.establishment_id} @ {self.assessed_on}"
