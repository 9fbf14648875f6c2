"""Entries held for review instead of revealing an out-of-scope record (issue 21, existence oracles).

A service that must refuse an entry because its identifier already belongs to a record the actor may
not see calls :func:`hold` and raises its usual ``ValidationError`` with :data:`HELD_MESSAGE` (the same
words whatever the reason). The refusal rolls the transaction back, so the case cannot be written
there: :func:`hold` queues it and :func:`collecting` (the middleware for requests, the import task and
command for background imports) writes the queue once the work is over, committed or rolled back.
A province officer sees open cases in the home to-do list (``core.held_duplicates``) and on
``/can-xem-xet/``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.core.todo import SHOWN, TodoItem, TodoList

HELD_MESSAGE = _(
    "Không thể ghi nhận mục này với %(field)s đã nhập. Hồ sơ đã được chuyển Sở Công Thương xem xét; "
    "cán bộ Sở sẽ liên hệ với bạn."
)


# How the queue names the colliding field (the registers' own field names are English).
FIELD_LABELS = {"national_id": _("số định danh"), "tax_code": _("mã số thuế"), "code": _("mã"),
                "title": _("tên và ngày bắt đầu hoạt động")}


@dataclass(frozen=True)
class _Case:
    register: str
    field: str
    record_id: int
    record_label: str
    record_url: str
    raised_by_id: int | None


_queue: contextvars.ContextVar[list[_Case] | None] = contextvars.ContextVar("held_duplicates", default=None)


def held_message(field_label: str) -> str:
    return str(HELD_MESSAGE) % {"field": field_label}


def hold(*, register: str, field: str, record: Any, label: str, url: str = "", actor: Any) -> None:
    """Note that ``actor``'s entry collided with ``record``; written when the surrounding work ends."""
    case = _Case(register, field, record.pk, label[:200], url[:200], getattr(actor, "pk", None))
    queue = _queue.get()
    if queue is None:  # no collector (a shell, a test of the service): write it now, in the transaction
        _write([case])
    else:
        queue.append(case)


def _write(cases: list[_Case]) -> None:
    from khuyencong.core.models import HeldDuplicate

    for case in dict.fromkeys(cases):  # the same collision twice in one piece of work is one case
        open_cases = HeldDuplicate.objects.filter(register=case.register, field=case.field, record_id=case.record_id,
                                                  raised_by_id=case.raised_by_id, resolved_at=None)
        if not open_cases.exists():  # a preview then a confirm of the same import: still one case
            HeldDuplicate.objects.create(register=case.register, field=case.field, record_id=case.record_id,
                                         record_label=case.record_label, record_url=case.record_url,
                                         raised_by_id=case.raised_by_id)


@contextmanager
def collecting() -> Iterator[None]:
    """Collect :func:`hold` calls made inside and write them at the end, after any rollback."""
    token = _queue.set([])
    try:
        yield
    finally:
        cases = _queue.get() or []
        _queue.reset(token)
        if cases:
            with transaction.atomic():
                _write(cases)


class HeldDuplicatesMiddleware:
    """Wraps every request in :func:`collecting`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with collecting():
            return self.get_response(request)


# --- Who settles them -------------------------------------------------------------------------------

def may_review(user: Any) -> bool:
    """Province staff settle held entries: the accounts policy registers who that is (core knows no roles)."""
    from khuyencong.core import permissions

    return permissions.may(user, "core.review_duplicates")


def open_cases() -> QuerySet[Any]:
    from khuyencong.core.models import HeldDuplicate

    return HeldDuplicate.objects.filter(resolved_at=None).select_related("raised_by")


def todo_source(user: Any, *, today: dt.date) -> TodoList | None:
    if not may_review(user):
        return None
    cases = open_cases()
    items = [TodoItem(label=f"{c.record_label} · {c.raised_by.username if c.raised_by else '—'}",
                      url=c.record_url or reverse("held_duplicates"), due=c.raised_at.date(),
                      note=_("trùng %(field)s") % {"field": c.field_label})
             for c in cases[:SHOWN]]
    first = cases.first()
    return TodoList(title=_("Mục nhập trùng hồ sơ địa bàn khác cần xem xét"), count=cases.count(),
                    url=reverse("held_duplicates"), items=items,
                    oldest_due=first.raised_at.date() if first else None,
                    explanation=_("Cán bộ xã/phường đã nhập một số định danh, mã số thuế hoặc mã lớp đã có ở "
                                  "hồ sơ họ không được xem; họ chỉ được báo là mục đã chuyển Sở xem xét."))
