"""The products workbook written back: each row through the products services, one problem per row.

Rounds still open go through the live services; rounds whose scoring is over through
``products.services.historical`` (see the package docstring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from khuyencong.core.errors import SERVICE_ERRORS, problems
from khuyencong.core.text import fold, normalize
from khuyencong.exchange.rows import ROW_ERRORS, RowProblem, placed
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.products import services
from khuyencong.products.models import (
    MemberRole,
    NominationStatus,
    ProductGroup,
    RecognitionDecision,
    RecognitionLevel,
    RoundStatus,
    RuleSet,
    SelectionRound,
    in_force,
)
from khuyencong.products.services import historical
from khuyencong.products.services.rounds import before_any_rules
from khuyencong.products.sheets.columns import (
    CERTIFICATES,
    FIELD_MAP,
    MEMBERS,
    NOMINATIONS,
    PRODUCTS,
    ROUNDS,
    SCORES,
)
from khuyencong.products.sheets.state import ImportState, round_key, state_of


def import_sheet(sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
    """Write each row of ``sheet``; a refused row gets one problem and the others carry on."""
    state = state_of(ctx)
    if sheet.name == CERTIFICATES.name:
        record_results(ctx, state)
    handle, outcome, seen = HANDLERS[sheet.name], ctx.outcome(sheet), set()
    for row in rows:
        try:
            key = _folded_key(sheet, row)
            if key in seen:
                raise RowProblem(sheet.key[-1], "Dòng này trùng khoá với một dòng phía trên trong cùng tệp.")
            seen.add(key)
            result = handle(row, ctx, state)
        except ROW_ERRORS as error:
            _report(ctx, sheet, row, error)
            continue
        setattr(outcome, result, getattr(outcome, result) + 1)


def _folded_key(sheet: SheetSpec, row: Row) -> tuple[str, ...]:
    return tuple(fold(str(row.values.get(f) if row.values.get(f) is not None else "")) for f in sheet.key)


def _report(ctx: ImportContext, sheet: SheetSpec, row: Row, error: Exception) -> None:
    """One problem per row, all its messages together under the first column they name."""
    if any(p.sheet == sheet.name and p.row == row.number for p in ctx.problems):
        return  # a later problem (e.g. the round's results) would only repeat the first
    found = placed(sheet, error, FIELD_MAP.get(sheet.name))
    column = next((c for c, _message in found if c is not None), None)
    ctx.problem(sheet, row, column, "; ".join(message for _column, message in found))


def joined(error: Exception) -> str:
    """A service error's messages in one cell (the column is chosen by the caller)."""
    return "; ".join(message for messages in problems(error).values() for message in messages)


def _changes(record: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if getattr(record, k) != v}


# ---- products ------------------------------------------------------------------------------------

def _group(code: str) -> ProductGroup:
    today = timezone.localdate()
    group = (ProductGroup.objects.filter(in_force(today), code=code).first()
             or ProductGroup.objects.filter(code=code).order_by("-valid_from").first())
    if group is None:
        raise RowProblem("group", f"Không có nhóm sản phẩm mã “{code}”.")
    return group

def product_row(row: Row, ctx: ImportContext, state: ImportState) -> str:
    values = row.values
    establishment = state.establishment(values)
    key = (establishment.pk, fold(values["product_name"]))
    data: dict[str, Any] = {"name": normalize(values["product_name"]),
                            "description": values.get("description") or "",
                            "one_off": bool(values.get("one_off"))}
    product = state.products.get(key)
    if product is None:
        product = services.product_create(actor=ctx.actor, data={
            "establishment": establishment, "group": _group(values["group"]), **data})
        state.products[key] = product
        return "created"
    changes = _changes(product, data)
    if product.group.code != values["group"]:
        changes["group"] = _group(values["group"])
    if not changes:
        return "unchanged"
    services.product_update(actor=ctx.actor, product=product, data=changes, expected_version=product.version)
    return "updated"

# ---- rounds --------------------------------------------------------------------------------------

