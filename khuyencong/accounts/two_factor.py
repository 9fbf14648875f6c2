"""Two-factor authentication (TOTP) for the accounts that can do the most harm.

Province administrators (and superusers) and selection-council secretaries must confirm a
time-based one-time password after the password (OWASP ASVS V6 for privileged accounts). The
middleware keeps every other page out of reach until the session is verified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Role
from khuyencong.accounts.policy import COUNCIL_SEATABLE_ROLES

SETUP_PATH, VERIFY_PATH = "/xac-thuc-2-buoc/thiet-lap/", "/xac-thuc-2-buoc/"
# Pages reachable before the second factor: signing in and out, recovery, static assets, probes.
_EXEMPT_PREFIXES = (
    "/xac-thuc-2-buoc/", "/dang-nhap/", "/dang-xuat/", "/quen-mat-khau/", "/dat-lai-mat-khau/", "/static/",
    "/healthz", "/readyz", "/metrics", "/i18n/",
)


def is_council_secretary(user: Any) -> bool:
    """Secretaries manage selection rounds; the products app records council membership."""
    if getattr(user, "role", None) not in COUNCIL_SEATABLE_ROLES:  # their seats give no power: no query
        return False
    try:
        member = apps.get_model("products", "CouncilMember")
    except LookupError:
        return False
    return bool(member.objects.filter(user=user, role="secretary").exists())


def requires_two_factor(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.role == Role.PROVINCE_ADMIN or is_council_secretary(user))


def has_confirmed_device(user: Any) -> bool:
    from django_otp import devices_for_user

    return any(True for _device in devices_for_user(user, confirmed=True))


class TwoFactorRequiredMiddleware:
    """Send users who need a second factor to set it up or confirm it (after OTPMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if request.path.startswith(_EXEMPT_PREFIXES) or not requires_two_factor(user):
            return self.get_response(request)
        if user.is_verified():  # type: ignore[union-attr]
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Cần xác thực hai bước trước khi dùng API bằng phiên đăng nhập.")},
                                status=403)
        target = VERIFY_PATH if has_confirmed_device(user) else SETUP_PATH
        return redirect(f"{target}?next={request.get_full_path()}")
