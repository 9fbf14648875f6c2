"""A scheme's lifecycle on the "Đề án" sheet: the step it reached, and walking it there through the service.

Status changes go through ``scheme_transition`` so that the plan budget, the support norm valid on the
approval date, the date order and the event rows hold exactly as for a form.
"""

from __future__ import annotations

from typing import Any

from khuyencong.accounts.models import User
from khuyencong.exchange.rows import RowProblem
from khuyencong.schemes import services
from khuyencong.schemes.models import Scheme
from khuyencong.schemes.sheets.common import same
from khuyencong.schemes.sheets.specs import IMPORT_NOTE, PROGRESS, STEP_FIELDS, S


def progress_of(scheme: Scheme) -> str:
    """The last lifecycle step up to acceptance that the scheme reached (settled/cancelled are closing steps)."""
    if scheme.status in PROGRESS:
        return scheme.status
    if scheme.status != S.CANCELLED:
        return S.ACCEPTED
    events = getattr(scheme, "cancellations", None)
    if events is None:
        events = list(scheme.events.filter(to_status=S.CANCELLED))
    if events and events[-1].from_status in PROGRESS:
        return str(events[-1].from_status)
    # Records loaded without events: the furthest step whose fields are filled in.
    for status in (S.CONTRACTED, S.APPROVED, S.APPRAISED):
        if all(getattr(scheme, f) not in (None, "") for f in STEP_FIELDS[status] if f != "appraisal_comments"):
            return status
    return S.PROPOSED


def check_recorded_steps(scheme: Scheme, reached: str, steps: dict[str, Any]) -> None:
    """Fields of steps already taken cannot be rewritten by a file (they are the decisions on record)."""
    for status in PROGRESS[1:PROGRESS.index(reached) + 1]:
        for name in STEP_FIELDS[status]:
            if not same(getattr(scheme, name), steps[name]):
                label = getattr(Scheme._meta.get_field(name), "verbose_name", name)
                field = "plan_year" if name == "plan" else name
                raise RowProblem(field, f"Đề án đã qua bước “{S(status).label}”: “{label}” đã ghi nhận và không "
                                 "sửa được bằng nhập tệp.")


def advance(actor: User, scheme: Scheme, target: str, steps: dict[str, Any]) -> bool:
    """Walk ``scheme`` step by step to ``target`` through the lifecycle service; True if it moved."""
    start = PROGRESS.index(scheme.status)
    for status in PROGRESS[start + 1:PROGRESS.index(target) + 1]:
        fields = {name: steps[name] for name in STEP_FIELDS[status] if steps[name] not in (None, "")}
        services.scheme_transition(actor=actor, scheme=scheme, target=status, fields=fields, note=IMPORT_NOTE)
    return PROGRESS.index(target) > start

