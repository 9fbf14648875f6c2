"""What every sheet's import shares: one savepoint per row, problems on their column, references, comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.core.errors import SERVICE_ERRORS, problems
from khuyencong.core.text import normalize
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.sheets import EstablishmentLookup
from khuyencong.exchange.rows import RowProblem
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.geo.models import AdministrativeUnit, UnitLevel
from khuyencong.schemes.models import ActivityType, AnnualPlan, FundingSource, Scheme
from khuyencong.schemes.selectors import plans_for, visible_schemes
from khuyencong.schemes.sheets.specs import NAME_AND_COMMUNE, SEPARATOR

# What a row may raise: its own problem (a bad reference) or any refusal of the services.
ROW_ERRORS: tuple[type[Exception], ...] = (RowProblem, *SERVICE_ERRORS)


def report(ctx: ImportContext, sheet: SheetSpec, row: Row, error: Exception,
           field_columns: Mapping[str, str]) -> None:
    """A refused row's problems, one per column; ``field_columns`` maps a service's field to its column."""
    columns = {c.field for c in sheet.columns}
    if isinstance(error, RowProblem):  # raised here, already naming its column
        ctx.problem(sheet, row, error.field if error.field in columns else None, error.message)
        return
    for name, messages in problems(error).items():
        column = field_columns.get(name, name) if name is not None else None
        ctx.problem(sheet, row, column if column in columns else None, "; ".join(messages))


def each_row(sheet: SheetSpec, rows: list[Row], ctx: ImportContext, write: Callable[[Row], None],
             field_columns: Mapping[str, str]) -> None:
    """Write every row in its own savepoint: a refused row leaves nothing behind and the next row goes on."""
    for row in rows:
        try:
            with transaction.atomic():
                write(row)
        except ROW_ERRORS as error:
            report(ctx, sheet, row, error, field_columns)


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

    def establishment(self, values: dict[str, Any]) -> Establishment:
        """The establishment a row's reference columns name; one outside the actor's area reads as unknown."""
        try:
            return self.establishments.find(values)
        except LookupError as error:
            column = "establishment_tax_code" if values.get("establishment_tax_code") else "establishment_name"
            raise RowProblem(column, str(error)) from None

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


def activity_type_on(code: str, on: dt.date) -> ActivityType:
    versions = list(ActivityType.objects.filter(code=code).order_by("valid_from"))
    in_force = [v for v in versions if v.is_valid_on(on)]
    if in_force:
        return in_force[-1]
    if versions:
        return versions[-1]  # the service explains that it is not in force on that day
    raise RowProblem("activity_type", f"Không có loại hoạt động mã “{code}”.")


def unit_in_force(code: str, on: dt.date) -> AdministrativeUnit | None:
    if not code:
        return None
    versions = list(AdministrativeUnit.objects.filter(code=code.strip()))
    in_force = [u for u in versions if u.is_valid_on(on)] or (versions if len(versions) == 1 else [])
    order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
    if not in_force:
        raise RowProblem("implementing_unit", f"Không có đơn vị hành chính mã {code} còn hiệu lực vào ngày "
                         f"{on:%d/%m/%Y}.")
    return sorted(in_force, key=lambda u: order[UnitLevel(u.level)])[0]


# ---------------------------------------------------------------- comparison


def same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    if hasattr(a, "pk") or hasattr(b, "pk"):
        return getattr(a, "pk", None) == getattr(b, "pk", None)
    return bool(a == b)


def changed_fields(instance: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {k: value for k, value in data.items() if not same(getattr(instance, k), value)}


def save_changes(ctx: ImportContext, sheet: SheetSpec, existing: Any, data: dict[str, Any],
                 create: Callable[[], object], update: Callable[[Any, dict[str, Any]], object]) -> None:
    """``create`` the record when none is recorded, else ``update`` it (record, fields) with the fields the row changes
    (nothing when it changes none); counted on the sheet's outcome."""
    outcome = ctx.outcome(sheet)
    if existing is None:
        create()
        outcome.created += 1
        return
    changes = changed_fields(existing, data)
    if not changes:
        outcome.unchanged += 1
        return
    update(existing, changes)
    outcome.updated += 1


def differs_from_file(instance: Any, data: dict[str, Any]) -> list[str]:
    """Fields of ``instance`` that a file row ``data`` contradicts. A file's text reads back with its
    whitespace collapsed, so a line break typed on the web is not a difference."""
    return [k for k, value in data.items()
            if not same(normalize(current) if isinstance(current := getattr(instance, k), str) else current, value)]

