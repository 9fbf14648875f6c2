"""Home to-do of the data exchange: the user's own imports that wait for a confirmation or failed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.todo import SHOWN, TodoItem, TodoList
from khuyencong.exchange import jobs
from khuyencong.exchange.models import ImportStatus

RECENT_DAYS = 30  # an import older than a month is history, not work
NEEDS_LOOK = [ImportStatus.PREVIEWED, ImportStatus.REJECTED, ImportStatus.FAILED]


def imports_to_look_at(user: Any, *, today: dt.date) -> TodoList | None:
    if not jobs.may_exchange(user):
        return None
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    rows = jobs.job_list(user).filter(created_by=user, status__in=NEEDS_LOOK, created_at__gte=since)
    stats = rows.aggregate(n=Count("pk"), oldest=Min("created_at"))
    items = [TodoItem(label=job.filename, url=reverse("exchange:job", args=[job.pk]),
                      due=timezone.localdate(job.created_at), note=job.get_status_display())
             for job in rows.order_by("created_at", "pk")[:SHOWN]]
    return TodoList(title=_("Lần nhập dữ liệu cần xem lại"), count=stats["n"],
                    oldest_due=timezone.localdate(stats["oldest"]) if stats["oldest"] else None,
                    items=items, url=reverse("exchange:jobs"),
                    explanation=_("Tệp bạn đã tải lên trong 30 ngày qua: đã kiểm tra và chờ xác nhận ghi, "
                                  "hoặc có lỗi cần sửa rồi tải lại."))
