"""Storage of the figures kept ready (see ``khuyencong.indicators.ready``)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class Change(models.Model):
    """One changed row of a table the indicators read, written by the database's triggers."""

    id = models.BigAutoField(primary_key=True)
    source = models.CharField(_("bảng"), max_length=63)
    old = models.JSONField(_("trước"), null=True)
    new = models.JSONField(_("sau"), null=True)
    recorded_at = models.DateTimeField(_("ghi lúc"), db_default=Now())  # filled by the database, not the trigger

    class Meta:
        verbose_name = _("thay đổi dữ liệu nguồn")
        verbose_name_plural = _("nhật ký thay đổi dữ liệu nguồn")

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"


class ReadySlice(models.Model):
    """The national figures by province of one slice of a year (a whole year, or the part of it a period
    covers), on one map of provinces, as of journal entry ``watermark``."""

    mapping = models.CharField(_("dấu vân tay bản đồ tỉnh"), max_length=64)
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    watermark = models.BigIntegerField(_("đã tính đến thay đổi số"))
    values = models.JSONField(_("số liệu"))  # {indicator code: {province code: value}}
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)
    read_at = models.DateTimeField(_("dùng lần cuối"), auto_now_add=True)

    class Meta:
        verbose_name = _("số liệu tính sẵn")
        verbose_name_plural = _("số liệu tính sẵn")
        constraints = [models.UniqueConstraint(fields=["mapping", "date_from", "date_to"], name="ready_slice_unique")]

    def __str__(self) -> str:
        return f"{self.date_from:%d/%m/%Y}–{self.date_to:%d/%m/%Y}"
