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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import PROVINCE_WIDE, visible_commune_ids
from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.core.text import fold, normalize
from khuyencong.exchange.registers.establishments import EstablishmentLookup, reference_columns, reference_values
from khuyencong.exchange.registry import register
from khuyencong.exchange.rows import RowProblem
from khuyencong.exchange.spec import Column, ImportContext, Kind, Row, SheetSpec
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.products import services
from khuyencong.products.models import (
    SCORES_PUBLIC_STATUSES,
    Certificate,
    Council,
    CouncilMember,
    Criterion,
    MemberRole,
    Nomination,
    NominationStatus,
    Product,
    ProductGroup,
    RecognitionDecision,
    RecognitionLevel,
    RoundStatus,
    RuleSet,
    Score,
    SelectionRound,
    in_force,
)
from khuyencong.products.selectors import certificates_for, nominations_for, products_for, rounds_for
from khuyencong.products.services import historical
from khuyencong.products.services.scoring import sheet_criteria

# ---- code lists (read from the reference data, so the template's drop-downs follow the law) ----

def _level_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for level in RecognitionLevel.objects.order_by("rank", "-valid_from"):
        seen.setdefault(level.code, str(level.label))
    return list(seen.items())


def _group_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for group in ProductGroup.objects.order_by("order", "-valid_from"):
        seen.setdefault(group.code, str(group.label))
    return list(seen.items())


def _criterion_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for criterion in Criterion.objects.filter(parent__isnull=True, product_group_code="").order_by("order", "code"):
        seen.setdefault(criterion.code, f"{criterion.code}. {criterion.label}")
    return list(seen.items())


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in enum.choices]


# ---- columns ---------------------------------------------------------------------------------

ROUND_KEY = (
    Column("Cấp bình chọn", "round_level", Kind.CHOICE, required=True, choices=_level_choices,
           help="Cấp của đợt bình chọn (huyện đến 30/06/2025, xã từ 01/07/2025, tỉnh, khu vực, quốc gia).",
           example="Cấp huyện"),
    Column("Mã địa bàn tổ chức", "round_organiser", required=True, max_length=10,
           help="Mã đơn vị hành chính tổ chức bình chọn (huyện, xã hoặc tỉnh) còn hiệu lực vào hạn nhận hồ sơ.",
           example="747"),
    Column("Năm bình chọn", "round_year", Kind.INTEGER, required=True, help="Năm của đợt bình chọn.", example=2017),
)
PRODUCT_REF = (
    *reference_columns(),
    Column("Tên sản phẩm", "product_name", required=True, max_length=255,
           help="Tên sản phẩm; cùng với cơ sở là khoá nhận diện sản phẩm (không phân biệt hoa thường, dấu).",
           example="Hạt điều rang muối Phước Nguyên"),
)
_ROUND_KEY_FIELDS = tuple(c.field for c in ROUND_KEY)
_PRODUCT_KEY_FIELDS = tuple(c.field for c in PRODUCT_REF)

PRODUCTS = SheetSpec("Sản phẩm", "một sản phẩm của một cơ sở", (
    *PRODUCT_REF,
    Column("Nhóm sản phẩm", "group", Kind.CHOICE, required=True, choices=_group_choices,
           help="Một trong bốn nhóm sản phẩm của Thông tư 26/2014/TT-BCT.",
           example="Chế biến nông, lâm, thủy sản và thực phẩm, đồ uống"),
    Column("Mô tả", "description", max_length=8000, help="Mô tả ngắn về sản phẩm."),
    Column("Sản phẩm độc bản", "one_off", Kind.BOOLEAN,
           help="Có nếu là sản phẩm độc bản (không sản xuất hàng loạt; không được tham gia bình chọn).",
           example="Không"),
), key=_PRODUCT_KEY_FIELDS)

