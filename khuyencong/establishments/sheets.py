"""The establishments workbook: one sheet, one row per rural industrial establishment.

Natural key: the tax code when there is one; otherwise the name (ignoring case and diacritics)
within the commune. Other registers refer to establishments the same way, through
:class:`EstablishmentLookup` and :func:`reference_columns`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import Action, role_allows, sees_personal_data
from khuyencong.core import review
from khuyencong.core.errors import SERVICE_ERRORS
from khuyencong.core.text import fold
from khuyencong.establishments import services
from khuyencong.establishments.masking import mask_phone
from khuyencong.establishments.models import Establishment, LegalForm, SectorGroup, Status
from khuyencong.establishments.selectors import establishments_for
from khuyencong.establishments.validators import TAX_CODE_RULE
from khuyencong.exchange.registry import register
from khuyencong.exchange.rows import RowProblem, report
from khuyencong.exchange.spec import Column, ImportContext, Kind, Row, SheetSpec

FIELDS = (
    Column("Mã số thuế", "tax_code", help=f"{TAX_CODE_RULE} (có thể để trống với hộ kinh doanh chưa có MST). "
           "Là khoá nhận diện cơ sở khi có.", max_length=14, example="3500101107"),
    Column("Tên cơ sở", "name", required=True, help="Tên đầy đủ theo đăng ký. Khi không có MST, tên cùng "
           "xã/phường là khoá nhận diện.", max_length=255, example="Cơ sở chế biến hạt điều Phước Nguyên"),
    Column("Loại hình", "legal_form", Kind.CHOICE, required=True, choices=LegalForm.choices,
           help="Doanh nghiệp nhỏ và vừa, hợp tác xã, tổ hợp tác hoặc hộ kinh doanh.", example="Hộ kinh doanh"),
    Column("Số đăng ký kinh doanh", "business_registration_no", max_length=30, example="4701234567"),
    Column("Người đại diện", "representative_name", max_length=150, example="Nguyễn Văn An"),
    Column("Điện thoại", "representative_phone", max_length=20, help="Số điện thoại người đại diện (dữ liệu cá nhân).",
           example="0912345678"),
    Column("Địa chỉ", "address", help="Số nhà, đường, ấp/thôn.", max_length=255, example="Ấp Bắc"),
    Column("Xã/phường", "commune", Kind.UNIT, required=True, unit_date_field="registered_on",
           help="Mã hoặc tên xã/phường còn hiệu lực vào ngày đăng ký (tên trước hoặc sau sắp xếp 2025; "
           "tên trùng thì thêm huyện, tỉnh, ví dụ “Phường 1, Thành phố Vũng Tàu”).", example="26560"),
    Column("Mã ngành VSIC", "vsic_code", required=True, help="Mã ngành kinh tế Việt Nam (4–5 chữ số).",
           max_length=5, example="1079"),
    Column("Nhóm ngành", "sector_group", Kind.CHOICE, required=True, choices=SectorGroup.choices,
           example="Chế biến nông, lâm, thủy sản"),
    Column("Số lao động", "employees", Kind.INTEGER, help="Số nguyên không âm.", example=12),
    Column("Làng nghề", "craft_village", max_length=150, help="Tên làng nghề được công nhận (nếu có)."),
    Column("Phụ nữ làm chủ", "women_owned", Kind.BOOLEAN, help="Có/Không.", example="Không"),
    Column("Người dân tộc thiểu số làm chủ", "ethnic_minority_owned", Kind.BOOLEAN, help="Có/Không.",
           example="Không"),
    Column("Tình trạng", "status", Kind.CHOICE, choices=Status.choices, help="Để trống: đang hoạt động.",
           example="Đang hoạt động"),
    Column("Ngày đăng ký", "registered_on", Kind.DATE, required=True,
           help="Ngày đăng ký vào hệ thống (dd/mm/yyyy); xã/phường phải còn hiệu lực vào ngày này.",
           example="01/06/2018"),
    Column("Ghi chú", "notes", max_length=4000),
)
SHEET = SheetSpec("Cơ sở CNNT", "một cơ sở công nghiệp nông thôn", FIELDS, key=("tax_code",))
_DEFAULTS = {"employees": 0, "women_owned": False, "ethnic_minority_owned": False, "status": Status.ACTIVE}


def reference_columns(prefix: str = "", *, required: bool = True) -> tuple[Column, ...]:
    """Columns by which another sheet names an establishment (fields ``establishment_tax_code`` …)."""
    return (
        Column(f"{prefix}Mã số thuế cơ sở", "establishment_tax_code", help="MST của cơ sở (nếu có).", max_length=14),
        Column(f"{prefix}Tên cơ sở", "establishment_name", required=required,
               help="Tên cơ sở như trong danh sách cơ sở.", max_length=255),
        Column(f"{prefix}Mã xã/phường của cơ sở", "establishment_commune",
               help="Mã xã/phường nơi cơ sở đăng ký; cần khi cơ sở không có MST.", max_length=10),
    )


def reference_values(establishment: Establishment | None) -> list[Any]:
    """The three reference cells for ``establishment`` (export side of :func:`reference_columns`)."""
    if establishment is None:
        return ["", "", ""]
    return [establishment.tax_code or "", establishment.name, establishment.commune.code]


class EstablishmentLookup:
    """Finds establishments named in a file among those the actor may see; one query per import."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self._by_tax: dict[str, Establishment] = {}
        self._by_name: dict[tuple[str, str], list[Establishment]] = {}
        for establishment in establishments_for(actor).order_by("pk"):
            self.add(establishment)

    def add(self, establishment: Establishment) -> None:
        if establishment.tax_code:
            self._by_tax[establishment.tax_code] = establishment
        key = (establishment.search_name, establishment.commune.code)
        self._by_name.setdefault(key, []).append(establishment)

    def by_key(self, tax_code: str, name: str, commune_code: str) -> Establishment | None:
        if tax_code:
            return self._by_tax.get(tax_code)
        found = [e for e in self._by_name.get((fold(name), commune_code), []) if not e.tax_code]
        return found[0] if len(found) == 1 else None

    def find(self, values: dict[str, Any]) -> Establishment:
        """The establishment a row refers to; ``LookupError`` with a Vietnamese message otherwise."""
        tax_code = (values.get("establishment_tax_code") or "").replace(" ", "")
        name = values.get("establishment_name") or ""
        commune = (values.get("establishment_commune") or "").strip()
        if tax_code:
            if (found := self._by_tax.get(tax_code)) is not None:
                return found
            raise LookupError(f"Không có cơ sở có mã số thuế {tax_code} trong phạm vi bạn quản lý.")
        candidates = [e for (n, c), es in self._by_name.items() if n == fold(name) and (not commune or c == commune)
                      for e in es]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise LookupError(f"Không có cơ sở “{name}” (xã/phường {commune or '?'}) trong phạm vi bạn quản lý.")
        raise LookupError(f"Có {len(candidates)} cơ sở tên “{name}”: hãy ghi mã số thuế hoặc mã xã/phường.")


