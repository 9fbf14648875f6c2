"""The scheme lifecycle: an explicit transition table, each step stored as a SchemeEvent.

proposed → appraised → approved (in a plan) → contracted → in_progress (inspections) → accepted (nghiệm thu)
→ settled (quyết toán); side states: cancelled (before acceptance), amended (settled → amended → settled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.models import User
from khuyencong.core import services as core
from khuyencong.core.lifecycle import Lifecycle, Step, note_problem
from khuyencong.core.services import attribute
from khuyencong.schemes.models import Scheme, SchemeAmendment, SchemeAttachment, SchemeEvent, SchemeStatus
from khuyencong.schemes.policy import may_drive
from khuyencong.schemes.services.common import check_disbursed_within_support, check_norm, check_plan_budget

S = SchemeStatus


def _drives(actor: User, scheme: Scheme) -> bool:
    return may_drive(actor)


# The transition table: each status, the statuses it is reached from, and the fields that step records
# (required, optional). Province staff drive every step.
SCHEME_LIFECYCLE = Lifecycle(
    statuses=SchemeStatus, event=SchemeEvent, error_field="target",
    refused=gettext_lazy("Không thể chuyển đề án từ “%(a)s” sang “%(b)s”."),
    may=_drives, refusal=gettext_lazy("Chỉ cán bộ cấp tỉnh được chuyển trạng thái đề án."),
    steps=[
        Step(S.APPRAISED, {S.PROPOSED}, required={"appraisal_score"}, optional={"appraisal_comments"}),
        Step(S.APPROVED, {S.APPRAISED}, required={"plan", "approval_decision_no", "approval_decision_date"}),
        Step(S.CONTRACTED, {S.APPROVED}, required={"contract_no", "contract_date"}),
        # in_progress → in_progress records an inspection (kiểm tra) with its note.
        Step(S.IN_PROGRESS, {S.CONTRACTED, S.IN_PROGRESS}, optional={"actual_start"}),
        Step(S.ACCEPTED, {S.IN_PROGRESS}, required={"acceptance_date", "acceptance_record_no"},
             optional={"actual_end"}),
        Step(S.SETTLED, {S.ACCEPTED, S.AMENDED}, required={"settled_amount", "settlement_date"}),
        # Only through scheme_amend, which puts the scheme straight back to settled with the new figures.
        Step(S.AMENDED, {S.SETTLED}, may=_drives, refusal=gettext_lazy("Chỉ cán bộ cấp tỉnh được điều chỉnh đề án.")),
        Step(S.CANCELLED, {S.PROPOSED, S.APPRAISED, S.APPROVED, S.CONTRACTED, S.IN_PROGRESS}),
    ],
)
TRANSITIONS = SCHEME_LIFECYCLE.table
FIELDS = SCHEME_LIFECYCLE.fields
AMENDABLE = {"total_cost", "public_support", "counterpart_capital", "settled_amount", "settlement_date",
             "actual_end"}
_DATES = ("approval_decision_date", "contract_date", "acceptance_date", "settlement_date")


def allowed_targets(scheme: Scheme) -> list[str]:
    """Targets the transition form may offer (amendment has its own form)."""
    return [t for t in S.values if t in TRANSITIONS[scheme.status] and t != S.AMENDED]


def _label(status: str) -> str:
    return SCHEME_LIFECYCLE.label(status)


def record_event(scheme: Scheme, *, actor: User, from_status: str, to_status: str, note: str = "",
                 attachment: SchemeAttachment | None = None) -> SchemeEvent:
    event = SCHEME_LIFECYCLE.record(scheme, actor=actor, source=from_status, target=to_status, note=note,
                                    attachment=attachment)
    assert isinstance(event, SchemeEvent)
    return event


def _check_fields(scheme: Scheme, target: str, fields: Mapping[str, Any], note: str) -> None:
    errors = SCHEME_LIFECYCLE.required_fields(target, fields)
    if problem := note_problem(note.strip(), _("Ghi chú")):
        errors["note"] = problem
    if target == S.CANCELLED and not note.strip():
        errors["note"] = _("Hãy nêu lý do hủy đề án.")
    if target == S.IN_PROGRESS and scheme.status == S.IN_PROGRESS and not note.strip():
        errors["note"] = _("Hãy ghi nội dung, kết quả kiểm tra.")
    if errors:
        raise ValidationError(errors)


def _check_dates(scheme: Scheme) -> None:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    previous: tuple[str, dt.date] | None = None
    for name in _DATES:
        value = getattr(scheme, name)
        if value is None:
            continue
        if value > today:
            errors[name] = _("Ngày này không được ở tương lai.")
        elif previous and value < previous[1]:
            other = getattr(Scheme._meta.get_field(previous[0]), "verbose_name", previous[0])
            errors[name] = _("Ngày này không được trước %(other)s (%(day)s).") % {
                "other": other, "day": previous[1].strftime("%d/%m/%Y")}
        previous = (name, value)
    if errors:
        raise ValidationError(errors)


def _resolve_attachment(scheme: Scheme, attachment: SchemeAttachment | None) -> SchemeAttachment | None:
    if attachment is not None and attachment.scheme_id != scheme.pk:
        raise ValidationError({"attachment": _("Tài liệu không thuộc đề án này.")})
    return attachment


@transaction.atomic
def scheme_transition(*, actor: User, scheme: Scheme, target: str, fields: Mapping[str, Any] | None = None,
                      note: str = "", attachment: SchemeAttachment | None = None,
                      expected_version: int | None = None) -> Scheme:
    """Move ``scheme`` to ``target`` if the table allows it, with the fields that step records."""
    SCHEME_LIFECYCLE.authorise(actor, scheme, target)
    if target == S.AMENDED:
        raise ValidationError({"target": _("Điều chỉnh đề án đã quyết toán phải lập qua chức năng điều chỉnh.")})
    SCHEME_LIFECYCLE.check(scheme.status, target)
    fields = dict(fields or {})
    _check_fields(scheme, target, fields, note)
    attachment = _resolve_attachment(scheme, attachment)
    for name, value in fields.items():
        setattr(scheme, name, value)
    if target == S.IN_PROGRESS and scheme.actual_start is None:
        scheme.actual_start = timezone.localdate()
    _check_dates(scheme)
    if target == S.APPROVED:
        check_plan_budget(scheme)
        assert scheme.approval_decision_date is not None
        check_norm(scheme, on=scheme.approval_decision_date)  # the norm valid on the approval date
    source = scheme.status
    scheme.status = target
    core.save_changes(scheme, actor=actor, expected_version=expected_version)
    record_event(scheme, actor=actor, from_status=source, to_status=target, note=note.strip(), attachment=attachment)
    return scheme


def _snapshot(scheme: Scheme) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(AMENDABLE):
        value = getattr(scheme, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


@transaction.atomic
def scheme_amend(*, actor: User, scheme: Scheme, changes: Mapping[str, Any], reason: str, decision_no: str = "",
                 expected_version: int | None = None) -> SchemeAmendment:
    """Change a settled scheme's figures: settled → amended → settled, keeping the previous values."""
    SCHEME_LIFECYCLE.authorise(actor, scheme, S.AMENDED)
    if scheme.status != S.SETTLED:
        raise ValidationError({"__all__": _("Chỉ điều chỉnh được đề án đã quyết toán; đề án đang ở trạng thái "
                                            "“%(s)s”.") % {"s": _label(scheme.status)}})
    errors = {name: _("Không được điều chỉnh trường này.") for name in set(changes) - AMENDABLE}
    if not reason.strip():
        errors["reason"] = _("Hãy nêu lý do điều chỉnh.")
    elif problem := note_problem(reason.strip(), _("Lý do điều chỉnh")):
        errors["reason"] = problem
    for name in {"total_cost", "public_support", "counterpart_capital", "settled_amount"} & changes.keys():
        value = changes[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = _("Số tiền phải là số nguyên không âm, tính bằng đồng.")
    if errors:
        raise ValidationError(errors)
    previous = _snapshot(scheme)
    if all(getattr(scheme, k) == v for k, v in changes.items()):
        raise ValidationError({"__all__": _("Không có số liệu nào thay đổi.")})
    scheme.status = S.AMENDED
    core.save_changes(scheme, actor=actor, expected_version=expected_version)
    record_event(scheme, actor=actor, from_status=S.SETTLED, to_status=S.AMENDED, note=reason.strip())
    for name, value in changes.items():
        setattr(scheme, name, value)
    _check_dates(scheme)
    check_plan_budget(scheme)
    assert scheme.approval_decision_date is not None
    check_norm(scheme, on=scheme.approval_decision_date)
    check_disbursed_within_support(scheme)
    scheme.status = S.SETTLED
    core.save_changes(scheme, actor=actor, expected_version=None)
    applied = _("Áp dụng điều chỉnh %(no)s.") % {"no": decision_no} if decision_no else _("Áp dụng điều chỉnh.")
    record_event(scheme, actor=actor, from_status=S.AMENDED, to_status=S.SETTLED, note=applied)
    amendment = SchemeAmendment(scheme=scheme, actor=actor, reason=reason.strip(), decision_no=decision_no,
                                previous=previous, new=_snapshot(scheme))
    amendment.full_clean()
    attribute(amendment, actor)
    amendment.save()
    return amendment


@transaction.atomic
def scheme_transition_with_document(*, actor: User, scheme: Scheme, target: str, fields: Mapping[str, Any],
                                    note: str, upload: Any, document_kind: str,
                                    expected_version: int | None) -> Scheme:
    """A transition with its document (decision, contract, acceptance record) in one transaction."""
    from khuyencong.schemes.services.attachments import attachment_add

    SCHEME_LIFECYCLE.authorise(actor, scheme, target)
    attachment = attachment_add(actor=actor, scheme=scheme, kind=document_kind or "other", upload=upload) \
        if upload else None
    return scheme_transition(actor=actor, scheme=scheme, target=target, fields=fields, note=note,
                             attachment=attachment, expected_version=expected_version)
