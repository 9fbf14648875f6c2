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
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[communes])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else str(_("Chưa phân vai trò"))


class Representation(models.Model):
    """A person represents an establishment from ``since`` until ``until`` (open: still does).

    One person may represent several establishments, and an establishment may have several
    representatives. Who may see what reads this only through
    :func:`khuyencong.accounts.representation.represented_establishment_ids`.
    """

    user = models.ForeignKey(User, verbose_name=_("người đại diện"), on_delete=models.CASCADE,
                             related_name="representations")
    establishment = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở"),
                                      on_delete=models.CASCADE, related_name="representations")
    since = models.DateField(_("từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)
    confirmed_by = models.ForeignKey(User, verbose_name=_("người xác nhận"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # How it came about: an invitation, a confirmed self-registration, an administrator, or (later) an
    # external identity provider's claims (ADR 0023).
    source = models.CharField(_("nguồn"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quan hệ đại diện cơ sở")
        verbose_name_plural = _("quan hệ đại diện cơ sở")
        ordering = ["since", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "establishment"], condition=models.Q(until__isnull=True),
                                               name="one_open_representation")]

    def __str__(self) -> str:
        return f"{self.user} · {self.establishment_id}"


class TokenScope(models.TextChoices):
    READ = "read", _("Chỉ đọc")
    READ_WRITE = "read_write", _("Đọc và ghi")


class ApiToken(models.Model):
    """A key for the API without a session (``Authorization: Token <key>``), see ``accounts/tokens.py``.

    Only the SHA-256 of the key is stored (the key is shown once, at issue); ``prefix`` tells tokens
    apart on screens and in the trail. The history of this model is the trail of issue and revocation.
    """

    user = models.ForeignKey(User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên gọi"), max_length=100, blank=True)
    key_digest = models.CharField(_("băm SHA-256 của khóa"), max_length=64, unique=True)
    prefix = models.CharField(_("đầu khóa"), max_length=8)
    scope = models.CharField(_("phạm vi"), max_length=20, choices=TokenScope.choices, default=TokenScope.READ)
    # Accounts that need a second factor may use a token only if an administrator said so when
    # issuing it (the command ``issue_token --second-factor-waived`` or the admin): a token never
    # asks for the second factor.
    second_factor_waived = models.BooleanField(_("được cấp riêng thay cho xác thực hai bước"), default=False)
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    created_by = models.ForeignKey(User, verbose_name=_("người cấp"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}… · {self.get_scope_display()}"


class ApiTokenUse(models.Model):
    """One API request made with a token: the per-token trail (refused writes of read-only tokens too)."""

    token = models.ForeignKey(ApiToken, verbose_name=_("khóa API"), on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    method = models.CharField(_("phương thức"), max_length=10)
    path = models.CharField(_("địa chỉ"), max_length=255)
    allowed = models.BooleanField(_("được phép"), default=True)

    class Meta:
        verbose_name = _("lượt dùng khóa API")
        verbose_name_plural = _("lượt dùng khóa API")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.token_id} {self.method} {self.path}"
