"""Home to-do of the training app: trainees' follow-ups due in the officer's area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.core.todo import SHOWN, TodoItem, TodoList
from khuyencong.training import policy, selectors

# Follow-ups coming due within a month, or overdue by less than six months, are still worth a call;
# older ones are counted and linked but not listed (the demo data reach back to 2014).
AHEAD_DAYS = 30
RECENT_OVERDUE_DAYS = 180


def follow_ups_due(user: Any, *, today: dt.date) -> TodoList | None:
    if not policy.may_edit(user):
        return None
    # Annotated with ``due_on`` and ``milestone`` (see the selector), which the type checker cannot see.
    due: QuerySet[Any] = selectors.follow_ups_due(user, horizon_days=AHEAD_DAYS)
    since = today - dt.timedelta(days=RECENT_OVERDUE_DAYS)
    recent = due.filter(due_on__gte=since)
    stats = recent.aggregate(n=Count("pk"), oldest=Min("due_on"))
    url = reverse("training:follow_ups_due")
    items = [TodoItem(label=f"{p.person.full_name} · {p.course.title}", due=p.due_on,
                      url=reverse("training:follow_up_create", args=[p.pk]),
                      note=_("mốc %(m)s tháng") % {"m": p.milestone})
             for p in recent[:SHOWN]]
    return TodoList(
        title=_("Theo dõi học viên sau đào tạo đến hạn"), count=stats["n"], oldest_due=stats["oldest"],
        url=f"{url}?trong={AHEAD_DAYS}", items=items,
        explanation=_("Mốc 3 và 6 tháng sau khóa học đến hạn trong 30 ngày tới hoặc quá hạn dưới 6 tháng."),
        older_count=due.filter(due_on__lt=since).count(), older_url=url,
        older_label=_("quá hạn trên 6 tháng"),
    )


# This app's to-do lists on the home page (registered by core.appconfig).
TODO_LISTS = {
    "training.follow_ups": follow_ups_due,
}
