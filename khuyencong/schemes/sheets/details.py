"""Import of a scheme's money, activity details and closing step, each row through its service.

These sheets come after "Đề án": the services refuse disbursements and details once a scheme is settled
or cancelled, so only the last sheet settles or cancels it. A disbursement or machinery item is named by
the scheme code and its number within the scheme (1, 2, 3… in date / entry order), and so are a
communication output and a cleaner-production assessment (in entry order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from khuyencong.exchange.rows import RowProblem
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.schemes import services
from khuyencong.schemes.models import DemonstrationModel
from khuyencong.schemes.sheets.common import References, changed_fields, differs_from_file
from khuyencong.schemes.sheets.specs import FIELD_COLUMNS, IMPORT_NOTE, S


def import_disbursement(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    scheme = refs.scheme(v["scheme_code"])
    recorded = list(scheme.disbursements.order_by("date", "pk"))
    number = v["number"]
    if number < 1:
        raise RowProblem("number", "Lần giải ngân phải là số nguyên từ 1 trở lên.")
    outcome = ctx.outcome(sheet)
    if number <= len(recorded):
        d = recorded[number - 1]
        if (d.date, d.amount, d.note) == (v["date"], v["amount"], v["note"] or ""):
            outcome.unchanged += 1
            return
        raise RowProblem("amount", f"Lần giải ngân {number} của đề án đã ghi nhận ngày {d.date:%d/%m/%Y}, "
                         f"số tiền {d.amount:,} đồng".replace(",", ".") + "; khoản giải ngân đã ghi không "
                         "sửa được bằng nhập tệp.")
    services.disbursement_create(actor=ctx.actor, scheme=scheme, date=v["date"], amount=v["amount"],
                                 note=v["note"] or "")
    outcome.created += 1


def import_machinery(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    scheme = refs.scheme(v["scheme_code"])
    recorded = list(scheme.machinery_items.order_by("pk"))
    number = v["number"]
    if number < 1:
        raise RowProblem("number", "Số thứ tự phải là số nguyên từ 1 trở lên.")
    data = {"name": v["name"], "quantity": v["quantity"], "unit_price": v["unit_price"],
            "supplier": v["supplier"] or "", "sector_group": v["sector_group"] or ""}
    outcome = ctx.outcome(sheet)
    if number <= len(recorded):
        if not changed_fields(recorded[number - 1], data):
            outcome.unchanged += 1
            return
        raise RowProblem("name", f"Thiết bị số {number} của đề án đã ghi nhận khác với dòng này; hãy sửa "
                         "trên trang đề án (xóa rồi thêm lại).")
    services.machinery_item_add(actor=ctx.actor, scheme=scheme, data=data)
    outcome.created += 1


def import_demonstration(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    scheme = refs.scheme(v["scheme_code"])
    try:
        host = refs.establishments.find(v)
    except LookupError as error:
        raise RowProblem("establishment_name", str(error)) from None
    adopters = refs.establishment_list(v["adopters"], "adopters")
    data = {"host_establishment": host, "technology": v["technology"],
            "workers_employed": v["workers_employed"] or 0, "avg_worker_income_vnd": v["avg_worker_income_vnd"]}
    existing = DemonstrationModel.objects.filter(scheme=scheme).first()
    outcome = ctx.outcome(sheet)
    if existing is None:
        services.demonstration_save(actor=ctx.actor, scheme=scheme, data=data, adopters=adopters)
        outcome.created += 1
        return
    changes = changed_fields(existing, data)
    same_adopters = {e.pk for e in existing.adopters.all()} == {e.pk for e in adopters}
    if not changes and same_adopters:
        outcome.unchanged += 1
        return
    services.demonstration_save(actor=ctx.actor, scheme=scheme, data=changes,
                                adopters=None if same_adopters else adopters, expected_version=None)
    outcome.updated += 1


def import_communication(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    scheme = refs.scheme(v["scheme_code"])
    data = {"kind": v["kind"], "title": v["title"], "quantity": 1 if v["quantity"] is None else v["quantity"],
            "reach": v["reach"]}
    _add_numbered(row, ctx, sheet, list(scheme.communication_outputs.order_by("pk")), data,
                  lambda: services.communication_output_add(actor=ctx.actor, scheme=scheme, data=data))


def import_assessment(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    scheme = refs.scheme(v["scheme_code"])
    data = {"establishment": refs.establishment(v), "assessed_on": v["assessed_on"], "findings": v["findings"] or "",
            "annual_savings_vnd": v["annual_savings_vnd"] or 0, "energy_saving_kwh": v["energy_saving_kwh"],
            "water_saving_m3": v["water_saving_m3"]}
    _add_numbered(row, ctx, sheet, list(scheme.cleaner_production_assessments.order_by("pk")), data,
                  lambda: services.cleaner_production_assessment_add(actor=ctx.actor, scheme=scheme, data=data))


def _add_numbered(row: Row, ctx: ImportContext, sheet: SheetSpec, recorded: Sequence[Any], data: dict[str, Any],
                  add: Callable[[], Any]) -> None:
    """Item ``number`` of a scheme: unchanged when recorded alike, added when it is the next one, else refused.

    Numbers must follow on (1, 2, 3…): an item added out of turn would take the next number and the
    same file, imported again, would add it once more.
    """
    number = row.values["number"]
    if not 1 <= number <= len(recorded) + 1:
        raise RowProblem("number", f"Số thứ tự {number} không liền sau các mục đã có của đề án ({len(recorded)} "
                         "mục): hãy đánh số 1, 2, 3… liên tiếp trong mỗi đề án.")
    outcome = ctx.outcome(sheet)
    if number > len(recorded):
        add()
        outcome.created += 1
        return
    differing = differs_from_file(recorded[number - 1], data)
    if differing:
        raise RowProblem(FIELD_COLUMNS.get(differing[0], differing[0]), f"Mục số {number} của đề án đã ghi nhận "
                         "khác với dòng này; hãy sửa trên trang đề án (xóa rồi thêm lại).")
    outcome.unchanged += 1


def import_closing(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    scheme = refs.scheme(v["scheme_code"])
    outcome = ctx.outcome(sheet)
    if v["outcome"] == S.SETTLED:
        fields = {"settled_amount": v["settled_amount"], "settlement_date": v["settlement_date"]}
        if scheme.status in (S.SETTLED, S.AMENDED):
            if changed_fields(scheme, fields):
                raise RowProblem("settled_amount", "Đề án đã quyết toán; muốn thay đổi số liệu quyết toán hãy "
                                 "lập điều chỉnh đề án trên hệ thống và nêu lý do.")
            outcome.unchanged += 1
            return
        services.scheme_transition(actor=ctx.actor, scheme=scheme, target=S.SETTLED, fields=fields,
                                   note=IMPORT_NOTE)
    else:
        if scheme.status == S.CANCELLED:
            outcome.unchanged += 1
            return
        reason = v["cancel_reason"] or ""
        services.scheme_transition(actor=ctx.actor, scheme=scheme, target=S.CANCELLED, note=reason)
    outcome.updated += 1