def find_establishment(lookup: EstablishmentLookup, values: Mapping[str, Any]) -> Establishment:
    """The establishment a row names (tax code, else name + commune), among those the actor sees.

    One outside the actor's scope is reported exactly like a missing one: an import never reveals it.
    """
    try:
        return lookup.find(dict(values))
    except LookupError as exc:
        column = "establishment_tax_code" if values.get("establishment_tax_code") else "establishment_name"
        raise RowProblem(column, f"{exc} Hãy nhập cơ sở vào danh sách cơ sở trước hoặc kiểm tra lại.") from None


class EstablishmentsRegister:
    code = "establishments"
    title = "Cơ sở CNNT"
    sheets = (SHEET,)

    def may_import(self, user: User) -> bool:
        """May this role create the register's records at all? Row scope is the services' own."""
        return role_allows(user, Action.CREATE)

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        records: QuerySet[Establishment] = establishments_for(actor).order_by("pk")
        for e in records.iterator(chunk_size=2000):
            phone = e.representative_phone if sees_personal_data(actor, e) else mask_phone(e.representative_phone)
            yield [e.tax_code or "", e.name, e.legal_form, e.business_registration_no, e.representative_name, phone,
                   e.address, e.commune, e.vsic_code, e.sector_group, e.employees, e.craft_village, e.women_owned,
                   e.ethnic_minority_owned, e.status, e.registered_on, e.notes]

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        lookup = EstablishmentLookup(ctx.actor)
        for row in rows:
            data: dict[str, Any] = {k: (_DEFAULTS.get(k) if v is None and k in _DEFAULTS else v)
                                    for k, v in row.values.items()}
            data["tax_code"] = (data["tax_code"] or "").replace(" ", "") or None
            existing = lookup.by_key(data["tax_code"] or "", data["name"], data["commune"].code)
            taken = data["tax_code"] and Establishment.objects.filter(tax_code=data["tax_code"]).first()
            if existing is None and taken:
                services.hold_tax_code(ctx.actor, taken)
                ctx.problem(sheet, row, "tax_code", review.held_message("mã số thuế"))
                continue
            try:
                self._save(existing, data, ctx, sheet, lookup)
            except SERVICE_ERRORS as error:
                report(ctx, sheet, row, error)

    @staticmethod
    def _save(existing: Establishment | None, data: dict[str, Any], ctx: ImportContext, sheet: SheetSpec,
              lookup: EstablishmentLookup) -> None:
        outcome = ctx.outcome(sheet)
        if existing is None:
            # Exact names in the commune are matched above; near-misses are for the officer to judge later.
            lookup.add(services.establishment_create(actor=ctx.actor, data=data, allow_similar=True))
            outcome.created += 1
            return
        if "*" in (data.get("representative_phone") or "") and \
                data["representative_phone"] == mask_phone(existing.representative_phone):
            data["representative_phone"] = existing.representative_phone  # a masked export read back
        changes = {k: v for k, v in data.items() if getattr(existing, k) != v}
        if not changes:
            outcome.unchanged += 1
            return
        services.establishment_update(actor=ctx.actor, establishment=existing, data=changes, expected_version=None,
                                      allow_similar=True)
        outcome.updated += 1


register(EstablishmentsRegister())
