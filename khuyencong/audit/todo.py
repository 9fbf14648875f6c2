"""Home to-do of the auditor: recent access to trainees' personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.audit import selectors
from khuyencong.core.todo import SHOWN, TodoItem, TodoList

RECENT_DAYS = 7


def recent_access(user: Any, *, today: dt.date) -> TodoList | None:
    if not selectors.may_audit(user):
        return None
    date_from = today - dt.timedelta(days=RECENT_DAYS)
    rows = selectors.personal_data_access(selectors.AuditFilters(date_from=date_from))
    stats = rows.aggregate(n=Count("pk"), first=Min("at"))
    url = reverse("audit:access_log") + f"?date_from={date_from.isoformat()}"
    items = [TodoItem(label=f"{row.actor or '—'} → {row.person}", url=url, due=timezone.localdate(row.at),
                      note=row.get_kind_display()) for row in rows[:SHOWN]]
    return TodoList(title=_("Truy cập dữ liệu cá nhân 7 ngày qua"), count=stats["n"], items=items, url=url,
                    explanation=_("Ai đã xem số định danh, điện thoại hoặc xuất dữ liệu của học viên; mới nhất trước."))


# This app's to-do lists on the home page (registered by core.appconfig).
TODO_LISTS = {
    "audit.recent_access": recent_access,
}
