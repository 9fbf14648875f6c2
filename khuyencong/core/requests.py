"""Request types of views only a signed-in user reaches, so their code reads ``request.user`` as a User.

``login_required`` (or ``require_check``) guarantees it at run time; annotating the view with these types
tells the type checker the same, once, instead of a cast or an ignore at every use of the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:  # core imports no app above it; the annotation is only read by the type checker
    from khuyencong.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What a view behind ``login_required`` receives: its user is signed in, never AnonymousUser."""

    user: User


class AuthenticatedRequest(Request):
    """What an API view behind ``IsAuthenticated`` receives (the project's default permission)."""

    user: User
