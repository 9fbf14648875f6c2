"""Background job of notifications (ADR 0009): the daily digest, for installs that run Celery beat."""

from __future__ import annotations

from celery import shared_task

from khuyencong.notifications.digest import send_daily_digest


@shared_task(bind=True, acks_late=True)
def daily_digest(self: object) -> int:
    return send_daily_digest()
