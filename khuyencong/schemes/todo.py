"""Home to-do of the schemes app: schemes waiting for the user's step, and schemes overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, DateField, F, Max, Min, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Role
from khuyencong.core.todo import SHOWN, TodoItem, TodoList
from khuyencong.schemes import policy
from khuyencong.schemes.models import Scheme, SchemeStatus
from khuyencong.schemes.selectors import visible_schemes

# A step left for more than a year is a data problem rather than work for today: counted, not listed.
WINDOW_DAYS = 365
# The next step of the province's officers for each state (what the list asks them to do).
NEXT_STEP = {
    SchemeStatus.PROPOSED: _("cần thẩm định"),
    SchemeStatus.APPRAISED: _("cần phê duyệt"),
    SchemeStatus.APPROVED: _("cần ký hợp đồng"),
}
SETTLEMENT_DAYS = 90  # accepted schemes should be settled within a quarter


def _dated_list(rows: QuerySet[Scheme], *, field: str, today: dt.date, title: Any, explanation: Any,
                url: str, note: Any) -> TodoList:
    since = today - dt.timedelta(days=WINDOW_DAYS)
    recent = rows.filter(**{f"{field}__gte": since})
    stats = recent.aggregate(n=Count("pk"), oldest=Min(field))
    items = [TodoItem(label=f"{s.code} · {s.title}", url=reverse("schemes:detail", args=[s.pk]),
                      due=getattr(s, field), note=note(s))
             for s in recent.order_by(field, "pk")[:SHOWN]]
    return TodoList(title=title, count=stats["n"], oldest_due=stats["oldest"], url=url, items=items,
                    explanation=explanation, older_count=rows.filter(**{f"{field}__lt": since}).count(),
                    older_url=url, older_label=_("tồn trên 1 năm"))


def _since_last_step(rows: QuerySet[Scheme]) -> QuerySet[Scheme]:
    return rows.annotate(since=TruncDate(Max("events__at"), output_field=DateField()))


def waiting_for_step(user: Any, *, today: dt.date) -> TodoList | None:
    """Province officers drive the lifecycle: proposals to appraise, appraisals to approve, contracts to sign."""
    if not policy.may_drive(user):
        return None
    rows = _since_last_step(visible_schemes(user).filter(status__in=list(NEXT_STEP)))
    return _dated_list(
        rows, field="since", today=today, title=_("Đề án chờ bước tiếp theo của bạn"),
        explanation=_("Đề xuất cần thẩm định, đề án cần phê duyệt hoặc ký hợp đồng, tính từ bước gần nhất "
                      "(trong 1 năm qua)."),
        url=reverse("schemes:list") + "?status=proposed", note=lambda s: NEXT_STEP[s.status])


def overdue_schemes(user: Any, *, today: dt.date) -> TodoList | None:
    """Schemes past their planned end and not accepted, or accepted a quarter ago and not settled."""
    if not policy.may_drive(user):
        return None
    settle_by = today - dt.timedelta(days=SETTLEMENT_DAYS)
    late = (Q(status__in=[SchemeStatus.CONTRACTED, SchemeStatus.IN_PROGRESS], planned_end__lt=today)
            | Q(status=SchemeStatus.ACCEPTED, acceptance_date__lt=settle_by))
    # The date shown: the planned end for acceptance, the acceptance date for settlement.
    due = Case(When(status=SchemeStatus.ACCEPTED, then=F("acceptance_date")), default=F("planned_end"),
               output_field=DateField())
    rows = visible_schemes(user).filter(late)
    return _dated_list(
        rows.annotate(due=due), field="due", today=today,
        title=_("Đề án quá hạn nghiệm thu hoặc quyết toán"),
        explanation=_("Quá ngày kết thúc kế hoạch mà chưa nghiệm thu, hoặc nghiệm thu quá 90 ngày mà chưa "
                      "quyết toán (quá hạn dưới 1 năm)."),
        url=reverse("schemes:list") + "?status=in_progress",
        note=lambda s: _("đã nghiệm thu, chờ quyết toán") if s.status == SchemeStatus.ACCEPTED
        else _("hết hạn kế hoạch, chờ nghiệm thu"))


def own_proposals(user: Any, *, today: dt.date) -> TodoList | None:
    """A commune officer follows the proposals of their area until the province appraises them."""
    if getattr(user, "role", "") != Role.COMMUNE_OFFICER or not policy.may_view(user):
        return None
    rows = _since_last_step(visible_schemes(user).filter(status=SchemeStatus.PROPOSED))
    return _dated_list(
        rows, field="since", today=today, title=_("Đề xuất của địa bàn đang chờ tỉnh thẩm định"),
        explanation=_("Bạn còn sửa được các đề xuất này cho đến khi tỉnh thẩm định."),
        url=reverse("schemes:list") + "?status=proposed", note=lambda s: s.get_status_display())


# This app's to-do lists on the home page (registered by core.appconfig).
TODO_LISTS = {
    "schemes.waiting": waiting_for_step,
    "schemes.overdue": overdue_schemes,
    "schemes.proposed": own_proposals,
}
