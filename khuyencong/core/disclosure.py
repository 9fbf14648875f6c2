"""Disclosures of personal data in bulk made by framework code (list and register exports, stored import
files), written to the access log of the app that keeps it.

The training app holds the personal-data access log (Decree 356/2025) and registers its logger and its
"who may see full ID numbers" rule here from its ``AppConfig.ready``; the exchange framework and the
streamed exports log through :func:`log` without importing a domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Kind(StrEnum):
    """What was disclosed; the values are the access log's own kinds."""

    REGISTER_EXPORT = "register_export"
    LIST_EXPORT = "list_export"
    IMPORT_FILE = "import_file"


Logger = Callable[..., Any]  # (*, actor, kind, subject, count) -> the log entry
_logger: list[Logger] = []


def register_logger(logger: Logger) -> None:
    _logger[:] = [logger]


def log(*, actor: Any, kind: Kind, subject: str, count: int) -> None:
    """One access-log row: who disclosed how many persons' data, in what, when."""
    if not _logger:  # a disclosure nobody logs must not pass silently
        raise ImproperlyConfigured("no personal-data access log is registered")
    _logger[0](actor=actor, kind=str(kind), subject=subject, count=count)
