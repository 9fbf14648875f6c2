"""The schemes workbook: programmes, annual plans, schemes, disbursements, machinery, demonstration
models, communication outputs, cleaner-production assessments, and the closing step (settlement or
cancellation) of each scheme.

Sheets follow the order in which the records can be re-created through the services: a scheme is
created and walked through its lifecycle up to acceptance on the "Đề án" sheet; its disbursements
and activity details are then recorded (the services refuse both once a scheme is settled or
cancelled); only the last sheet settles or cancels it.

Natural keys: scheme code (mã đề án); a disbursement, machinery item, communication output or
assessment is the scheme code plus its number within the scheme (1, 2, 3… in date / entry order);
establishments are named by tax code, or by name and commune code when they have none (same rule as
the establishments register).

The exchange app imports this module when it starts (``autodiscover_modules("sheets")``); importing it
registers the workbook, as an app's ``admin`` module registers its models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from khuyencong.accounts.models import User
from khuyencong.exchange.registry import register
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.schemes.policy import may_start_proposal
from khuyencong.schemes.sheets import details, export, records
from khuyencong.schemes.sheets.common import References, each_row
from khuyencong.schemes.sheets.specs import (
    ASSESSMENTS,
    CLOSING,
    COMMUNICATION,
    DEMONSTRATIONS,
    DISBURSEMENTS,
    FIELD_COLUMNS,
    MACHINERY,
    PLANS,
    PROGRAMMES,
    SCHEMES,
)

__all__ = ["ASSESSMENTS", "CLOSING", "COMMUNICATION", "DEMONSTRATIONS", "DISBURSEMENTS", "MACHINERY", "PLANS",
           "PROGRAMMES", "SCHEMES", "SchemesRegister"]

Importer = Callable[[Row, ImportContext, SheetSpec, References], None]
# Each sheet: how its rows are exported, and how one row is imported.
HANDLERS: dict[str, tuple[Callable[[User], Iterable[Sequence[Any]]], Importer]] = {
    PROGRAMMES.name: (export.programmes, records.import_programme),
    PLANS.name: (export.plans, records.import_plan),
    SCHEMES.name: (export.schemes, records.import_scheme),
    DISBURSEMENTS.name: (export.disbursements, details.import_disbursement),
    MACHINERY.name: (export.machinery, details.import_machinery),
    DEMONSTRATIONS.name: (export.demonstrations, details.import_demonstration),
    COMMUNICATION.name: (export.communication, details.import_communication),
    ASSESSMENTS.name: (export.assessments, details.import_assessment),
    CLOSING.name: (export.closing, details.import_closing),
}


class SchemesRegister:
    code = "schemes"
    title = "Đề án khuyến công"
    sheets: tuple[SheetSpec, ...] = (PROGRAMMES, PLANS, SCHEMES, DISBURSEMENTS, MACHINERY, DEMONSTRATIONS,
                                     COMMUNICATION, ASSESSMENTS, CLOSING)

    def may_import(self, user: User) -> bool:
        """May this role create the register's records at all? Row scope is the services' own."""
        return may_start_proposal(user)

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        return HANDLERS[sheet.name][0](actor)

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        refs = References(ctx.actor)
        write = HANDLERS[sheet.name][1]
        each_row(sheet, rows, ctx, lambda row: write(row, ctx, sheet, refs), FIELD_COLUMNS)


register(SchemesRegister())
