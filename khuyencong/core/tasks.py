"""Background jobs of the core app. Each job is idempotent: running it twice does no harm."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from khuyencong.core.backup import backup_database


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def nightly_backup(self: object, directory: str | None = None) -> str:
    """A verified backup; a retry after a transient database error simply makes a new file."""
    target = Path(directory or Path(settings.VAR_DIR) / "backups")
    return str(backup_database(target).path)


@shared_task(bind=True)
def ping(self: object) -> str:
    """Round trip used by readiness checks and tests of the worker set-up."""
    return "pong"
