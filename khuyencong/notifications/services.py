"""The one write of notifications: :func:`notify` (apps call it inside their own transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from khuyencong.notifications.channels import CHANNELS, Message
from khuyencong.notifications.models import Notification


def notify(recipients: Iterable[Any], kind: str, text: str, link: str = "", *, email: bool = True,
           subject: str = "", body: str = "") -> int:
    """Tell each recipient (users; duplicates and inactive accounts dropped) in the app and by e-mail.

    The in-app rows are written now, in the caller's transaction; e-mails leave once it commits, so a
    rolled-back action sends nothing.
    """
    unique = {r.pk: r for r in recipients if r is not None and r.is_active}
    people = list(unique.values())
    if not people:
        return 0
    message = Message(kind=kind, text=str(text), link=link, subject=str(subject), body=str(body), email=email)
    for channel in CHANNELS:
        if channel.key == "in_app":
            channel.deliver(people, message)
        else:
            transaction.on_commit(lambda c=channel: c.deliver(people, message))  # type: ignore[misc]
    return len(people)


def mark_read(*, user: Any, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read; None when it is not theirs (the view answers 404)."""
    found = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if found is not None and found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def email_address(address: str, subject: str, body: str) -> None:
    """An e-mail to someone without an account yet (an invitee, a person who asked to register).

    Sent once the caller's transaction commits, through Django's mail framework like every channel.
    """
    from django.core.mail import send_mail

    from khuyencong.notifications.channels import send_safely

    transaction.on_commit(lambda: send_safely(lambda: send_mail(str(subject), str(body), None, [address])))