ROUNDS = SheetSpec("Đợt bình chọn", "một đợt bình chọn sản phẩm CNNT tiêu biểu", (
    *ROUND_KEY,
    Column("Tên đợt bình chọn", "name", required=True, max_length=255,
           example="Bình chọn sản phẩm CNNT tiêu biểu cấp huyện năm 2017"),
    Column("Số kế hoạch", "plan_document_no", max_length=100, example="123/KH-UBND"),
    Column("Hạn nhận hồ sơ", "dossier_deadline", Kind.DATE, required=True,
           help="dd/mm/yyyy; thuộc năm bình chọn hoặc năm trước đó.", example="30/06/2017"),
    Column("Chỉ tiêu công nhận", "quota", Kind.INTEGER, help="Số sản phẩm tối đa được công nhận; để trống nếu "
           "không giới hạn."),
    Column("Trạng thái", "status", Kind.CHOICE, choices=_choices(RoundStatus),
           help="Trạng thái đợt đã đạt; để trống: đang nhận hồ sơ. Đợt đã có quyết định được ghi nhận như dữ "
           "liệu lịch sử. Không đổi được trạng thái của đợt đã có bằng tệp nhập.",
           example="Đã có quyết định công nhận"),
    Column("Tên hội đồng", "council_name", max_length=255, help="Hội đồng bình chọn của đợt (bắt buộc nếu có "
           "thành viên hoặc điểm chấm).", example="Hội đồng bình chọn sản phẩm CNNT tiêu biểu cấp huyện 2017"),
    Column("Quyết định thành lập hội đồng", "council_decision_no", max_length=100, example="45/QĐ-UBND"),
    Column("Số quyết định công nhận", "decision_number", max_length=100,
           help="Bắt buộc với đợt “Đã có quyết định công nhận”.", example="789/QĐ-UBND"),
    Column("Ngày quyết định công nhận", "decided_on", Kind.DATE, help="dd/mm/yyyy; không trước hạn nhận hồ sơ.",
           example="20/11/2017"),
), key=_ROUND_KEY_FIELDS)

MEMBERS = SheetSpec("Thành viên hội đồng", "một thành viên hội đồng của một đợt", (
    *ROUND_KEY,
    Column("Tên đăng nhập", "username", required=True, max_length=150,
           help="Tài khoản của thành viên trong hệ thống (phải có sẵn trước khi nhập).", example="giamkhao1"),
    Column("Vai trò", "role", Kind.CHOICE, required=True, choices=_choices(MemberRole),
           help="Mỗi hội đồng một chủ tịch, một thư ký; ban giám khảo có số thành viên lẻ.", example="Giám khảo"),
    Column("Chức danh", "title", max_length=200, example="Phó Giám đốc Sở Công Thương"),
), key=(*_ROUND_KEY_FIELDS, "username"))

NOMINATIONS = SheetSpec("Hồ sơ tham gia", "hồ sơ của một sản phẩm trong một đợt", (
    *ROUND_KEY,
    *PRODUCT_REF,
    Column("Mã số bình chọn", "selection_code", max_length=30, help="Để trống với đợt đang nhận hồ sơ: hệ thống "
           "tự đánh số."),
    Column("Ngày nộp hồ sơ", "submitted_on", Kind.DATE, required=True, help="dd/mm/yyyy; không sau hạn nhận hồ sơ.",
           example="15/05/2017"),
    Column("Số phiếu đăng ký", "registration_form_no", max_length=50),
    Column("Do cơ sở tự sản xuất", "made_by_establishment", Kind.BOOLEAN, required=True,
           help="Có/Không; sản phẩm phải do chính cơ sở sản xuất.", example="Có"),
    Column("Thuyết minh hồ sơ", "dossier_note", max_length=8000),
    Column("Kết quả", "status", Kind.CHOICE, choices=_choices(NominationStatus),
           help="Với đợt đã có quyết định: “Được công nhận” hoặc “Không được công nhận”; để trống: đã nộp hồ sơ.",
           example="Được công nhận"),
), key=(*_ROUND_KEY_FIELDS, *_PRODUCT_KEY_FIELDS))

SCORES = SheetSpec("Điểm giám khảo", "điểm một giám khảo chấm một tiêu chí của một hồ sơ", (
    *ROUND_KEY,
    *PRODUCT_REF,
    Column("Giám khảo (tên đăng nhập)", "juror", required=True, max_length=150,
           help="Tài khoản của giám khảo, là thành viên vai trò giám khảo trong trang Thành viên hội đồng.",
           example="giamkhao1"),
    Column("Tiêu chí", "criterion", Kind.CHOICE, required=True, choices=_criterion_choices,
           help="Mã tiêu chí của phiếu chấm (Phụ lục 4 Thông tư 26/2014).", example="1"),
    Column("Điểm", "points", Kind.DECIMAL, required=True,
           help="Từ 0 đến điểm tối đa của tiêu chí, tối đa hai chữ số thập phân. Chỉ nhập cho đợt đã kết thúc "
           "chấm điểm.", example="32,5"),
), key=(*_ROUND_KEY_FIELDS, *_PRODUCT_KEY_FIELDS, "juror", "criterion"))

