"""Refuse NUL characters in request input before they reach the database.

PostgreSQL text cannot hold U+0000, so such input would end as a database error (500) instead of
a clear refusal; no user-facing field ever needs it. Uploaded files may contain NUL bytes and are
not inspected.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_JSON_NUL = (b"\\u0000", b"\x00")


def _has_nul(request: HttpRequest) -> bool:
    def in_pairs(data: object) -> bool:
        return any("\x00" in key or any("\x00" in v for v in values)
                   for key, values in data.lists())  # type: ignore[attr-defined]

    if in_pairs(request.GET):
        return True
    content_type = request.content_type or ""
    if content_type.startswith("application/json"):
        return any(marker in request.body for marker in _JSON_NUL)
    if request.method in {"POST", "PUT", "PATCH"} and content_type in {
            "multipart/form-data", "application/x-www-form-urlencoded"}:
        return in_pairs(request.POST)
    return False


class RejectNulInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return JsonResponse({"detail": _("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL).")}, status=400)
        return self.get_response(request)
