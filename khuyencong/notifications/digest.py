"""The officers' daily digest: their home to-do lists (``core.todo``) summarised in one e-mail.

Run once a day by ``khuyencong send_digest`` (systemd timer ``deploy/khuyencong-digest.timer``, as
``ready_figures``) or the Celery task :func:`khuyencong.notifications.tasks.daily_digest`. Idempotent:
a digest is also kept in the recipient's notification list, and nobody gets a second one the same day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Role, User
from khuyencong.core.todo import TodoList, todo_for
from khuyencong.notifications.channels import absolute
from khuyencong.notifications.models import Notification
from khuyencong.notifications.services import notify

KIND = "digest.daily"
OFFICER_ROLES = (Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER)


def digest_body(lists: list[TodoList]) -> str:
    lines = [_("Việc đang chờ anh/chị trên hệ thống quản lý khuyến công:"), ""]
    for todo in lists:
        lines.append(f"• {todo.title}: {todo.count}")
        for item in todo.items:
            due = _(" (hạn %(d)s)") % {"d": item.due.strftime("%d/%m/%Y")} if item.due else ""
            lines.append(f"    - {item.label}{due}")
        lines.append(f"    {absolute(todo.url)}")
    return "\n".join(lines)


def send_digest_to(user: Any, *, today: dt.date) -> bool:
    """Send ``user`` today's digest; False when nothing is due or it was already sent today."""
    if Notification.objects.filter(recipient=user, kind=KIND, created_at__date=today).exists():
        return False
    lists = todo_for(user, today=today)
    if not lists:
        return False
    total = sum(t.count for t in lists)
    text = _("Tóm tắt ngày %(d)s: %(n)s việc đang chờ.") % {"d": today.strftime("%d/%m/%Y"), "n": total}
    with transaction.atomic():
        notify([user], KIND, text, reverse("home"), subject=text, body=digest_body(lists))
    return True


def send_daily_digest(*, today: dt.date | None = None) -> int:
    """Every active officer with an e-mail address: how many digests were sent."""
    day = today or timezone.localdate()
    sent = 0
    officers = User.objects.filter(is_active=True, role__in=OFFICER_ROLES).exclude(email="").order_by("pk")
    with translation.override("vi"):
        for officer in officers:
            sent += send_digest_to(officer, today=day)
    return sent
