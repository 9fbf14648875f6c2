"""Administrative units as versioned records, and the crosswalk between versions.

A unit *version* is one row: the same code can appear several times with different validity
intervals (GSO reused province code 79 for the merged Hồ Chí Minh City, and ward codes after the
2025 reform). Records point at the version valid on their own date; reports cast them onto any
other date's boundaries through :class:`UnitSuccession`.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Quận/huyện")
    COMMUNE = "commune", _("Xã/phường/đặc khu")


class UnitType(models.TextChoices):
    CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    PROVINCE = "tinh", _("Tỉnh")
    URBAN_DISTRICT = "quan", _("Quận")
    RURAL_DISTRICT = "huyen", _("Huyện")
    TOWN = "thi_xa", _("Thị xã")
    PROVINCIAL_CITY = "thanh_pho", _("Thành phố thuộc tỉnh")
    WARD = "phuong", _("Phường")
    COMMUNE = "xa", _("Xã")
    TOWNLET = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")


class AdministrativeUnit(models.Model):
    code = models.CharField(_("mã"), max_length=10, db_index=True)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    unit_type = models.CharField(_("loại"), max_length=15, choices=UnitType.choices)
    name = models.CharField(_("tên"), max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # NULL valid_from: in force since before any record the system holds.
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            # Two partial constraints because NULLs are distinct in ordinary unique indexes.
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], condition=Q(valid_from__isnull=False),
                name="geo_unit_version_unique",
            ),
            models.UniqueConstraint(
                fields=["level", "code"], condition=Q(valid_from__isnull=True),
                name="geo_unit_first_version_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from"))
                ),
                name="geo_unit_interval_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def full_name(self) -> str:
        """Name with its parents, e.g. "Xã Láng Dài, Huyện Long Đất, Tỉnh Bà Rịa - Vũng Tàu"."""
        names = [self.name]
        parent = self.parent
        while parent is not None:
            names.append(parent.name)
            parent = parent.parent
        return ", ".join(names)


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """Filter for unit versions in force on ``day`` (``prefix`` reaches a unit through a relation)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class UnitSuccession(models.Model):
    """One crosswalk edge: (part of) ``predecessor`` became (part of) ``successor`` on ``effective_on``.

    Many-to-one (merged communes) and one-to-many (a commune split between new wards) are both
    just several edges.
    """

    predecessor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessions")
    effective_on = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quan hệ kế thừa đơn vị hành chính")
        verbose_name_plural = _("bảng chuyển đổi đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class RegisterVersion(models.Model):
    """One row, bumped by every (re)load of the unit register.

    Area closures (which unit ids lie inside the province) are cached in each web worker; a reload in one
    process must reach the others, or they keep the old area scopes. Absent row: version 0.
    """

    version = models.PositiveBigIntegerField(_("phiên bản sổ đơn vị"), default=0)

    class Meta:
        verbose_name = _("phiên bản sổ đơn vị hành chính")
        verbose_name_plural = _("phiên bản sổ đơn vị hành chính")

    def __str__(self) -> str:
        return str(self.version)