def _round_refs(values: dict[str, Any]) -> dict[str, Any]:
    deadline: dt.date = values["dossier_deadline"]
    if (too_early := before_any_rules(deadline)) is not None:  # before Circular 26/2014: say so
        raise RowProblem("dossier_deadline", too_early)
    level = RecognitionLevel.objects.filter(in_force(deadline), code=values["round_level"]).first()
    if level is None:
        raise RowProblem("round_level", f"Cấp “{values['round_level']}” không áp dụng vào ngày "
                         f"{deadline.strftime('%d/%m/%Y')} (hạn nhận hồ sơ).")
    try:
        # Province, district and commune codes have 2, 3 and 5 digits; the level is checked by the service.
        organiser = unit_by_code(str(values["round_organiser"]), on=deadline)
    except UnitNotFound as error:
        raise RowProblem("round_organiser", str(error)) from None
    rule_set = (RuleSet.objects.filter(valid_from__lte=deadline)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=deadline)).order_by("-valid_from").first())
    if rule_set is None:
        raise RowProblem("dossier_deadline", "Không có bộ quy tắc chấm điểm có hiệu lực vào hạn nhận hồ sơ.")
    return {"level": level, "organiser": organiser, "rule_set": rule_set}

def round_row(row: Row, ctx: ImportContext, state: ImportState) -> str:
    values = row.values
    key = round_key(values["round_level"], values["round_organiser"], values["round_year"])
    found = state.rounds.get(key, [])
    if len(found) > 1:
        raise RowProblem("round_organiser", f"Có {len(found)} đợt bình chọn cùng cấp, địa bàn và năm: sửa trực "
                         "tiếp trên hệ thống.")
    data = {"name": normalize(values["name"]), "plan_document_no": values.get("plan_document_no") or "",
            "dossier_deadline": values["dossier_deadline"], "quota": values.get("quota"),
            "status": values.get("status") or RoundStatus.OPEN}
    if found:
        selection_round, result = found[0], "unchanged"
        if _changes(selection_round, data):
            historical.round_record(actor=ctx.actor, data=data, selection_round=selection_round)
            result = "updated"
    else:
        selection_round = historical.round_record(actor=ctx.actor, data={
            **data, **_round_refs(values), "year": values["round_year"]})
        state.rounds[key] = [selection_round]
        result = "created"
    changed = _round_council(selection_round, values, ctx, state)
    changed |= _round_decision(selection_round, values, ctx)
    return "updated" if changed and result == "unchanged" else result

def _round_council(selection_round: SelectionRound, values: dict[str, Any], ctx: ImportContext,
                   state: ImportState) -> bool:
    name = normalize(values.get("council_name") or "")
    decision_no = normalize(values.get("council_decision_no") or "")
    council = state.council(selection_round)
    if council is None and not name and not decision_no:
        return False
    if council is not None and (council.name, council.decision_no) == (name, decision_no):
        return False
    try:
        historical.council_record(actor=ctx.actor, selection_round=selection_round, name=name,
                                  decision_no=decision_no)
    except ValidationError as error:
        raise RowProblem("council_name", joined(error)) from None
    state.forget_council(selection_round)
    return True

def _round_decision(selection_round: SelectionRound, values: dict[str, Any], ctx: ImportContext) -> bool:
    number, decided_on = normalize(values.get("decision_number") or ""), values.get("decided_on")
    decision = RecognitionDecision.objects.filter(round=selection_round).first()
    if decision is not None and (decision.number, decision.decided_on) == (number, decided_on):
        return False
    if decision is None and not number and not decided_on and selection_round.status != RoundStatus.DECIDED:
        return False
    try:
        historical.decision_record(actor=ctx.actor, selection_round=selection_round, number=number,
                                   decided_on=decided_on)
    except ValidationError as error:
        column = "decided_on" if "decided_on" in problems(error) else "decision_number"
        raise RowProblem(column, joined(error)) from None
    return True

# ---- council members -----------------------------------------------------------------------------

def member_row(row: Row, ctx: ImportContext, state: ImportState) -> str:
    values = row.values
    selection_round = state.round(values)
    council = state.council(selection_round)
    if council is None:
        raise RowProblem("round_level", "Đợt bình chọn chưa có hội đồng: hãy ghi tên hội đồng ở trang "
                         "Đợt bình chọn.")
    user = state.user(values["username"], "username")
    seats = state.seats_of(selection_round)
    member = seats.get(user.pk)
    title = normalize(values.get("title") or "")
    if member is not None and (member.role, member.title) == (values["role"], title):
        return "unchanged"
    council.round = selection_round
    seats[user.pk] = historical.member_record(actor=ctx.actor, council=council, user=user, role=values["role"],
                                              title=title, member=member)
    return "created" if member is None else "updated"

# ---- nominations ---------------------------------------------------------------------------------

