"""Idle and absolute session time-outs (OWASP ASVS V7: re-authentication after inactivity).

Django's own cookie age gives only one limit; an official who leaves a browser open in a commune
office must be logged out after a short idle period, and nobody may stay logged in for days.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

STARTED, SEEN = "kc_session_started", "kc_session_seen"
# Writing the session on every request is wasteful; refreshing "last seen" once a minute is enough.
_REFRESH_EVERY = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            started = request.session.setdefault(STARTED, now)
            seen = request.session.get(SEEN, now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."))
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if now - seen > _REFRESH_EVERY or SEEN not in request.session:
                request.session[SEEN] = now
        return self.get_response(request)
