"""Products of establishments, their documents and certifications held outside this scheme."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import TrackedModel
from khuyencong.products.models.catalog import DocumentKind


class Product(TrackedModel):
    establishment = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở"),
                                      on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    group = models.ForeignKey("products.ProductGroup", verbose_name=_("nhóm sản phẩm"), on_delete=models.PROTECT,
                              related_name="products")
    description = models.TextField(_("mô tả"), blank=True, validators=[MaxLengthValidator(8000)])
    # Circular 26/2014 Art. 4: a one-off piece (sản phẩm độc bản) cannot enter.
    one_off = models.BooleanField(_("sản phẩm độc bản"), default=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="product_name_unique")]

    def __str__(self) -> str:
        return self.name


def document_path(instance: ProductDocument, filename: str) -> str:
    """A generated name under MEDIA_ROOT: the uploader's file name never becomes a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"products/{instance.product_id}/{uuid.uuid4().hex}{suffix}"


class ProductDocument(TrackedModel):
    product = models.ForeignKey(Product, verbose_name=_("sản phẩm"), on_delete=models.CASCADE,
                                related_name="documents")
    kind = models.CharField(_("loại giấy tờ"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("tên giấy tờ"), max_length=255, blank=True)
    file = models.FileField(_("tệp"), upload_to=document_path, blank=True, max_length=200)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("giấy tờ sản phẩm")
        verbose_name_plural = _("giấy tờ sản phẩm")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class OtherCertification(TrackedModel):
    """Recognitions from other schemes (e.g. OCOP stars); never mixed into this scheme's certificates."""

    product = models.ForeignKey(Product, verbose_name=_("sản phẩm"), on_delete=models.CASCADE,
                                related_name="other_certifications")
    scheme = models.CharField(_("chương trình"), max_length=100, help_text=_("Ví dụ: OCOP"))
    rating = models.CharField(_("hạng/số sao"), max_length=50, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=200, blank=True)
    number = models.CharField(_("số quyết định/chứng nhận"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("chứng nhận khác")
        verbose_name_plural = _("chứng nhận khác")

    def __str__(self) -> str:
        return f"{self.scheme} {self.rating}".strip()
