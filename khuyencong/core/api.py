"""API plumbing shared by every app: Vietnamese errors as 4xx, never 5xx, for domain failures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from khuyencong.core.errors import PermissionDeniedError, RateLimitedError, StaleEditError, problems


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # Field → messages. The record as a whole keeps the key clients already read: Django's "__all__" in an
        # error by field, DRF's "non_field_errors" for an error without fields.
        whole = NON_FIELD_ERRORS if hasattr(exc, "error_dict") else api_settings.NON_FIELD_ERRORS_KEY
        detail = {name or whole: messages for name, messages in problems(exc).items()}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleEditError):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionDeniedError):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, RateLimitedError):
        return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return drf_exception_handler(exc, context)


YEARS = (2000, 2100)  # the programme's records; also keeps year lookups inside what dates can hold


def year_param(params: Any, name: str = "year") -> int | None:
    """The ``year`` filter of an API list, or None; anything else than a year in :data:`YEARS` is a 400."""
    raw = params.get(name) or ""
    if not raw:
        return None
    if not (raw.isdigit() and len(raw) <= 4 and YEARS[0] <= int(raw) <= YEARS[1]):
        raise ValidationError({name: [f"Năm phải là số từ {YEARS[0]} đến {YEARS[1]}."]})
    return int(raw)


def choice_param(params: Any, name: str, choices: Any) -> str:
    """An enum filter of an API list ("" when absent); an unknown value is a 400, never "no filter".

    ``choices`` is any iterable of the allowed values (a ``TextChoices.values`` list, a tuple…).
    """
    raw = params.get(name) or ""
    allowed = [str(value) for value in choices]
    if raw and raw not in allowed:
        raise ValidationError({name: [f"Giá trị “{raw[:30]}” không hợp lệ cho bộ lọc “{name}”; "
                                      f"chọn một trong: {', '.join(allowed)}."]})
    return str(raw)
