"""Users, their role and the area they work in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ cấp tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    COUNCIL_MEMBER = "council_member", _("Thành viên hội đồng bình chọn")
    ESTABLISHMENT_REP = "establishment_rep", _("Đại diện cơ sở CNNT")
    AUDITOR = "auditor", _("Kiểm tra, giám sát (chỉ xem)")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices, blank=True)
    # Commune officers: the communes (current units) they answer for.
    communes = models.ManyToManyField(
        "geo.AdministrativeUnit", verbose_name=_("xã/phường phụ trách"), blank=True, related_name="officers",
    )
    # Establishment representatives: the one establishment they may see and update.
    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("cơ sở đại diện"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="representative_users",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[communes])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else str(_("Chưa phân vai trò"))
