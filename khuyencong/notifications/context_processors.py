"""The header's unread count: one COUNT query, made only when a template reads it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from khuyencong.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