CERTIFICATES = SheetSpec("Giấy chứng nhận", "giấy chứng nhận của một hồ sơ được công nhận", (
    *ROUND_KEY,
    *PRODUCT_REF,
    Column("Số chứng nhận", "number", required=True, max_length=120, help="Số giấy chứng nhận, duy nhất.",
           example="DI-2017-00012"),
    Column("Ngày cấp", "issued_on", Kind.DATE, help="dd/mm/yyyy; để trống: ngày quyết định công nhận.",
           example="20/11/2017"),
    Column("Hiệu lực đến", "valid_until", Kind.DATE, help="dd/mm/yyyy; để trống nếu không thời hạn.",
           example="31/12/2020"),
    Column("Đã thu hồi", "revoked", Kind.BOOLEAN, help="Có/Không.", example="Không"),
    Column("Ngày thu hồi", "revoked_on", Kind.DATE),
    Column("Lý do thu hồi", "revocation_reason", max_length=500),
), key=(*_ROUND_KEY_FIELDS, *_PRODUCT_KEY_FIELDS))

# Model field (as named in a service's ValidationError) → column field, per sheet.
_FIELD_MAP: dict[str, dict[str, str]] = {
    PRODUCTS.name: {"name": "product_name", "establishment": "establishment_name"},
    ROUNDS.name: {"level": "round_level", "organiser": "round_organiser", "year": "round_year",
                  "rule_set": "dossier_deadline", "number": "decision_number"},
    MEMBERS.name: {"user": "username"},
    NOMINATIONS.name: {"product": "product_name", "round": "round_level"},
    SCORES.name: {"member": "juror", "round": "round_level"},
    CERTIFICATES.name: {"nomination": "product_name", "decision": "number"},
}


# ---- lookups shared by the sheets of one import -------------------------------------------------

def _round_key(level_code: str, organiser_code: str, year: int) -> tuple[str, str, int]:
    return (level_code, str(organiser_code).strip(), int(year))


@dataclass
class _State:
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
    def build(cls, actor: User) -> _State:
        state = cls(actor, EstablishmentLookup(actor))
        for r in rounds_for(actor).select_related("organiser", "level", "rule_set").order_by("pk"):
            state.rounds.setdefault(_round_key(r.level.code, r.organiser.code, r.year), []).append(r)
        for p in products_for(actor).order_by("pk"):
            state.products[(p.establishment_id, fold(p.name))] = p
        return state

    def round(self, values: dict[str, Any]) -> SelectionRound:
        key = _round_key(values["round_level"], values["round_organiser"], values["round_year"])
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


def _state(ctx: ImportContext) -> _State:
    """One state per import: a workbook's sheets are imported one after another with the same context."""
    state = ctx.__dict__.get("_products_state")
    if state is None:
        state = ctx.__dict__["_products_state"] = _State.build(ctx.actor)
    return state  # type: ignore[no-any-return]


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(m) for m in error.messages)
    if isinstance(error, StaleEditError):
        return str(error.message)
    return str(error)


def _column_of(sheet: SheetSpec, error: Exception) -> str | None:
    if not isinstance(error, ValidationError) or not hasattr(error, "error_dict"):
        return None
    fields = {c.field for c in sheet.columns}
    mapping = _FIELD_MAP.get(sheet.name, {})
    for name in error.error_dict:
        column = mapping.get(name, name)
        if column in fields:
            return column
    return None


def _changes(record: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if getattr(record, k) != v}


def _related(record: Any, name: str) -> Any:
    """A reverse one-to-one (council, decision) or None when the round has none."""
    try:
        return getattr(record, name)
    except Exception:  # RelatedObjectDoesNotExist is a subclass of the model's DoesNotExist
        return None


def _details_rounds(actor: User) -> QuerySet[SelectionRound]:
    """Rounds whose council and individual scores the actor may read (``scores_visible_to`` in SQL).

    Province staff and auditors: all; commune officers: rounds organised in their communes; anyone:
    rounds in whose council they sit.
    """
    rounds = rounds_for(actor)
    if actor.role in PROVINCE_WIDE - {Role.COUNCIL_MEMBER}:
        return rounds
    seat = Q(council__members__user=actor)
    if actor.role == Role.COMMUNE_OFFICER:
        seat |= Q(organiser_id__in=visible_commune_ids(actor) or set())
    return rounds.filter(seat).distinct()


def _round_cells(selection_round: SelectionRound) -> list[Any]:
    return [selection_round.level.code, selection_round.organiser.code, selection_round.year]


