"""The schemes workbook: programmes, annual plans, schemes, disbursements, machinery, demonstration
models, and the closing step (settlement or cancellation) of each scheme.

Sheets follow the order in which the records can be re-created through the services: a scheme is
created and walked through its lifecycle up to acceptance on the "Đề án" sheet; its disbursements
and activity details are then recorded (the services refuse both once a scheme is settled or
cancelled); only the last sheet settles or cancels it. Status changes go through
``scheme_transition`` so that the plan budget, the support norm valid on the approval date, the
date order and the event rows hold exactly as for a form.

Natural keys: scheme code (mã đề án); a disbursement or machinery item is the scheme code plus its
number within the scheme (1, 2, 3… in date / entry order); establishments are named by tax code,
or by name and commune code when they have none (same rule as the establishments register).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.core import review
from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.establishments.models import Establishment
from khuyencong.exchange.registers.establishments import EstablishmentLookup, reference_columns, reference_values
from khuyencong.exchange.registry import register
from khuyencong.exchange.rows import RowProblem
from khuyencong.exchange.spec import Column, ImportContext, Kind, Row, SheetSpec
from khuyencong.geo.models import AdministrativeUnit, UnitLevel
from khuyencong.schemes import services
from khuyencong.schemes.models import (
    ActivityType,
    AnnualPlan,
    DemonstrationModel,
    Disbursement,
    FundingSource,
    MachineryItem,
    ProgrammeLevel,
    Scheme,
    SchemeEvent,
    SchemeStatus,
)
from khuyencong.schemes.selectors import plans_for, programmes_for, visible_schemes

S = SchemeStatus
# The lifecycle up to acceptance, in order; settlement and cancellation are on the last sheet.
PROGRESS = (S.PROPOSED, S.APPRAISED, S.APPROVED, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED)
CLOSED = {S.SETTLED, S.AMENDED, S.CANCELLED}
# What each step records (scheme_transition's fields); editable dates (actual start/end) stay on the scheme.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    S.APPRAISED: ("appraisal_score", "appraisal_comments"),
    S.APPROVED: ("plan", "approval_decision_no", "approval_decision_date"),
    S.CONTRACTED: ("contract_no", "contract_date"),
    S.IN_PROGRESS: (),
    S.ACCEPTED: ("acceptance_date", "acceptance_record_no"),
}
EDITABLE = ("title", "activity_type", "funding_source", "implementing_unit_name", "implementing_unit",
            "planned_start", "planned_end", "actual_start", "actual_end", "total_cost", "public_support",
            "counterpart_capital", "notes")
MONEY = ("total_cost", "public_support", "counterpart_capital")
IMPORT_NOTE = "Ghi nhận khi nhập dữ liệu từ tệp."
NO_REASON = "Không có lý do hủy được ghi nhận trên hệ thống."
SEPARATOR = re.compile(r"\s*;\s*")
NAME_AND_COMMUNE = re.compile(r"^(?P<name>.*\S)\s*\((?P<commune>\d{5})\)$")


def activity_type_choices() -> list[tuple[str, str]]:
    """One (code, label) per activity code; the label of its latest version."""
    labels: dict[str, str] = {}
    for code, label in ActivityType.objects.order_by("order", "code", "valid_from").values_list("code", "label"):
        labels[code] = label
    return list(labels.items())


LEVEL_CHOICES = [(c.value, str(c.label)) for c in ProgrammeLevel]
SOURCE_CHOICES = [(c.value, str(c.label)) for c in FundingSource]
PROGRESS_CHOICES = [(s.value, str(s.label)) for s in PROGRESS]
CLOSING_CHOICES = [(S.SETTLED.value, str(S.SETTLED.label)), (S.CANCELLED.value, str(S.CANCELLED.label))]
_LEVEL = Column("Cấp chương trình", "level", Kind.CHOICE, required=True, choices=LEVEL_CHOICES,
                help="Chương trình quốc gia hoặc chương trình địa phương.", example="Chương trình quốc gia")
_START = Column("Năm bắt đầu giai đoạn", "start_year", Kind.INTEGER, required=True,
                help="Năm đầu của giai đoạn chương trình (4 chữ số).", example=2021)
_SCHEME_CODE = Column("Mã đề án", "scheme_code", required=True, max_length=40,
                      help="Mã đề án như trên trang “Đề án” (đề án phải có sẵn hoặc ở trang “Đề án”).",
                      example="MM-2024-001")

PROGRAMMES = SheetSpec("Chương trình", "một chương trình khuyến công nhiều năm", (
    _LEVEL,
    _START,
    Column("Năm kết thúc giai đoạn", "end_year", Kind.INTEGER, required=True,
           help="Năm cuối của giai đoạn; cấp + năm bắt đầu + năm kết thúc là khoá nhận diện.", example=2025),
    Column("Tên chương trình", "name", required=True, max_length=255,
           example="Chương trình khuyến công quốc gia giai đoạn 2021–2025"),
    Column("Số quyết định phê duyệt", "decision_no", max_length=60, example="1881/QĐ-TTg"),
    Column("Ngày quyết định", "decision_date", Kind.DATE, help="dd/mm/yyyy.", example="24/11/2020"),
), key=("level", "start_year", "end_year"))

PLANS = SheetSpec("Kế hoạch năm", "kinh phí được duyệt của một nguồn trong một năm", (
    Column("Cấp chương trình", "programme_level", Kind.CHOICE, required=True, choices=LEVEL_CHOICES,
           help="Cấp của chương trình chứa kế hoạch (chương trình ở trang “Chương trình”).",
           example="Chương trình quốc gia"),
    Column("Năm bắt đầu giai đoạn", "programme_start_year", Kind.INTEGER, required=True,
           help="Năm bắt đầu giai đoạn của chương trình chứa kế hoạch.", example=2021),
    Column("Năm kế hoạch", "year", Kind.INTEGER, required=True,
           help="Năm của kế hoạch, nằm trong giai đoạn của chương trình.", example=2024),
    Column("Nguồn kinh phí", "funding_source", Kind.CHOICE, required=True, choices=SOURCE_CHOICES,
           help="Khuyến công quốc gia hoặc khuyến công địa phương.", example="Khuyến công quốc gia"),
    Column("Tổng kinh phí được duyệt (đồng)", "approved_total", Kind.MONEY, required=True,
           help="Số nguyên, đồng (ví dụ 60.000.000.000); không ghi “60 tỷ”.", example=60_000_000_000),
    Column("Số quyết định", "decision_no", max_length=60, example="124/QĐ-SCT"),
    Column("Ngày quyết định", "decision_date", Kind.DATE, help="dd/mm/yyyy.", example="15/01/2024"),
), key=("programme_level", "programme_start_year", "year", "funding_source"))

SCHEMES = SheetSpec("Đề án", "một đề án khuyến công, đến bước nghiệm thu", (
    Column("Mã đề án", "code", required=True, max_length=40,
           help="Mã duy nhất của đề án; là khoá nhận diện khi nhập lại.", example="MM-2024-001"),
    Column("Tên đề án", "title", required=True, max_length=300,
           example="Hỗ trợ ứng dụng máy sấy tiên tiến cho cơ sở chế biến hạt điều"),
    Column("Loại hoạt động", "activity_type", Kind.CHOICE, required=True, choices=activity_type_choices,
           help="Nội dung hoạt động khuyến công (danh mục theo Nghị định 45/2012, 235/2025).",
           example="Ứng dụng máy móc thiết bị tiên tiến"),
    Column("Nguồn kinh phí", "funding_source", Kind.CHOICE, required=True, choices=SOURCE_CHOICES,
           example="Khuyến công quốc gia"),
    Column("Năm kế hoạch", "plan_year", Kind.INTEGER,
           help="Năm của kế hoạch (trang “Kế hoạch năm”) chứa đề án; bắt buộc từ bước “Đã phê duyệt”.",
           example=2024),
    Column("Cấp chương trình của kế hoạch", "plan_level", Kind.CHOICE, choices=LEVEL_CHOICES,
           help="Chỉ cần khi cùng năm và nguồn có kế hoạch của hai chương trình.", example="Chương trình quốc gia"),
    Column("Đơn vị thực hiện", "implementing_unit_name", required=True, max_length=255,
           example="Trung tâm Khuyến công tỉnh"),
    Column("Mã địa bàn đơn vị thực hiện", "implementing_unit", max_length=10,
           help="Mã tỉnh, huyện hoặc xã của đơn vị thực hiện, còn hiệu lực vào ngày bắt đầu (kế hoạch).",
           example="79"),
    Column("Cơ sở thụ hưởng", "beneficiaries",
           help="Các cơ sở thụ hưởng, cách nhau bằng dấu “;”. Mỗi cơ sở ghi mã số thuế, hoặc khi không có MST "
           "ghi “Tên cơ sở (mã xã/phường)”, ví dụ “Cơ sở chế biến hạt điều Phước Nguyên (26554)”.",
           example="3500101107; Cơ sở chế biến hạt điều Phước Nguyên (26554)"),
    Column("Bắt đầu (kế hoạch)", "planned_start", Kind.DATE, help="dd/mm/yyyy.", example="01/03/2024"),
    Column("Kết thúc (kế hoạch)", "planned_end", Kind.DATE, help="dd/mm/yyyy.", example="30/11/2024"),
    Column("Bắt đầu (thực tế)", "actual_start", Kind.DATE, help="dd/mm/yyyy.", example="20/03/2024"),
    Column("Kết thúc (thực tế)", "actual_end", Kind.DATE, help="dd/mm/yyyy.", example="15/11/2024"),
    Column("Tổng kinh phí (đồng)", "total_cost", Kind.MONEY, help="Số nguyên, đồng.", example=600_000_000),
    Column("Kinh phí khuyến công hỗ trợ (đồng)", "public_support", Kind.MONEY,
           help="Không vượt tổng kinh phí và định mức hỗ trợ có hiệu lực vào ngày phê duyệt.", example=300_000_000),
    Column("Vốn đối ứng (đồng)", "counterpart_capital", Kind.MONEY,
           help="Không thấp hơn tổng kinh phí trừ kinh phí hỗ trợ.", example=300_000_000),
    Column("Tiến độ", "progress", Kind.CHOICE, choices=PROGRESS_CHOICES,
           help="Bước đã đạt trong quy trình, từ “Đề xuất” đến “Đã nghiệm thu” (để trống: đề xuất). Hệ thống "
           "chuyển lần lượt từng bước với thông tin của bước đó; quyết toán hoặc hủy ghi ở trang “Quyết toán, hủy”.",
           example="Đã nghiệm thu"),
    Column("Điểm thẩm định", "appraisal_score", Kind.DECIMAL, help="0–100; bắt buộc từ bước “Đã thẩm định”.",
           example="85"),
    Column("Ý kiến thẩm định", "appraisal_comments", max_length=4000),
    Column("Số quyết định phê duyệt", "approval_decision_no", max_length=60,
           help="Bắt buộc từ bước “Đã phê duyệt”.", example="45/QĐ-SCT"),
    Column("Ngày quyết định phê duyệt", "approval_decision_date", Kind.DATE,
           help="dd/mm/yyyy; định mức hỗ trợ áp dụng là định mức có hiệu lực vào ngày này.", example="01/03/2024"),
    Column("Số hợp đồng", "contract_no", max_length=60, help="Bắt buộc từ bước “Đã ký hợp đồng”.",
           example="12/HĐ-KC"),
    Column("Ngày ký hợp đồng", "contract_date", Kind.DATE, help="dd/mm/yyyy, không trước ngày phê duyệt.",
           example="11/03/2024"),
    Column("Ngày nghiệm thu", "acceptance_date", Kind.DATE,
           help="dd/mm/yyyy; bắt buộc ở bước “Đã nghiệm thu” (ngày này quyết định kỳ báo cáo).", example="20/11/2024"),
    Column("Số biên bản nghiệm thu", "acceptance_record_no", max_length=60, example="12/BB-NT"),
    Column("Ghi chú", "notes", max_length=4000),
), key=("code",))

DISBURSEMENTS = SheetSpec("Giải ngân", "một lần giải ngân cho một đề án", (
    _SCHEME_CODE,
    Column("Lần giải ngân", "number", Kind.INTEGER, required=True,
           help="1, 2, 3… theo thứ tự ngày trong đề án; mã đề án + lần là khoá nhận diện.", example=1),
    Column("Ngày giải ngân", "date", Kind.DATE, required=True,
           help="dd/mm/yyyy, không trước ngày ký hợp đồng.", example="21/03/2024"),
    Column("Số tiền (đồng)", "amount", Kind.MONEY, required=True,
           help="Số nguyên dương; tổng các lần không vượt kinh phí hỗ trợ được duyệt.", example=150_000_000),
    Column("Ghi chú", "note", max_length=255),
), key=("scheme_code", "number"))

MACHINERY = SheetSpec("Máy móc thiết bị", "một máy móc, thiết bị được hỗ trợ", (
    _SCHEME_CODE,
    Column("Số thứ tự", "number", Kind.INTEGER, required=True,
           help="1, 2, 3… trong đề án; mã đề án + số thứ tự là khoá nhận diện.", example=1),
    Column("Tên máy móc, thiết bị", "name", required=True, max_length=255, example="Máy sấy"),
    Column("Số lượng", "quantity", Kind.INTEGER, required=True, help="Số nguyên lớn hơn 0.", example=2),
    Column("Đơn giá (đồng)", "unit_price", Kind.MONEY, required=True, example=300_000_000),
    Column("Nhà cung cấp", "supplier", max_length=255, example="Công ty TNHH Thiết bị Công nghiệp Miền Nam"),
    Column("Nhóm ngành", "sector_group", max_length=30, help="Mã nhóm ngành của cơ sở (nếu có).",
           example="agro_processing"),
), key=("scheme_code", "number"))

DEMONSTRATIONS = SheetSpec("Mô hình trình diễn", "mô hình trình diễn kỹ thuật của một đề án", (
    _SCHEME_CODE,
    *reference_columns("Nơi trình diễn: "),
    Column("Công nghệ / sản phẩm trình diễn", "technology", required=True, max_length=300,
           example="Dây chuyền chế biến hạt điều tự động"),
    Column("Số lao động sử dụng", "workers_employed", Kind.INTEGER, help="Số nguyên không âm.", example=20),
    Column("Thu nhập bình quân của lao động (đồng/tháng)", "avg_worker_income_vnd", Kind.MONEY,
           example=6_000_000),
    Column("Cơ sở nhân rộng mô hình", "adopters",
           help="Như cột “Cơ sở thụ hưởng” của trang “Đề án”: MST hoặc “Tên cơ sở (mã xã/phường)”, cách nhau "
           "bằng “;”."),
), key=("scheme_code",))

CLOSING = SheetSpec("Quyết toán, hủy", "quyết toán hoặc hủy một đề án", (
    _SCHEME_CODE,
    Column("Kết quả", "outcome", Kind.CHOICE, required=True, choices=CLOSING_CHOICES,
           help="Đã quyết toán (sau nghiệm thu) hoặc Đã hủy (trước nghiệm thu).", example="Đã quyết toán"),
    Column("Kinh phí quyết toán (đồng)", "settled_amount", Kind.MONEY,
           help="Bắt buộc khi quyết toán; không lớn hơn kinh phí hỗ trợ.", example=300_000_000),
    Column("Ngày quyết toán", "settlement_date", Kind.DATE, help="dd/mm/yyyy, không trước ngày nghiệm thu.",
           example="30/12/2024"),
    Column("Lý do hủy", "cancel_reason", max_length=4000, help="Bắt buộc khi hủy đề án."),
), key=("scheme_code",))


# Model/service error keys → the column that shows them, per sheet.
_ERROR_FIELDS = {"plan": "plan_year", "target": "progress", "note": "cancel_reason"}


def _report(ctx: ImportContext, sheet: SheetSpec, row: Row, error: Exception) -> None:
    fields = {c.field for c in sheet.columns}
    if isinstance(error, RowProblem):
        ctx.problem(sheet, row, error.field if error.field in fields else None, error.message)
    elif isinstance(error, ValidationError):
        if not hasattr(error, "error_dict"):
            ctx.problem(sheet, row, None, "; ".join(error.messages))
            return
        for key, messages in error.error_dict.items():
            field = _ERROR_FIELDS.get(key, key)
            text = "; ".join(m for e in messages for m in ValidationError(e).messages)
            ctx.problem(sheet, row, field if field in fields else None, text)
    else:  # PermissionDeniedError, StaleEditError
        ctx.problem(sheet, row, None, str(getattr(error, "message", None) or error))


WRITE_ERRORS = (RowProblem, ValidationError, PermissionDeniedError, StaleEditError)


def _each(sheet: SheetSpec, rows: list[Row], ctx: ImportContext, write: Any) -> None:
    """Write every row in its own savepoint: a refused row leaves nothing behind and the next row goes on."""
    for row in rows:
        try:
            with transaction.atomic():
                write(row)
        except WRITE_ERRORS as error:
            _report(ctx, sheet, row, error)


# ---------------------------------------------------------------- references


class References:
    """Schemes, plans and establishments named in one import, looked up among what the actor may see."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self._establishments: EstablishmentLookup | None = None

    @property
    def establishments(self) -> EstablishmentLookup:
        if self._establishments is None:
            self._establishments = EstablishmentLookup(self.actor)
        return self._establishments

    def scheme(self, code: str, field: str = "scheme_code") -> Scheme:
        found = visible_schemes(self.actor, Scheme.objects.select_related("activity_type")).filter(code=code).first()
        if found is None:
            raise RowProblem(field, f"Không có đề án mã “{code}” trong phạm vi bạn quản lý.")
        return found

    def establishment_list(self, text: str, field: str) -> list[Establishment]:
        found: list[Establishment] = []
        for part in SEPARATOR.split(text or ""):
            if not part:
                continue
            match = NAME_AND_COMMUNE.match(part)
            values = ({"establishment_name": match["name"], "establishment_commune": match["commune"]} if match
                      else {"establishment_tax_code": part})
            try:
                establishment = self.establishments.find(values)
            except LookupError as error:
                raise RowProblem(field, str(error)) from None
            if establishment not in found:
                found.append(establishment)
        return found

    def plan(self, year: int | None, source: str, level: str | None) -> AnnualPlan | None:
        if year is None:
            return None
        plans = list(plans_for(self.actor).filter(year=year, funding_source=source).select_related("programme"))
        if level:
            plans = [p for p in plans if p.programme.level == level]
        if len(plans) == 1:
            return plans[0]
        if not plans:
            raise RowProblem("plan_year", f"Không có kế hoạch năm {year} cho nguồn “{FundingSource(source).label}”; "
                             "hãy thêm ở trang “Kế hoạch năm”.")
        raise RowProblem("plan_level", f"Năm {year} có kế hoạch của nhiều chương trình: hãy ghi cấp chương trình.")


