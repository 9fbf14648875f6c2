"""Issued period reports: the period lock officials rely on.

An issued report freezes what was published: number, date, signer, period, area and boundary date,
the computed figures, and the PDF and DOCX bytes with their SHA-256. Nothing of it changes afterwards
(services offer no edit or delete; the admin is read-only); only a signed copy of the PDF may be
attached, once. The documents are kept in the database (``BinaryField``) rather than under
``MEDIA_ROOT`` so that they are written in the same transaction as the record (nothing half-saved)
and travel with the database backup, which is what ``khuyencong backup`` covers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SignatureSource(models.TextChoices):
    ORGANISATION = "organisation", _("Ký bằng chứng thư số của cơ quan")
    UPLOADED = "uploaded", _("Bản đã ký số ở nơi khác, tải lên")


class IssuedReport(models.Model):
    number = models.CharField(_("số văn bản"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm ban hành"), editable=False)
    issued_on = models.DateField(_("ngày ban hành"))
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    area_code = models.CharField(_("mã địa bàn"), max_length=10, blank=True)
    area_name = models.CharField(_("địa bàn"), max_length=200)
    area_unit = models.ForeignKey("geo.AdministrativeUnit", verbose_name=_("đơn vị hành chính"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    boundary_date = models.DateField(_("ranh giới theo ngày"))
    figures = models.JSONField(_("số liệu ban hành"))
    pdf = models.BinaryField(_("tệp PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 của tệp PDF"), max_length=64)
    docx = models.BinaryField(_("tệp DOCX"))
    docx_sha256 = models.CharField(_("SHA-256 của tệp DOCX"), max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ban hành"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    signed_pdf = models.BinaryField(_("tệp PDF đã ký số"), null=True, blank=True)
    signed_pdf_sha256 = models.CharField(_("SHA-256 của tệp đã ký số"), max_length=64, blank=True)
    signature_source = models.CharField(_("cách ký"), max_length=20, choices=SignatureSource.choices, blank=True)
    signature_signer = models.CharField(_("chủ chứng thư ký"), max_length=300, blank=True)
    signature_signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    signature_trusted = models.BooleanField(_("chứng thư tin cậy"), default=False)
    signed_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận bản ký"),
                                           null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The bytes are not copied into every history row; their SHA-256 are, which is what an auditor compares.
    history = HistoricalRecords(excluded_fields=["pdf", "docx", "signed_pdf"])

    class Meta:
        verbose_name = _("báo cáo đã ban hành")
        verbose_name_plural = _("các báo cáo đã ban hành")
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="issued_report_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_pdf_sha256)
