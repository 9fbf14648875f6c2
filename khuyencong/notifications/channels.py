"""Where a notification goes: the in-app list, e-mail, and (one day) Zalo Official Account (ADR 0023).

A channel turns one :class:`Message` into deliveries for its recipients. :data:`CHANNELS` lists the
registered ones; :func:`khuyencong.notifications.services.notify` calls each in turn. A new channel is
a class with ``key`` and ``deliver``, added with :func:`register_channel` from an app's ``ready``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mass_mail

from khuyencong.notifications.models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    kind: str
    text: str
    link: str = ""
    subject: str = ""
    # The e-mail body; the text and the absolute link when empty.
    body: str = ""
    email: bool = True


class Channel(Protocol):
    key: str

    def deliver(self, recipients: Sequence[Any], message: Message) -> int: ...


class InAppChannel:
    """One row per recipient in the notification list (always)."""

    key = "in_app"

    def deliver(self, recipients: Sequence[Any], message: Message) -> int:
        rows = [Notification(recipient=r, kind=message.kind, text=message.text[:500], link=message.link)
                for r in recipients]
        Notification.objects.bulk_create(rows)
        return len(rows)


def absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link


class EmailChannel:
    """One e-mail per recipient who has an address, through Django's mail framework (``EMAIL_*`` settings)."""

    key = "email"

    def deliver(self, recipients: Sequence[Any], message: Message) -> int:
        if not message.email:
            return 0
        body = message.body or "\n\n".join(part for part in (message.text, absolute(message.link)) if part)
        subject = message.subject or message.text[:120]
        mails = [(subject, body, None, [r.email]) for r in recipients if getattr(r, "email", "")]
        return send_safely(lambda: send_mass_mail(mails, fail_silently=False)) if mails else 0


def send_safely(send: Any) -> int:
    """Send after the action committed: a mail server down is logged, never a 5xx for a saved action."""
    try:
        return int(send() or 0)
    except (OSError, smtplib.SMTPException):
        logger.exception("e-mail not sent")
        return 0


class ZaloOfficialAccountChannel:
    """Adapter point for a Zalo Official Account (OA) — NOT registered, and it makes no network call.

    To use it: obtain an OA, its access token and each citizen's Zalo user id (they must follow the OA
    and consent), keep the id on the user, implement ``deliver`` with the OA "send message" API (a
    template message holding ``message.text`` and ``absolute(message.link)``), read the token in
    ``config/settings.py`` and call ``register_channel(ZaloOfficialAccountChannel())`` from an app's ``ready``.
    """

    key = "zalo_oa"

    def deliver(self, recipients: Sequence[Any], message: Message) -> int:
        raise NotImplementedError("Zalo Official Account is not connected (ADR 0023)")


CHANNELS: list[Channel] = [InAppChannel(), EmailChannel()]


def register_channel(channel: Channel) -> None:
    if all(known.key != channel.key for known in CHANNELS):
        CHANNELS.append(channel)