def reference_text(establishment: Establishment) -> str:
    """The export form of one establishment in a list cell (inverse of ``References.establishment_list``)."""
    return establishment.tax_code or f"{establishment.name} ({establishment.commune.code})"


def _activity_type(code: str, on: dt.date) -> ActivityType:
    versions = list(ActivityType.objects.filter(code=code).order_by("valid_from"))
    in_force = [v for v in versions if v.is_valid_on(on)]
    if in_force:
        return in_force[-1]
    if versions:
        return versions[-1]  # the service explains that it is not in force on that day
    raise RowProblem("activity_type", f"Không có loại hoạt động mã “{code}”.")


def _unit(code: str, on: dt.date) -> AdministrativeUnit | None:
    if not code:
        return None
    versions = list(AdministrativeUnit.objects.filter(code=code.strip()))
    in_force = [u for u in versions if u.is_valid_on(on)] or (versions if len(versions) == 1 else [])
    order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
    if not in_force:
        raise RowProblem("implementing_unit", f"Không có đơn vị hành chính mã {code} còn hiệu lực vào ngày "
                         f"{on:%d/%m/%Y}.")
    return sorted(in_force, key=lambda u: order[UnitLevel(u.level)])[0]


# ---------------------------------------------------------------- the register


class SchemesRegister:
    code = "schemes"
    title = "Đề án khuyến công"
    sheets: tuple[SheetSpec, ...] = (PROGRAMMES, PLANS, SCHEMES, DISBURSEMENTS, MACHINERY, DEMONSTRATIONS, CLOSING)

    # ---- export

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        exporters = {PROGRAMMES.name: self._export_programmes, PLANS.name: self._export_plans,
                     SCHEMES.name: self._export_schemes, DISBURSEMENTS.name: self._export_disbursements,
                     MACHINERY.name: self._export_machinery, DEMONSTRATIONS.name: self._export_demonstrations,
                     CLOSING.name: self._export_closing}
        return exporters[sheet.name](actor)

    @staticmethod
    def _export_programmes(actor: User) -> Iterable[Sequence[Any]]:
        for p in programmes_for(actor).order_by("start_year", "level", "end_year"):
            yield [p.level, p.start_year, p.end_year, p.name, p.decision_no, p.decision_date]

    @staticmethod
    def _export_plans(actor: User) -> Iterable[Sequence[Any]]:
        for p in plans_for(actor).order_by("year", "funding_source", "programme__start_year", "programme__level"):
            yield [p.programme.level, p.programme.start_year, p.year, p.funding_source, p.approved_total,
                   p.decision_no, p.decision_date]

    @staticmethod
    def _visible(actor: User) -> QuerySet[Scheme]:
        return visible_schemes(actor, Scheme.objects.all()).order_by("code")

    def _export_schemes(self, actor: User) -> Iterable[Sequence[Any]]:
        schemes = (self._visible(actor).select_related("activity_type", "plan__programme", "implementing_unit")
                   .prefetch_related(Prefetch("beneficiaries", Establishment.objects.select_related("commune")
                                              .order_by("pk")),
                                     Prefetch("events", SchemeEvent.objects.filter(to_status=S.CANCELLED),
                                              to_attr="cancellations")))
        for s in schemes:
            plan = s.plan
            yield [s.code, s.title, s.activity_type.code, s.funding_source, plan.year if plan else None,
                   plan.programme.level if plan else None, s.implementing_unit_name,
                   s.implementing_unit.code if s.implementing_unit else "",
                   "; ".join(reference_text(e) for e in s.beneficiaries.all()),
                   s.planned_start, s.planned_end, s.actual_start, s.actual_end, s.total_cost, s.public_support,
                   s.counterpart_capital, progress_of(s), s.appraisal_score, s.appraisal_comments,
                   s.approval_decision_no, s.approval_decision_date, s.contract_no, s.contract_date,
                   s.acceptance_date, s.acceptance_record_no, s.notes]

    def _export_disbursements(self, actor: User) -> Iterable[Sequence[Any]]:
        items = (Disbursement.objects.filter(scheme__in=self._visible(actor).values("pk")).select_related("scheme")
                 .order_by("scheme__code", "date", "pk"))
        yield from _numbered(items, lambda d, n: [d.scheme.code, n, d.date, d.amount, d.note])

    def _export_machinery(self, actor: User) -> Iterable[Sequence[Any]]:
        items = (MachineryItem.objects.filter(scheme__in=self._visible(actor).values("pk")).select_related("scheme")
                 .order_by("scheme__code", "pk"))
        yield from _numbered(items, lambda m, n: [m.scheme.code, n, m.name, m.quantity, m.unit_price, m.supplier,
                                                  m.sector_group])

    def _export_demonstrations(self, actor: User) -> Iterable[Sequence[Any]]:
        models = (DemonstrationModel.objects.filter(scheme__in=self._visible(actor).values("pk"))
                  .select_related("scheme", "host_establishment__commune")
                  .prefetch_related(Prefetch("adopters", Establishment.objects.select_related("commune")
                                             .order_by("pk")))
                  .order_by("scheme__code"))
        for m in models:
            yield [m.scheme.code, *reference_values(m.host_establishment), m.technology, m.workers_employed,
                   m.avg_worker_income_vnd, "; ".join(reference_text(e) for e in m.adopters.all())]

    def _export_closing(self, actor: User) -> Iterable[Sequence[Any]]:
        schemes = (self._visible(actor).filter(status__in=CLOSED)
                   .prefetch_related(Prefetch("events", SchemeEvent.objects.filter(to_status=S.CANCELLED)
                                              .order_by("at", "pk"), to_attr="cancellations")))
        for s in schemes:
            if s.status == S.CANCELLED:
                events = s.cancellations  # type: ignore[attr-defined]
                reason = (events[-1].note if events else "") or NO_REASON
                yield [s.code, S.CANCELLED, None, None, reason]
            else:  # settled, or amended (the transient step of an amendment, settled again)
                yield [s.code, S.SETTLED, s.settled_amount, s.settlement_date, ""]

    # ---- import

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        refs = References(ctx.actor)
        importers = {PROGRAMMES.name: self._import_programme, PLANS.name: self._import_plan,
                     SCHEMES.name: self._import_scheme, DISBURSEMENTS.name: self._import_disbursement,
                     MACHINERY.name: self._import_machinery, DEMONSTRATIONS.name: self._import_demonstration,
                     CLOSING.name: self._import_closing}
        write = importers[sheet.name]
        _each(sheet, rows, ctx, lambda row: write(row, ctx, sheet, refs))

    @staticmethod
    def _import_programme(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
        v = row.values
        data = {"name": v["name"], "level": v["level"], "start_year": v["start_year"], "end_year": v["end_year"],
                "decision_no": v["decision_no"] or "", "decision_date": v["decision_date"]}
        existing = programmes_for(ctx.actor).filter(level=v["level"], start_year=v["start_year"],
                                                    end_year=v["end_year"]).first()
        outcome = ctx.outcome(sheet)
        if existing is None:
            services.programme_create(actor=ctx.actor, data=data)
            outcome.created += 1
            return
        changes = _changes(existing, data)
        if not changes:
            outcome.unchanged += 1
            return
        services.programme_update(actor=ctx.actor, programme=existing, data=changes, expected_version=None)
        outcome.updated += 1

    @staticmethod
    def _import_plan(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
        v = row.values
        programmes = list(programmes_for(ctx.actor).filter(level=v["programme_level"],
                                                           start_year=v["programme_start_year"]))
        if len(programmes) != 1:
            raise RowProblem("programme_start_year", "Không có chương trình cấp này bắt đầu năm "
                             f"{v['programme_start_year']}: hãy thêm ở trang “Chương trình”." if not programmes else
                             "Có nhiều chương trình cùng cấp bắt đầu năm này.")
        data = {"programme": programmes[0], "year": v["year"], "funding_source": v["funding_source"],
                "approved_total": v["approved_total"], "decision_no": v["decision_no"] or "",
                "decision_date": v["decision_date"]}
        existing = plans_for(ctx.actor).filter(programme=programmes[0], year=v["year"],
                                               funding_source=v["funding_source"]).first()
        outcome = ctx.outcome(sheet)
        if existing is None:
            services.plan_create(actor=ctx.actor, data=data)
            outcome.created += 1
            return
        changes = _changes(existing, data)
        if not changes:
            outcome.unchanged += 1
            return
        services.plan_update(actor=ctx.actor, plan=existing, data=changes, expected_version=None)
        outcome.updated += 1

    # -- schemes

    def _import_scheme(self, row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
        v = row.values
        code = v["code"]
        existing = Scheme.objects.filter(code=code).select_related("activity_type", "plan").first()
        if existing is not None and not visible_schemes(ctx.actor).filter(pk=existing.pk).exists():
            review.hold(register="schemes.scheme", field="code", record=existing, actor=ctx.actor,
                        label=f"{existing.code} · {existing.title}", url=reverse("schemes:detail", args=[existing.pk]))
            raise RowProblem("code", review.held_message("mã đề án"))
        on = v["planned_start"] or timezone.localdate()
        data = {
            "title": v["title"], "funding_source": v["funding_source"],
            "implementing_unit_name": v["implementing_unit_name"],
            "implementing_unit": _unit(v["implementing_unit"], on),
            "planned_start": v["planned_start"], "planned_end": v["planned_end"], "actual_start": v["actual_start"],
            "actual_end": v["actual_end"], "notes": v["notes"] or "",
            **{k: v[k] if v[k] is not None else 0 for k in MONEY},
        }
        if existing is None or existing.activity_type.code != v["activity_type"]:
            data["activity_type"] = _activity_type(v["activity_type"], on)
        beneficiaries = refs.establishment_list(v["beneficiaries"], "beneficiaries")
        steps = {
            "plan": refs.plan(v["plan_year"], v["funding_source"], v["plan_level"]),
            "appraisal_score": v["appraisal_score"], "appraisal_comments": v["appraisal_comments"] or "",
            "approval_decision_no": v["approval_decision_no"] or "",
            "approval_decision_date": v["approval_decision_date"],
            "contract_no": v["contract_no"] or "", "contract_date": v["contract_date"],
            "acceptance_date": v["acceptance_date"], "acceptance_record_no": v["acceptance_record_no"] or "",
        }
        target = v["progress"] or S.PROPOSED
        outcome = ctx.outcome(sheet)
        if existing is None:
            scheme = services.scheme_create(actor=ctx.actor, data={"code": code, **data}, beneficiaries=beneficiaries)
            _advance(ctx.actor, scheme, target, steps)
            outcome.created += 1
            return
        if self._update_scheme(ctx.actor, existing, data, beneficiaries, target, steps):
            outcome.updated += 1
        else:
            outcome.unchanged += 1

    @staticmethod
    def _update_scheme(actor: User, scheme: Scheme, data: dict[str, Any], beneficiaries: list[Establishment],
                       target: str, steps: dict[str, Any]) -> bool:
        """Apply the row to an existing scheme; True if anything was written."""
        reached = progress_of(scheme)
        if data["actual_start"] is None and PROGRESS.index(reached) >= PROGRESS.index(S.IN_PROGRESS):
            del data["actual_start"]  # filled in by the service when work started; a blank cell keeps it
        changes = _changes(scheme, data)
        current = {e.pk for e in scheme.beneficiaries.all()}
        new_links = beneficiaries if {e.pk for e in beneficiaries} != current else None
        _check_recorded_steps(scheme, reached, steps)
        if scheme.status in CLOSED:
            if changes or new_links is not None:
                services.scheme_update(actor=actor, scheme=scheme, data=changes, expected_version=None,
                                       beneficiaries=new_links)  # refuses, with the service's message
            return False
        if PROGRESS.index(target) < PROGRESS.index(reached):
            raise RowProblem("progress", f"Đề án đã ở bước “{S(reached).label}”; không thể lùi về "
                             f"“{S(target).label}”.")
        wrote = bool(changes) or new_links is not None
        if wrote:
            services.scheme_update(actor=actor, scheme=scheme, data=changes, expected_version=None,
                                   beneficiaries=new_links)
        return _advance(actor, scheme, target, steps) or wrote

    # -- money and details

    @staticmethod
    def _import_disbursement(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
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

    @staticmethod
    def _import_machinery(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
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
            if not _changes(recorded[number - 1], data):
                outcome.unchanged += 1
                return
            raise RowProblem("name", f"Thiết bị số {number} của đề án đã ghi nhận khác với dòng này; hãy sửa "
                             "trên trang đề án (xóa rồi thêm lại).")
        services.machinery_item_add(actor=ctx.actor, scheme=scheme, data=data)
        outcome.created += 1

    @staticmethod
    def _import_demonstration(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
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
        changes = _changes(existing, data)
        same_adopters = {e.pk for e in existing.adopters.all()} == {e.pk for e in adopters}
        if not changes and same_adopters:
            outcome.unchanged += 1
            return
        services.demonstration_save(actor=ctx.actor, scheme=scheme, data=changes,
                                    adopters=None if same_adopters else adopters, expected_version=None)
        outcome.updated += 1

    @staticmethod
    def _import_closing(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
        v = row.values
        scheme = refs.scheme(v["scheme_code"])
        outcome = ctx.outcome(sheet)
        if v["outcome"] == S.SETTLED:
            fields = {"settled_amount": v["settled_amount"], "settlement_date": v["settlement_date"]}
            if scheme.status in (S.SETTLED, S.AMENDED):
                if _changes(scheme, fields):
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


# ---------------------------------------------------------------- helpers


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    if hasattr(a, "pk") or hasattr(b, "pk"):
        return getattr(a, "pk", None) == getattr(b, "pk", None)
    return bool(a == b)


def _changes(instance: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {k: value for k, value in data.items() if not _same(getattr(instance, k), value)}


def _numbered(items: QuerySet[Any], cells: Any) -> Iterable[Sequence[Any]]:
    """Rows numbered 1, 2, 3… within each scheme (items ordered by scheme code first)."""
    current, number = None, 0
    for item in items:
        number = number + 1 if item.scheme_id == current else 1
        current = item.scheme_id
        yield cells(item, number)


def progress_of(scheme: Scheme) -> str:
    """The last lifecycle step up to acceptance that the scheme reached (settled/cancelled are closing steps)."""
    if scheme.status in PROGRESS:
        return scheme.status
    if scheme.status != S.CANCELLED:
        return S.ACCEPTED
    events = getattr(scheme, "cancellations", None)
    if events is None:
        events = list(scheme.events.filter(to_status=S.CANCELLED))
    if events and events[-1].from_status in PROGRESS:
        return str(events[-1].from_status)
    # Records loaded without events: the furthest step whose fields are filled in.
    for status in (S.CONTRACTED, S.APPROVED, S.APPRAISED):
        if all(getattr(scheme, f) not in (None, "") for f in STEP_FIELDS[status] if f != "appraisal_comments"):
            return status
    return S.PROPOSED


def _check_recorded_steps(scheme: Scheme, reached: str, steps: dict[str, Any]) -> None:
    """Fields of steps already taken cannot be rewritten by a file (they are the decisions on record)."""
    for status in PROGRESS[1:PROGRESS.index(reached) + 1]:
        for name in STEP_FIELDS[status]:
            if not _same(getattr(scheme, name), steps[name]):
                label = getattr(Scheme._meta.get_field(name), "verbose_name", name)
                field = "plan_year" if name == "plan" else name
                raise RowProblem(field, f"Đề án đã qua bước “{S(status).label}”: “{label}” đã ghi nhận và không "
                                 "sửa được bằng nhập tệp.")


def _advance(actor: User, scheme: Scheme, target: str, steps: dict[str, Any]) -> bool:
    """Walk ``scheme`` step by step to ``target`` through the lifecycle service; True if it moved."""
    start = PROGRESS.index(scheme.status)
    for status in PROGRESS[start + 1:PROGRESS.index(target) + 1]:
        fields = {name: steps[name] for name in STEP_FIELDS[status] if steps[name] not in (None, "")}
        services.scheme_transition(actor=actor, scheme=scheme, target=status, fields=fields, note=IMPORT_NOTE)
    return PROGRESS.index(target) > start


register(SchemesRegister())
