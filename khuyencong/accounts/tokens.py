"""API tokens: issue, revoke, and the authentication class that checks expiry, scope and second factor.

A token stands for its user on the API without a session, so it never passes the second-factor
check of ``TwoFactorRequiredMiddleware``. Hence: every token expires (``API_TOKEN_DAYS`` by
default), has a scope (read-only tokens are refused any unsafe method), leaves a row per request
(``ApiTokenUse``) and its issue and revocation in its history, and an account that needs a second
factor may use only a token an administrator issued explicitly for it (``second_factor_waived``,
set only by the ``issue_token`` command or the admin). Only the SHA-256 of a key is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS

from khuyencong.accounts.models import ApiToken, ApiTokenUse, TokenScope, User
from khuyencong.accounts.two_factor import requires_two_factor
from khuyencong.core.services import attribute

# "last used" is written at most this often: a busy client must not turn every read into a write.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, actor: User | None, user: User, scope: str = TokenScope.READ, days: int | None = None,
                name: str = "", second_factor_waived: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key (shown once; only its digest is kept).

    Callers are the ``issue_token`` command and the admin, i.e. administrators of the installation.
    """
    days = settings.API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise ValueError(_("Thời hạn của khóa API phải từ 1 ngày trở lên."))
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, key_digest=key_digest(key), prefix=key[:8], scope=scope,
                     second_factor_waived=second_factor_waived, created_by=actor,
                     expires_at=timezone.now() + dt.timedelta(days=days))
    attribute(token, actor)
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        attribute(token, actor)
        token.save(update_fields=["revoked_at"])
    return token


def _refusal(token: ApiToken | None) -> str | None:
    """Why a presented key does not sign anybody in, or None if it does."""
    if token is None or token.revoked_at is not None:
        return _("Khóa API không hợp lệ hoặc đã bị thu hồi.")
    if token.expires_at <= timezone.now():
        return _("Khóa API đã hết hạn; hãy đề nghị quản trị viên cấp khóa mới.")
    if not token.user.is_active:
        return _("Tài khoản của khóa API đã bị khóa.")
    if requires_two_factor(token.user) and not token.second_factor_waived:
        return _("Tài khoản này cần xác thực hai bước: chỉ dùng được khóa API do quản trị viên cấp riêng.")
    return None


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` against :class:`ApiToken` (replaces DRF's plain token table)."""

    def authenticate(self, request: Any) -> tuple[User, ApiToken] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        allowed = request.method in SAFE_METHODS or token.scope == TokenScope.READ_WRITE
        ApiTokenUse.objects.create(token=token, method=request.method[:10], path=request.path[:255], allowed=allowed)
        if not allowed:
            raise exceptions.PermissionDenied(_("Khóa API này chỉ đọc: không dùng để thay đổi dữ liệu."))
        return user, token

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_digest=key_digest(key)).first()
        refusal = _refusal(token)
        if refusal or token is None:
            raise exceptions.AuthenticationFailed(refusal)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # no history row for a use
            token.last_used_at = now
        return token.user, token