def nomination_row(row: Row, ctx: ImportContext, state: ImportState) -> str:
    values = row.values
    selection_round, product = state.round(values), state.product(values)
    nominations = state.nominations_of(selection_round)
    nomination = nominations.get(product.pk)
    data = {"selection_code": normalize(values.get("selection_code") or ""),
            "submitted_on": values["submitted_on"],
            "registration_form_no": normalize(values.get("registration_form_no") or ""),
            "made_by_establishment": bool(values.get("made_by_establishment")),
            "dossier_note": normalize(values.get("dossier_note") or ""),
            "status": values.get("status") or NominationStatus.SUBMITTED}
    if nomination is not None:
        if not data["selection_code"]:
            data["selection_code"] = nomination.selection_code  # numbered by the system: keep it
        if not _changes(nomination, data):
            return "unchanged"
    nominations[product.pk] = historical.nomination_record(
        actor=ctx.actor, selection_round=selection_round, product=product, data=data, nomination=nomination)
    state.touched_rounds.setdefault(selection_round.pk, (NOMINATIONS, row))
    return "created" if nomination is None else "updated"

# ---- scores --------------------------------------------------------------------------------------

def score_row(row: Row, ctx: ImportContext, state: ImportState) -> str:
    values = row.values
    nomination = state.nomination(values)
    user = state.user(values["juror"], "juror")
    member = state.seats_of(nomination.round).get(user.pk)
    if member is None or member.role != MemberRole.JUROR:
        raise RowProblem("juror", f"Tài khoản “{user.username}” không phải giám khảo của đợt bình chọn này "
                         "(trang Thành viên hội đồng).")
    criterion = state.criterion(nomination.round, values["criterion"])
    if criterion is None:
        raise RowProblem("criterion", f"Phiếu chấm của đợt này không có tiêu chí “{values['criterion']}”.")
    scores = state.scores_of(nomination.round)
    key = (nomination.pk, member.pk, criterion.pk)
    score, points = scores.get(key), values["points"]
    if score is not None and historical.points_equal(score.points, points):
        return "unchanged"
    scores[key] = historical.score_record(
        actor=ctx.actor, nomination=nomination, member=member, criterion=criterion,
        points=points if not isinstance(points, Decimal) else str(points), score=score)
    state.touched_rounds.setdefault(nomination.round_id, (SCORES, row))
    return "created" if score is None else "updated"

def record_results(ctx: ImportContext, state: ImportState) -> None:
    """Results of every round whose dossiers or scores changed, once all its scores are in.

    Skipped when a council, dossier or score row was refused: the import will not be saved, and
    an incomplete sheet would only repeat the problem already reported on its row.
    """
    if any(p.sheet in (MEMBERS.name, NOMINATIONS.name, SCORES.name) for p in ctx.problems):
        state.touched_rounds.clear()
        return
    for round_id, (sheet, row) in state.touched_rounds.items():
        selection_round = SelectionRound.objects.select_related("level", "rule_set").get(pk=round_id)
        try:
            historical.results_record(actor=ctx.actor, selection_round=selection_round)
        except SERVICE_ERRORS as error:
            column = "points" if sheet is SCORES else "status"
            ctx.problem(sheet, row, column, f"Đợt “{selection_round.name}”: {joined(error)}")
    state.touched_rounds.clear()

# ---- certificates --------------------------------------------------------------------------------

def certificate_row(row: Row, ctx: ImportContext, state: ImportState) -> str:
    values = row.values
    nomination = state.nomination(values)
    certificates = state.certificates_of(nomination.round)
    certificate = certificates.get(nomination.pk)
    data = {"number": normalize(values["number"]), "issued_on": values.get("issued_on"),
            "valid_until": values.get("valid_until"), "revoked": bool(values.get("revoked")),
            "revoked_on": values.get("revoked_on"),
            "revocation_reason": normalize(values.get("revocation_reason") or "")}
    if certificate is not None:
        if data["issued_on"] is None:
            data["issued_on"] = certificate.issued_on
        if not _changes(certificate, data):
            return "unchanged"
    certificates[nomination.pk] = historical.certificate_record(actor=ctx.actor, nomination=nomination, data=data,
                                                                certificate=certificate)
    return "created" if certificate is None else "updated"


HANDLERS: dict[str, Callable[[Row, ImportContext, ImportState], str]] = {
    PRODUCTS.name: product_row, ROUNDS.name: round_row, MEMBERS.name: member_row,
    NOMINATIONS.name: nomination_row, SCORES.name: score_row, CERTIFICATES.name: certificate_row,
}
