"""The typical-products workbook: products, selection rounds, councils, dossiers, juror scores, certificates.

Natural keys (text compared ignoring case and diacritics):

* product: owner establishment (tax code, else name + commune code, as in the establishments
  register) + product name;
* round: level code + organising unit code + year;
* council seat: round + the member's user name (jurors are user accounts: they must exist before
  the import, unknown user names are refused);
* dossier (nomination): round + product;
* score: dossier + juror user name + criterion code;
* certificate: dossier (one certificate per recognised dossier; a product recognised twice at one
  level has two dossiers in two rounds, so two certificates).

What must exist before the import: the establishments (establishments register first), the user
accounts of council members, and the reference data (levels, product groups, rule sets, criteria).

Rounds that are still open go through the live services (``nomination_create``,
``council_member_add``). Rounds whose scoring is over are history: they are recorded through
``products.services.historical`` with the same rules (see its docstring), because their jurors
cannot score live any more and their certificates carry their real numbers. Scores are never
imported for a round still being scored: each juror enters their own sheet.

The sheets and their columns are in ``columns``, the export in ``export``, the import in
``importing`` (with what one import has found so far in ``state``). Importing this package
registers the workbook with the exchange app.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from khuyencong.accounts.models import User
from khuyencong.exchange.registry import register
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.products.policy import may_create_round
from khuyencong.products.sheets.columns import CERTIFICATES, MEMBERS, NOMINATIONS, PRODUCTS, ROUNDS, SCORES
from khuyencong.products.sheets.export import EXPORTERS
from khuyencong.products.sheets.importing import import_sheet, record_results
from khuyencong.products.sheets.state import state_of


class ProductsRegister:
    code = "products"
    title = "Sản phẩm CNNT tiêu biểu"
    sheets: tuple[SheetSpec, ...] = (PRODUCTS, ROUNDS, MEMBERS, NOMINATIONS, SCORES, CERTIFICATES)

    def may_import(self, user: User) -> bool:
        """May this role create the register's records at all? Row scope is the services' own."""
        return may_create_round(user)

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        return EXPORTERS[sheet.name](actor)

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        import_sheet(sheet, rows, ctx)

    def finish(self, ctx: ImportContext) -> None:
        """After the last sheet: results of rounds whose scores changed (certificates may be absent)."""
        record_results(ctx, state_of(ctx))


register(ProductsRegister())

__all__ = ["CERTIFICATES", "MEMBERS", "NOMINATIONS", "PRODUCTS", "ROUNDS", "SCORES", "ProductsRegister"]