def _product_cells(product: Product) -> list[Any]:
    return [*reference_values(product.establishment), product.name]


_ROUND_RELATED = ("nomination__round__level", "nomination__round__organiser",
                  "nomination__product__establishment__commune")


# ---- the register --------------------------------------------------------------------------------

class ProductsRegister:
    code = "products"
    title = "Sản phẩm CNNT tiêu biểu"
    sheets: tuple[SheetSpec, ...] = (PRODUCTS, ROUNDS, MEMBERS, NOMINATIONS, SCORES, CERTIFICATES)

    # -- export --

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        writers: dict[str, Callable[[User], Iterable[Sequence[Any]]]] = {
            PRODUCTS.name: self._export_products, ROUNDS.name: self._export_rounds,
            MEMBERS.name: self._export_members, NOMINATIONS.name: self._export_nominations,
            SCORES.name: self._export_scores, CERTIFICATES.name: self._export_certificates,
        }
        return writers[sheet.name](actor)

    @staticmethod
    def _export_products(actor: User) -> Iterable[Sequence[Any]]:
        for p in products_for(actor).order_by("pk").iterator(chunk_size=2000):
            yield [*_product_cells(p), p.group.code, p.description, p.one_off]

    @staticmethod
    def _export_rounds(actor: User) -> Iterable[Sequence[Any]]:
        for r in rounds_for(actor).select_related("council", "decision").order_by("pk"):
            council, decision = _related(r, "council"), _related(r, "decision")
            yield [*_round_cells(r), r.name, r.plan_document_no, r.dossier_deadline, r.quota, r.status,
                   council.name if council else "", council.decision_no if council else "",
                   decision.number if decision else "", decision.decided_on if decision else None]

    @staticmethod
    def _export_members(actor: User) -> Iterable[Sequence[Any]]:
        members = (CouncilMember.objects.filter(council__round__in=_details_rounds(actor).values("pk"))
                   .select_related("council__round__level", "council__round__organiser", "user")
                   .order_by("council__round_id", "pk"))
        for m in members.iterator(chunk_size=2000):
            yield [*_round_cells(m.council.round), m.user.username, m.role, m.title]

    @staticmethod
    def _export_nominations(actor: User) -> Iterable[Sequence[Any]]:
        items = nominations_for(actor).select_related("round__organiser", "product__establishment__commune")
        for n in items.order_by("round_id", "pk").iterator(chunk_size=2000):
            yield [*_round_cells(n.round), *_product_cells(n.product), n.selection_code, n.submitted_on,
                   n.registration_form_no, n.made_by_establishment, n.dossier_note, n.status]

    @staticmethod
    def _export_scores(actor: User) -> Iterable[Sequence[Any]]:
        scores = (Score.objects
                  .filter(nomination__in=nominations_for(actor).values("pk"),
                          nomination__round__in=_details_rounds(actor).values("pk"),
                          nomination__round__status__in=SCORES_PUBLIC_STATUSES)
                  .select_related(*_ROUND_RELATED, "member__user", "criterion")
                  .order_by("nomination__round_id", "nomination_id", "member_id", "criterion__order",
                            "criterion__code"))
        for s in scores.iterator(chunk_size=5000):
            yield [*_round_cells(s.nomination.round), *_product_cells(s.nomination.product), s.member.user.username,
                   s.criterion.code, s.points]

    @staticmethod
    def _export_certificates(actor: User) -> Iterable[Sequence[Any]]:
        items = certificates_for(actor).select_related(*_ROUND_RELATED).order_by("pk")
        for c in items.iterator(chunk_size=2000):
            yield [*_round_cells(c.nomination.round), *_product_cells(c.nomination.product), c.number, c.issued_on,
                   c.valid_until, c.revoked, c.revoked_on, c.revocation_reason]

    # -- import --

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        state = _state(ctx)
        handlers: dict[str, Callable[[Row, ImportContext, _State], str]] = {
            PRODUCTS.name: self._import_product, ROUNDS.name: self._import_round,
            MEMBERS.name: self._import_member, NOMINATIONS.name: self._import_nomination,
            SCORES.name: self._import_score, CERTIFICATES.name: self._import_certificate,
        }
        if sheet.name == CERTIFICATES.name:
            self._record_results(ctx, state)
        handle, outcome, seen = handlers[sheet.name], ctx.outcome(sheet), set()
        for row in rows:
            try:
                key = self._folded_key(sheet, row)
                if key in seen:
                    raise RowProblem(sheet.key[-1], "Dòng này trùng khoá với một dòng phía trên trong cùng tệp.")
                seen.add(key)
                result = handle(row, ctx, state)
            except RowProblem as problem:
                self._report(ctx, sheet, row, problem.field, problem.message)
                continue
            except (ValidationError, PermissionDeniedError, StaleEditError) as error:
                self._report(ctx, sheet, row, _column_of(sheet, error), _message(error))
                continue
            setattr(outcome, result, getattr(outcome, result) + 1)

    def finish(self, ctx: ImportContext) -> None:
        """After the last sheet: results of rounds whose scores changed (certificates may be absent)."""
        self._record_results(ctx, _state(ctx))

    @staticmethod
    def _folded_key(sheet: SheetSpec, row: Row) -> tuple[str, ...]:
        return tuple(fold(str(row.values.get(f) if row.values.get(f) is not None else "")) for f in sheet.key)

    @staticmethod
    def _report(ctx: ImportContext, sheet: SheetSpec, row: Row, column_field: str | None, message: str) -> None:
        if any(p.sheet == sheet.name and p.row == row.number for p in ctx.problems):
            return  # one problem per row: a later one (e.g. the round's results) would only repeat it
        ctx.problem(sheet, row, column_field, message)

    # products

    @staticmethod
    def _group(code: str) -> ProductGroup:
        today = timezone.localdate()
        group = (ProductGroup.objects.filter(in_force(today), code=code).first()
                 or ProductGroup.objects.filter(code=code).order_by("-valid_from").first())
        if group is None:
            raise RowProblem("group", f"Không có nhóm sản phẩm mã “{code}”.")
        return group

    def _import_product(self, row: Row, ctx: ImportContext, state: _State) -> str:
        values = row.values
        establishment = state.establishment(values)
        key = (establishment.pk, fold(values["product_name"]))
        data: dict[str, Any] = {"name": normalize(values["product_name"]),
                                "description": values.get("description") or "",
                                "one_off": bool(values.get("one_off"))}
        product = state.products.get(key)
        if product is None:
            product = services.product_create(actor=ctx.actor, data={
                "establishment": establishment, "group": self._group(values["group"]), **data})
            state.products[key] = product
            return "created"
        changes = _changes(product, data)
        if product.group.code != values["group"]:
            changes["group"] = self._group(values["group"])
        if not changes:
            return "unchanged"
        services.product_update(actor=ctx.actor, product=product, data=changes, expected_version=product.version)
        return "updated"

    # rounds

    @staticmethod
    def _round_refs(values: dict[str, Any]) -> dict[str, Any]:
        deadline: dt.date = values["dossier_deadline"]
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

    def _import_round(self, row: Row, ctx: ImportContext, state: _State) -> str:
        values = row.values
        key = _round_key(values["round_level"], values["round_organiser"], values["round_year"])
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
                **data, **self._round_refs(values), "year": values["round_year"]})
            state.rounds[key] = [selection_round]
            result = "created"
        changed = self._round_council(selection_round, values, ctx, state)
        changed |= self._round_decision(selection_round, values, ctx)
        return "updated" if changed and result == "unchanged" else result

    @staticmethod
    def _round_council(selection_round: SelectionRound, values: dict[str, Any], ctx: ImportContext,
                       state: _State) -> bool:
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
            raise RowProblem("council_name", _message(error)) from None
        state.forget_council(selection_round)
        return True

    @staticmethod
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
            column = "decided_on" if "decided_on" in getattr(error, "error_dict", {}) else "decision_number"
            raise RowProblem(column, _message(error)) from None
        return True

    # council members

    def _import_member(self, row: Row, ctx: ImportContext, state: _State) -> str:
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

    # nominations

    def _import_nomination(self, row: Row, ctx: ImportContext, state: _State) -> str:
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

    # scores

    def _import_score(self, row: Row, ctx: ImportContext, state: _State) -> str:
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

    @staticmethod
    def _record_results(ctx: ImportContext, state: _State) -> None:
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
            except (ValidationError, PermissionDeniedError) as error:
                column = "points" if sheet is SCORES else "status"
                ctx.problem(sheet, row, column, f"Đợt “{selection_round.name}”: {_message(error)}")
        state.touched_rounds.clear()

    # certificates

    def _import_certificate(self, row: Row, ctx: ImportContext, state: _State) -> str:
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


register(ProductsRegister())

__all__ = ["CERTIFICATES", "MEMBERS", "NOMINATIONS", "PRODUCTS", "ROUNDS", "SCORES", "ProductsRegister"]
