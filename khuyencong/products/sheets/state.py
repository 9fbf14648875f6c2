"""What one products import has found or created so far, shared by its six sheets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from khuyencong.accounts.models import User
from khuyencong.core.text import fold
from khuyencong.establishments.sheets import EstablishmentLookup
from khuyencong.exchange.rows import RowProblem
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.products.models import (
    Certificate,
    Council,
    CouncilMember,
    Criterion,
    Nomination,
    Product,
    Score,
    SelectionRound,
)
from khuyencong.products.selectors import products_for, rounds_for
from khuyencong.products.services.scoring import sheet_criteria


def round_key(level_code: str, organiser_code: str, year: int) -> tuple[str, str, int]:
    return (level_code, str(organiser_code).strip(), int(year))


@dataclass
class ImportState:
    """Records found or created so far in one import (one query per kind, not per row)."""

    actor: User
    establishments: EstablishmentLookup
    rounds: dict[tuple[str, str, int], list[SelectionRound]] = field(default_factory=dict)
    products: dict[tuple[int, str], Product] = field(default_factory=dict)
    users: dict[str, User | None] = field(default_factory=dict)
    # round id → the first sheet row that changed its dossiers or scores (where a results problem is shown)
    touched_rounds: dict[int, tuple[SheetSpec, Row]] = field(default_factory=dict)
    # Per round, loaded on first use with one query each, so re-importing costs no query per row.
    _councils: dict[int, Council | None] = field(default_factory=dict)
    _nominations: dict[int, dict[int, Nomination]] = field(default_factory=dict)  # round → product id → …
    _members: dict[int, dict[int, CouncilMember]] = field(default_factory=dict)  # round → user id → seat
    _scores: dict[int, dict[tuple[int, int, int], Score]] = field(default_factory=dict)
    _certificates: dict[int, dict[int, Certificate]] = field(default_factory=dict)  # round → nomination id → …
    _criteria: dict[int, dict[str, Criterion]] = field(default_factory=dict)  # rule set → code → criterion

    @classmethod
    def build(cls, actor: User) -> ImportState:
        state = cls(actor, EstablishmentLookup(actor))
        for r in rounds_for(actor).select_related("organiser", "level", "rule_set").order_by("pk"):
            state.rounds.setdefault(round_key(r.level.code, r.organiser.code, r.year), []).append(r)
        for p in products_for(actor).order_by("pk"):
            state.products[(p.establishment_id, fold(p.name))] = p
        return state

    def round(self, values: dict[str, Any]) -> SelectionRound:
        key = round_key(values["round_level"], values["round_organiser"], values["round_year"])
        found = self.rounds.get(key, [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise RowProblem("round_organiser", f"Không có đợt bình chọn cấp “{key[0]}”, địa bàn {key[1]}, năm "
                             f"{key[2]} (trong trang Đợt bình chọn hoặc trong dữ liệu).")
        raise RowProblem("round_organiser", f"Có {len(found)} đợt bình chọn cùng cấp, địa bàn và năm; không xác "
                         "định được hồ sơ thuộc đợt nào.")

    def product(self, values: dict[str, Any]) -> Product:
        establishment = self.establishment(values)
        found = self.products.get((establishment.pk, fold(values["product_name"])))
        if found is None:
            raise RowProblem("product_name", f"Cơ sở “{establishment.name}” không có sản phẩm "
                             f"“{values['product_name']}” (trong trang Sản phẩm hoặc trong dữ liệu).")
        return found

    def establishment(self, values: dict[str, Any]) -> Any:
        try:
            return self.establishments.find(values)
        except LookupError as error:
            raise RowProblem("establishment_name", str(error.args[0])) from None

    def user(self, username: str, column_field: str) -> User:
        username = (username or "").strip()
        if username not in self.users:
            self.users[username] = User.objects.filter(username=username).first()
        found = self.users[username]
        if found is None:
            raise RowProblem(column_field, f"Không có tài khoản “{username}” trong hệ thống: hãy tạo tài khoản "
                             "trước khi nhập.")
        return found

    def council(self, selection_round: SelectionRound) -> Council | None:
        if selection_round.pk not in self._councils:
            self._councils[selection_round.pk] = Council.objects.filter(round=selection_round).first()
        return self._councils[selection_round.pk]

    def forget_council(self, selection_round: SelectionRound) -> None:
        self._councils.pop(selection_round.pk, None)

    def nominations_of(self, selection_round: SelectionRound) -> dict[int, Nomination]:
        if selection_round.pk not in self._nominations:
            items = Nomination.objects.filter(round=selection_round).select_related("product__establishment")
            self._nominations[selection_round.pk] = {n.product_id: n for n in items}
            for n in self._nominations[selection_round.pk].values():
                n.round = selection_round  # the round object of this import (its level and rule set loaded)
        return self._nominations[selection_round.pk]

    def seats_of(self, selection_round: SelectionRound) -> dict[int, CouncilMember]:
        if selection_round.pk not in self._members:
            items = CouncilMember.objects.filter(council__round=selection_round).select_related("council")
            self._members[selection_round.pk] = {m.user_id: m for m in items}
        return self._members[selection_round.pk]

    def scores_of(self, selection_round: SelectionRound) -> dict[tuple[int, int, int], Score]:
        if selection_round.pk not in self._scores:
            items = Score.objects.filter(nomination__round=selection_round)
            self._scores[selection_round.pk] = {(s.nomination_id, s.member_id, s.criterion_id): s for s in items}
        return self._scores[selection_round.pk]

    def certificates_of(self, selection_round: SelectionRound) -> dict[int, Certificate]:
        if selection_round.pk not in self._certificates:
            items = Certificate.objects.filter(nomination__round=selection_round)
            self._certificates[selection_round.pk] = {c.nomination_id: c for c in items}
        return self._certificates[selection_round.pk]

    def criterion(self, selection_round: SelectionRound, code: str) -> Criterion | None:
        rule_set_id = selection_round.rule_set_id
        if rule_set_id not in self._criteria:
            self._criteria[rule_set_id] = {c.code: c for c in sheet_criteria(selection_round.rule_set)}
        return self._criteria[rule_set_id].get(code)

    def nomination(self, values: dict[str, Any]) -> Nomination:
        selection_round, product = self.round(values), self.product(values)
        found = self.nominations_of(selection_round).get(product.pk)
        if found is None:
            raise RowProblem("product_name", f"Sản phẩm “{product.name}” chưa có hồ sơ trong đợt "
                             f"“{selection_round.name}” (trang Hồ sơ tham gia).")
        return found


def state_of(ctx: ImportContext) -> ImportState:
    """One state per import: a workbook's sheets are imported one after another with the same context."""
    state = ctx.__dict__.get("_products_state")
    if state is None:
        state = ctx.__dict__["_products_state"] = ImportState.build(ctx.actor)
    return state

