"""The fairs register: fairs and exhibitions, establishments' participations, showrooms and displays.

Natural keys (a fair has no code of its own, so its name and opening day identify it; the demo and
real calendars name each edition with its year, e.g. "Hội chợ Công thương … 2019"):

* fair: name + opening day (ngày khai mạc);
* participation: fair (name + opening day) + establishment;
* showroom: name;
* display: showroom + establishment + first day on display (the model's unique constraint).

Establishments are referred to by tax code, or by name + commune when they have none (the same rule
as the establishments register). Participations of establishments of other provinces (exhibitors at
regional fairs) are exported too; the services accept them back only inside
``accounts.policy.other_provinces_allowed()`` (a system migration), like the establishments
themselves. Writes go through ``khuyencong.fairs.services``, so an import is checked exactly like
the forms; a row equal to the stored record writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import Action
from khuyencong.core.text import fold
from khuyencong.establishments.sheets import (
    EstablishmentLookup,
    find_establishment,
    reference_columns,
    reference_values,
)
from khuyencong.exchange.registry import register
from khuyencong.exchange.rows import (
    RowProblem,
    UnitReferences,
    differs,
    labelled,
    only_match,
    refuse_repeat,
    run_rows,
    saved,
    text,
    unit_cell,
)
from khuyencong.exchange.spec import Column, ImportContext, Kind, Row, SheetSpec
from khuyencong.fairs import services
from khuyencong.fairs.models import Fair, FairScope, ParticipationKind, Showroom
from khuyencong.fairs.policy import entry_role_allows
from khuyencong.fairs.selectors import displays_for, fairs_for, participations_for, showrooms_for

# --- Sheets ----------------------------------------------------------------------------------------

_FAIR_NAME_HELP = "Tên hội chợ, triển lãm đúng như trên trang “Hội chợ” (cùng với ngày khai mạc để nhận diện)."
_FAIR_START_HELP = "Ngày khai mạc của hội chợ ở trang “Hội chợ”, dạng dd/mm/yyyy."
_SCHEME_HELP = "Mã đề án khuyến công hỗ trợ (nếu có), ví dụ KC-2019-001; để trống nếu không có."


FAIRS = SheetSpec(
    name="Hội chợ",
    title="Một hội chợ, triển lãm (hoặc một đợt hỗ trợ đưa sản phẩm lên sàn thương mại điện tử)",
    key=("name", "start_date"),
    columns=(
        Column("Tên hội chợ, triển lãm", "name", required=True, max_length=255,
               help="Tên hội chợ, nên kèm năm tổ chức. Tên cùng ngày khai mạc nhận diện hội chợ khi nhập lại.",
               example="Hội chợ Công thương Bà Rịa - Vũng Tàu 2019"),
        Column("Ngày khai mạc", "start_date", Kind.DATE, required=True, help="Dạng dd/mm/yyyy.",
               example="04/12/2019"),
        Column("Ngày bế mạc", "end_date", Kind.DATE, required=True,
               help="Dạng dd/mm/yyyy; không được trước ngày khai mạc.", example="09/12/2019"),
        Column("Đơn vị tổ chức", "organiser", required=True, max_length=255, help="Cơ quan, đơn vị tổ chức.",
               example="Sở Công Thương"),
        Column("Quy mô", "scope", Kind.CHOICE, required=True, choices=labelled(FairScope),
               help="Cấp tỉnh, vùng, quốc gia hoặc quốc tế (chọn trong danh sách).", example="Cấp tỉnh"),
        Column("Địa điểm (đơn vị hành chính)", "venue_unit", max_length=150,
               help="Mã (hoặc tên) xã/phường, huyện hoặc tỉnh nơi tổ chức, có hiệu lực vào ngày khai mạc. "
                    "Để trống nếu tổ chức ở nước ngoài.", example="26554"),
        Column("Quốc gia (nếu ở nước ngoài)", "venue_country", max_length=100,
               help="Chỉ nhập khi tổ chức ở nước ngoài (cùng với thành phố).", example=""),
        Column("Thành phố (nếu ở nước ngoài)", "venue_city", max_length=100,
               help="Chỉ nhập khi tổ chức ở nước ngoài (cùng với quốc gia).", example=""),
        Column("Địa điểm cụ thể", "venue_detail", max_length=255, help="Nhà thi đua, trung tâm hội chợ…",
               example="Quảng trường Bà Rịa"),
        Column("Mã đề án khuyến công", "scheme", max_length=40, help=_SCHEME_HELP, example=""),
        Column("Chính sách hỗ trợ", "support_policy", max_length=4000, help="Nội dung hỗ trợ cơ sở tham gia.",
               example="Hỗ trợ 80% chi phí thuê gian hàng tiêu chuẩn"),
        Column("Hỗ trợ gian hàng mỗi cơ sở (VND)", "booth_support_vnd", Kind.MONEY,
               help="Số tiền hỗ trợ mỗi cơ sở, đồng (ví dụ 12.000.000); để trống nghĩa là 0.",
               example=12_000_000),
        Column("Đã hủy", "cancelled", Kind.BOOLEAN, help="“Có” nếu hội chợ bị hủy (không được tính vào báo cáo).",
               example="Không"),
        Column("Ghi chú", "notes", max_length=4000, help="Ghi chú tự do.", example=""),
    ),
)

PARTICIPATIONS = SheetSpec(
    name="Tham gia hội chợ",
    title="Một lượt một cơ sở tham gia một hội chợ",
    key=("fair_name", "fair_start_date", "establishment_tax_code", "establishment_name", "establishment_commune"),
    columns=(
        Column("Tên hội chợ, triển lãm", "fair_name", required=True, max_length=255, help=_FAIR_NAME_HELP,
               example="Hội chợ Công thương Bà Rịa - Vũng Tàu 2019"),
        Column("Ngày khai mạc", "fair_start_date", Kind.DATE, required=True, help=_FAIR_START_HELP,
               example="04/12/2019"),
        *reference_columns(),
        Column("Hình thức", "kind", Kind.CHOICE, choices=labelled(ParticipationKind),
               help="Tham gia hội chợ (mặc định) hoặc hỗ trợ đưa sản phẩm lên sàn thương mại điện tử.",
               example="Tham gia hội chợ, triển lãm"),
        Column("Sàn thương mại điện tử", "platform", max_length=100,
               help="Chỉ nhập (và bắt buộc) khi hình thức là đưa sản phẩm lên sàn TMĐT.", example=""),
        Column("Số gian hàng", "booths", Kind.INTEGER, help="Số nguyên; để trống nghĩa là 1.", example=1),
        Column("Sản phẩm trưng bày", "products", max_length=10_000,
               help="Tên sản phẩm, cách nhau bằng dấu “;”. Tên trùng với sản phẩm trong danh mục của cơ sở "
                    "được liên kết với sản phẩm đó.", example="Hạt điều rang muối; Bánh pía"),
        Column("Kinh phí hỗ trợ (VND)", "support_vnd", Kind.MONEY,
               help="Đồng; để trống thì lấy mức hỗ trợ gian hàng của hội chợ.", example=12_000_000),
        Column("Số hợp đồng, biên bản ghi nhớ", "contracts_signed", Kind.INTEGER,
               help="Để trống nếu chưa báo cáo kết quả.", example=2),
        Column("Doanh số bán hàng (VND)", "sales_vnd", Kind.MONEY, help="Đồng; để trống nếu chưa báo cáo.",
               example=45_000_000),
        Column("Số nhà phân phối mới", "new_distributors", Kind.INTEGER, help="Để trống nếu chưa báo cáo.",
               example=1),
        Column("Đã rút, không tham gia", "withdrawn", Kind.BOOLEAN,
               help="“Có” nếu cơ sở rút đăng ký (lượt này không được tính).", example="Không"),
        Column("Ghi chú", "notes", max_length=2000, help="Ghi chú tự do.", example=""),
    ),
)

SHOWROOMS = SheetSpec(
    name="Điểm giới thiệu",
    title="Một điểm giới thiệu, trưng bày sản phẩm CNNT",
    key=("name",),
    columns=(
        Column("Tên điểm giới thiệu sản phẩm", "name", required=True, max_length=255,
               help="Tên nhận diện điểm giới thiệu khi nhập lại (không trùng).",
               example="Điểm giới thiệu sản phẩm CNNT Bà Rịa"),
        Column("Địa bàn", "location_unit", required=True, max_length=150,
               help="Mã (hoặc tên) xã/phường, huyện hoặc tỉnh, có hiệu lực vào ngày bắt đầu hoạt động.",
               example="26560"),
        Column("Địa chỉ", "address", max_length=255, help="Số nhà, đường.", example="12 Cách Mạng Tháng Tám"),
        Column("Đơn vị vận hành", "operator", required=True, max_length=255, help="Đơn vị quản lý điểm.",
               example="Trung tâm Khuyến công tỉnh"),
        Column("Hoạt động từ", "opened_on", Kind.DATE, required=True, help="Dạng dd/mm/yyyy.",
               example="01/08/2025"),
        Column("Hoạt động đến", "closed_on", Kind.DATE, help="Để trống nếu vẫn hoạt động.", example=""),
        Column("Mã đề án khuyến công", "scheme", max_length=40, help=_SCHEME_HELP, example=""),
        Column("Ghi chú", "notes", max_length=2000, help="Ghi chú tự do.", example=""),
    ),
)

DISPLAYS = SheetSpec(
    name="Trưng bày",
    title="Một đợt trưng bày sản phẩm của một cơ sở tại một điểm giới thiệu",
    key=("showroom", "establishment_tax_code", "establishment_name", "establishment_commune", "displayed_from"),
    columns=(
        Column("Tên điểm giới thiệu sản phẩm", "showroom", required=True, max_length=255,
               help="Tên điểm giới thiệu như ở trang “Điểm giới thiệu”.",
               example="Điểm giới thiệu sản phẩm CNNT Bà Rịa"),
        *reference_columns(),
        Column("Trưng bày từ", "displayed_from", Kind.DATE, required=True,
               help="Dạng dd/mm/yyyy, trong thời gian hoạt động của điểm.", example="01/09/2025"),
        Column("Trưng bày đến", "displayed_to", Kind.DATE,
               help="Để trống nếu còn trưng bày; không được trước ngày bắt đầu.", example="31/12/2025"),
        Column("Sản phẩm trưng bày", "products", max_length=10_000, help="Tên sản phẩm, cách nhau bằng dấu “;”.",
               example="Hạt điều rang muối"),
    ),
)


def _products_text(names: Sequence[str]) -> str:
    return "; ".join(names)


# --- The register ----------------------------------------------------------------------------------

class FairsRegister:
    code = "fairs"
    title = "Hội chợ, triển lãm và điểm giới thiệu sản phẩm"
    sheets: tuple[SheetSpec, ...] = (FAIRS, PARTICIPATIONS, SHOWROOMS, DISPLAYS)

    def may_import(self, user: User) -> bool:
        """May this role create the register's records at all? Row scope is the services' own."""
        return entry_role_allows(user, Action.CREATE)

    # Export -----------------------------------------------------------------------------------------

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        exporters: dict[str, Callable[[User], Iterator[list[Any]]]] = {
            FAIRS.name: self._export_fairs, PARTICIPATIONS.name: self._export_participations,
            SHOWROOMS.name: self._export_showrooms, DISPLAYS.name: self._export_displays,
        }
        return exporters[sheet.name](actor)

    def _export_fairs(self, actor: User) -> Iterator[list[Any]]:
        for f in fairs_for(actor).order_by("start_date", "name", "pk"):
            yield [f.name, f.start_date, f.end_date, f.organiser, f.scope, unit_cell(f.venue_unit), f.venue_country,
                   f.venue_city, f.venue_detail, f.scheme.code if f.scheme else "", f.support_policy,
                   f.booth_support_vnd, f.cancelled, f.notes]

    def _export_participations(self, actor: User) -> Iterator[list[Any]]:
        items = participations_for(actor).order_by("fair__start_date", "fair__name", "fair_id",
                                                   "establishment__search_name", "pk")
        for p in items.iterator(chunk_size=2000):
            yield [p.fair.name, p.fair.start_date, *reference_values(p.establishment), p.kind, p.platform,
                   p.booths, _products_text(p.product_names), p.support_vnd, p.contracts_signed, p.sales_vnd,
                   p.new_distributors, p.withdrawn, p.notes]

    def _export_showrooms(self, actor: User) -> Iterator[list[Any]]:
        for s in showrooms_for(actor).order_by("name", "pk"):
            yield [s.name, unit_cell(s.location_unit), s.address, s.operator, s.opened_on, s.closed_on,
                   s.scheme.code if s.scheme else "", s.notes]

    def _export_displays(self, actor: User) -> Iterator[list[Any]]:
        items = displays_for(actor).order_by("showroom__name", "showroom_id", "displayed_from",
                                             "establishment__search_name", "pk")
        for d in items:
            yield [d.showroom.name, *reference_values(d.establishment), d.displayed_from, d.displayed_to,
                   _products_text(d.products)]

    # Import -----------------------------------------------------------------------------------------

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        importers: dict[str, Callable[[list[Row], ImportContext, References], None]] = {
            FAIRS.name: self._import_fairs, PARTICIPATIONS.name: self._import_participations,
            SHOWROOMS.name: self._import_showrooms, DISPLAYS.name: self._import_displays,
        }
        importers[sheet.name](rows, ctx, References(ctx.actor))

    # Fairs

    def _import_fairs(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        seen: dict[Any, int] = {}
        fairs = fairs_for(ctx.actor)

        def write(row: Row) -> str:
            v = row.values
            data = {
                "name": text(v.get("name")), "start_date": v.get("start_date"), "end_date": v.get("end_date"),
                "organiser": text(v.get("organiser")), "scope": v.get("scope") or "",
                "venue_unit": refs.unit(v.get("venue_unit"), on=v.get("start_date"), field="venue_unit"),
                "venue_country": text(v.get("venue_country")), "venue_city": text(v.get("venue_city")),
                "venue_detail": text(v.get("venue_detail")), "scheme": refs.scheme(v.get("scheme")),
                "support_policy": text(v.get("support_policy")),
                "booth_support_vnd": v.get("booth_support_vnd") or 0, "cancelled": bool(v.get("cancelled")),
                "notes": text(v.get("notes")),
            }
            refuse_repeat(seen, (fold(data["name"]), data["start_date"]), row, "name")
            existing = only_match(fairs.filter(name=data["name"], start_date=data["start_date"]), "name",
                                  "Có nhiều hội chợ cùng tên và ngày khai mạc trong hệ thống; hãy sửa trên trang "
                                  "“Hội chợ” trước khi nhập.")
            return saved(existing, data,
                         lambda: services.fair_create(actor=ctx.actor, data=data),
                         lambda fair: services.fair_update(actor=ctx.actor, fair=fair, data=data,
                                                           expected_version=fair.version))

        run_rows(FAIRS, rows, ctx, write)

    # Participations

    def _import_participations(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        from khuyencong.products.models import Product

        seen: dict[Any, int] = {}
        visible = participations_for(ctx.actor).select_related(None).select_related("fair", "establishment")

        def write(row: Row) -> str:
            v = row.values
            fair = refs.fair(v.get("fair_name"), v.get("fair_start_date"))
            establishment = find_establishment(refs.establishments, v)
            refuse_repeat(seen, (fair.pk, establishment.pk), row, "establishment_name")
            names = product_names(v.get("products"))
            registered = {p.name: p for p in Product.objects.filter(establishment=establishment, name__in=names)}
            support = v.get("support_vnd")
            data = {
                "fair": fair, "establishment": establishment, "kind": v.get("kind") or ParticipationKind.FAIR,
                "platform": text(v.get("platform")), "booths": 1 if v.get("booths") is None else v["booths"],
                "products_shown": [n for n in names if n not in registered],
                "support_vnd": fair.booth_support_vnd if support is None else support,
                "contracts_signed": v.get("contracts_signed"), "sales_vnd": v.get("sales_vnd"),
                "new_distributors": v.get("new_distributors"), "withdrawn": bool(v.get("withdrawn")),
                "notes": text(v.get("notes")),
            }
            products = [registered[n] for n in names if n in registered]
            existing = visible.filter(fair=fair, establishment=establishment).first()
            if existing is None:
                services.participation_create(actor=ctx.actor, data={**data, "products": products})
                return "created"
            same_products = {p.pk for p in existing.products.all()} == {p.pk for p in products}
            if same_products and not differs(existing, data):
                return "unchanged"
            changes = {k: val for k, val in data.items() if k not in ("fair", "establishment")}
            services.participation_update(actor=ctx.actor, participation=existing,
                                          data={**changes, "products": products}, expected_version=existing.version)
            return "updated"

        run_rows(PARTICIPATIONS, rows, ctx, write,
                 {"fair": "fair_name", "establishment": "establishment_name", "products_shown": "products"})

    # Showrooms

    def _import_showrooms(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        seen: dict[Any, int] = {}
        showrooms = showrooms_for(ctx.actor)

        def write(row: Row) -> str:
            v = row.values
            data = {
                "name": text(v.get("name")),
                "location_unit": refs.unit(v.get("location_unit"), on=v.get("opened_on"), field="location_unit"),
                "address": text(v.get("address")), "operator": text(v.get("operator")),
                "opened_on": v.get("opened_on"), "closed_on": v.get("closed_on"),
                "scheme": refs.scheme(v.get("scheme")), "notes": text(v.get("notes")),
            }
            refuse_repeat(seen, fold(data["name"]), row, "name")
            existing = only_match(showrooms.filter(name=data["name"]), "name",
                                  "Có nhiều điểm giới thiệu cùng tên trong hệ thống; hãy đổi tên trên trang "
                                  "“Điểm giới thiệu” trước khi nhập.")
            return saved(existing, data,
                         lambda: services.showroom_create(actor=ctx.actor, data=data),
                         lambda room: services.showroom_update(actor=ctx.actor, showroom=room, data=data,
                                                               expected_version=room.version))

        run_rows(SHOWROOMS, rows, ctx, write)

    # Displays

    def _import_displays(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        seen: dict[Any, int] = {}
        visible = displays_for(ctx.actor)

        def write(row: Row) -> str:
            v = row.values
            room = refs.showroom(v.get("showroom"))
            establishment = find_establishment(refs.establishments, v)
            start: Any = v.get("displayed_from")
            data = {"showroom": room, "establishment": establishment, "displayed_from": start,
                    "displayed_to": v.get("displayed_to"), "products": product_names(v.get("products"))}
            refuse_repeat(seen, (room.pk, establishment.pk, start), row, "displayed_from")
            existing = visible.filter(showroom=room, establishment=establishment,
                                      displayed_from=start).first()
            changes = {k: val for k, val in data.items() if k not in ("showroom", "establishment")}
            return saved(existing, data, lambda: services.display_create(actor=ctx.actor, data=data),
                         lambda found: services.display_update(actor=ctx.actor, display=found, data=changes,
                                                               expected_version=found.version))

        run_rows(DISPLAYS, rows, ctx, write, {"establishment": "establishment_name", "showroom": "showroom"})


def product_names(value: Any) -> list[str]:
    try:
        return services.clean_product_names(value or "")
    except ValidationError as exc:
        raise RowProblem("products", " ".join(exc.messages)) from None


class References(UnitReferences):
    """What rows of one ``import_rows`` call refer to, looked up once each (not once per row)."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self._fairs: dict[Any, Fair] = {}
        self._showrooms: dict[str, Showroom] = {}
        self._schemes: dict[str, Any] = {}

    @cached_property
    def establishments(self) -> EstablishmentLookup:
        return EstablishmentLookup(self.actor)

    def scheme(self, code: Any) -> Any:
        from khuyencong.schemes.selectors import visible_schemes

        code = text(code)
        if not code:
            return None
        if code not in self._schemes:
            found = visible_schemes(self.actor).filter(code=code).first()
            if found is None:
                raise RowProblem("scheme", f"Không tìm thấy đề án khuyến công mã “{code}” trong phạm vi bạn "
                                           "được xem. Hãy kiểm tra lại mã hoặc nhập đề án trước.")
            self._schemes[code] = found
        return self._schemes[code]

    def fair(self, name: Any, start: Any) -> Fair:
        key = (text(name), start)
        if key not in self._fairs:
            found = fairs_for(self.actor).filter(name=key[0], start_date=start).first()
            if found is None:
                day = start.strftime("%d/%m/%Y") if isinstance(start, dt.date) else "?"
                raise RowProblem("fair_name", f"Không tìm thấy hội chợ “{key[0]}” khai mạc ngày {day}. Hãy ghi "
                                              "hội chợ này ở trang “Hội chợ” hoặc kiểm tra lại tên và ngày khai mạc.")
            self._fairs[key] = found
        return self._fairs[key]

    def showroom(self, name: Any) -> Showroom:
        name = text(name)
        if name not in self._showrooms:
            found = showrooms_for(self.actor).filter(name=name).first()
            if found is None:
                raise RowProblem("showroom", f"Không tìm thấy điểm giới thiệu “{name}”. Hãy ghi điểm này ở trang "
                                             "“Điểm giới thiệu” hoặc kiểm tra lại tên.")
            self._showrooms[name] = found
        return self._showrooms[name]


register(FairsRegister())
