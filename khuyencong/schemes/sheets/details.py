"""Import of a scheme's money, activity details and closing step, each row through its service.

These sheets come after "Đề án": the services refuse disbursements and details once a scheme is settled
or cancelled, so only the last sheet settles or cancels it. A disbursement or machinery item is named by
the scheme code and its number within the scheme (1, 2, 3… in date / entry order).
"""

from __future__ import annotations

from khuyencong.exchange.rows import RowProblem
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.schemes import services
from khuyencong.schemes.models import DemonstrationModel
from khuyencong.schemes.sheets.common import References, changed_fields
from khuyencong.schemes.sheets.specs import IMPORT_NOTE, S


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
