"""Home to-do of period reports: the last half-year and year without an issued report, and unsigned ones.

Reports are due after each period ends: the six-month report once 30 June has passed, the yearly
report once 31 December has. Only the latest period of each kind is asked for (an older period
nobody issued is history, not today's work). A report issued but not yet signed is asked for too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Role
from khuyencong.core.todo import SHOWN, TodoItem, TodoList
from khuyencong.reports import issuing
from khuyencong.reports.models import IssuedReport

# The province's staff issue the province's reports; a commune officer's own reports are not asked for.
ISSUERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}


def periods_due(today: dt.date) -> list[tuple[Any, dt.date, dt.date]]:
    """(label, first day, last day) of the latest ended year and, after 30 June, this year's first half."""
    year = today.year
    due = [(_("Báo cáo năm %(y)s") % {"y": year - 1}, dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))]
    if today > dt.date(year, 6, 30):
        due.append((_("Báo cáo 6 tháng đầu năm %(y)s") % {"y": year}, dt.date(year, 1, 1), dt.date(year, 6, 30)))
    return due


def _province_wide() -> Q:
    """An issued report covers the province when it was issued on all data or on the province's code."""
    return Q(area_code="") | Q(area_code=settings.PROVINCE_CODE)


def _missing_periods(today: dt.date) -> list[TodoItem]:
    periods = periods_due(today)
    issued = set(IssuedReport.objects.filter(_province_wide(), date_from__in=[p[1] for p in periods],
                                             date_to__in=[p[2] for p in periods])
                 .values_list("date_from", "date_to"))
    return [TodoItem(label=str(label), due=end, note=_("kỳ đã kết thúc, chưa ban hành"),
                     url=reverse("reports:issue") + "?" + urlencode({"date_from": start.isoformat(),
                                                                     "date_to": end.isoformat()}))
            for label, start, end in periods if (start, end) not in issued]


def reports_to_issue(user: Any, *, today: dt.date) -> TodoList | None:
    if getattr(user, "role", "") not in ISSUERS or not issuing.may_issue(user):
        return None
    missing = _missing_periods(today)
    unsigned = issuing.visible_issued_reports(user).filter(signed_pdf_sha256="").order_by("issued_on", "pk")
    stats = unsigned.aggregate(n=Count("pk"), oldest=Min("issued_on"))
    items = missing + [TodoItem(label=f"{r.number} · {r.area_name}", due=r.issued_on, note=_("đã ban hành, chưa ký số"),
                                url=reverse("reports:issued-detail", args=[r.pk])) for r in unsigned[:SHOWN]]
    items.sort(key=lambda item: item.due or dt.date.max)
    dues = [d for d in (stats["oldest"], *(i.due for i in missing)) if d is not None]
    return TodoList(title=_("Báo cáo định kỳ cần ban hành hoặc ký số"), count=len(missing) + stats["n"],
                    items=items[:SHOWN], oldest_due=min(dues) if dues else None,
                    url=reverse("reports:issued-list"),
                    explanation=_("Báo cáo 6 tháng sau ngày 30/06 và báo cáo năm sau ngày 31/12 chưa ban hành cho "
                                  "toàn tỉnh (ngày ghi bên cạnh là ngày cuối kỳ), và báo cáo đã ban hành chưa ký số."))


# This app's to-do lists on the home page (registered by core.appconfig).
TODO_LISTS = {
    "reports.to_issue": reports_to_issue,
}
