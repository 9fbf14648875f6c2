"""Domain errors that views and the API turn into 4xx responses with a Vietnamese message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.messages import error as show_error
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

_T = TypeVar("_T")


class StaleEditError(Exception):
    """Someone saved the record after the user opened it; saving now would silently lose their change."""

    message = _(
        "Bản ghi đã được người khác thay đổi kể từ khi bạn mở nó. "
        "Hãy tải lại trang để xem thay đổi mới nhất rồi nhập lại."
    )


class PermissionDeniedError(Exception):
    """The user's role or area does not allow this action."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(_("Bạn không có quyền thực hiện thao tác này.")))


class RateLimitedError(Exception):
    """Too many lookups of one kind in a short time (answered 429): guessing must stay slow and visible."""

    def __init__(self, message: str | None = None) -> None:
        default = _("Bạn đã tra cứu quá nhiều lần trong thời gian ngắn; hãy thử lại sau ít phút.")
        super().__init__(message or str(default))


# What a service raises for a request it refuses. A form shows the first two on itself; a refusal of the
# user's right is a 403 page on the web, but a problem on its row in an import.
FORM_ERRORS: tuple[type[Exception], ...] = (ValidationError, StaleEditError)
SERVICE_ERRORS: tuple[type[Exception], ...] = (*FORM_ERRORS, PermissionDeniedError)


def problems(exc: Exception) -> dict[str | None, list[str]]:
    """A service error's messages by field name (``None``: the record as a whole), for any caller to place.

    One conversion for the web, the API and imports, so a ValidationError without fields, a stale edit
    and a refusal read the same wherever they surface.
    """
    if isinstance(exc, ValidationError):
        if not hasattr(exc, "error_dict"):
            return {None: [str(m) for m in exc.messages]}
        out: dict[str | None, list[str]] = {}
        for name, errors in exc.error_dict.items():
            key = None if name == NON_FIELD_ERRORS else name
            out.setdefault(key, []).extend(m for e in errors for m in ValidationError(e).messages)
        return out
    if isinstance(exc, StaleEditError):
        return {None: [str(exc.message)]}
    return {None: [str(exc)]}


def add_to_form(form: BaseForm, exc: Exception, *, rename: Callable[[str], str | None] | None = None) -> None:
    """Put a service error on ``form``: on its field when the form has it, else above the form.

    ``rename`` maps a service's field name to the form's when they differ (``points`` → ``c_points``).
    """
    for name, messages in problems(exc).items():
        if name is not None and rename is not None:
            name = rename(name)
        target = name if name is not None and name in form.fields else None
        for message in messages:
            form.add_error(target, message)


def run_on_form(form: BaseForm, call: Callable[[], Any], *,
                rename: Callable[[str], str | None] | None = None) -> Any | None:
    """Run a service for a page: a refused request lands on ``form`` (None returned), a refused right is a 403."""
    try:
        return call()
    except FORM_ERRORS as exc:
        add_to_form(form, exc, rename=rename)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    return None


def run_or_403(call: Callable[[], _T]) -> _T:
    """Run a service for a page that has no form to show a refusal on: a refused right is a 403."""
    try:
        return call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc


def run_on_post(request: HttpRequest, form: BaseForm, call: Callable[[], Any]) -> Any | None:
    """:func:`run_on_form` for a page's form: the service runs on a valid POST only (None otherwise)."""
    if request.method == "POST" and form.is_valid():
        return run_on_form(form, call)
    return None


def error_sink() -> forms.Form:
    """A bound, empty form that only collects a service's error messages (actions without fields)."""
    form = forms.Form(data={})
    form.is_valid()
    return form


def refusal_messages(request: HttpRequest, form: BaseForm) -> None:
    """What ``form`` collected, one error message a field above the page (actions without a form shown)."""
    for errors in form.errors.values():
        show_error(request, " ".join(str(e) for e in errors))


def form_status(request: HttpRequest) -> int:
    """The status of a form page shown again: 400 after a POST (it was refused), 200 on a GET."""
    return 400 if request.method == "POST" else 200
