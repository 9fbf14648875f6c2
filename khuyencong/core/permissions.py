"""Named policy checks shared by views, menus and templates: one decision per button.

Each domain app registers the policy function its view calls (``"products.round_create":
may_create_round`` in its policy module's ``NAMED_CHECKS``, registered by ``core.appconfig``);
the view guards itself with :func:`require_check` (or calls the same function)
and templates ask ``{% if user|may:"…" %}``.
A menu entry or button therefore shows exactly when the view behind it answers. The core does not
import domain apps: it only knows the names.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied

Check = Callable[[Any], bool]
_CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Register a user-level check under a dotted name; re-registering the same function is harmless."""
    known = _CHECKS.get(name)
    if known is not None and known is not check:
        raise ValueError(f"policy check {name!r} is already registered")
    _CHECKS[name] = check


def may(user: Any, name: str) -> bool:
    """Whether ``user`` may open what the named check guards. Unknown names fail loudly (a typo hides nothing)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_CHECKS[name](user))


def require_check(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator: answer 403 (the app's own page) unless the named check passes."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not may(request.user, name):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def registered() -> dict[str, Check]:
    return dict(_CHECKS)
