"""Import: read → check the layout → normalise every row → registers write → commit all or nothing.

Every problem in the file is collected (sheet, row, column, reason) so the preview lists them all;
if there is any, or if it is a dry run, the transaction is rolled back and nothing is saved. The
registers write through the same services as the forms, so an import cannot store what a form would
refuse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.core.services import attribute
from khuyencong.core.text import fold
from khuyencong.exchange import registry
from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.exchange.normalise import CellError, UnitDirectory, choice_map, is_blank, read_cell
from khuyencong.exchange.reader import NotASpreadsheet, SheetData, UnsafeWorkbook, column_letter, read_workbook
from khuyencong.exchange.spec import ImportContext, Kind, Outcome, Problem, Register, Row, SheetSpec

Progress = Callable[[int, int], None]
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class ImportResult:
    register: str | None
    fingerprint: str
    problems: list[Problem] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    committed: bool = False
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _Refused(Exception):
    """The file as a whole cannot be imported; the problems say why."""


def fingerprint_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def max_upload_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def detect_register(sheet_names: list[str], register_code: str | None) -> Register:
    """The register the file was made for: the one named, or the one whose sheets it holds."""
    if register_code:
        try:
            return registry.get(register_code)
        except KeyError:
            raise _Refused([Problem("", None, None, f"Không có loại dữ liệu “{register_code}”.")]) from None
    present = {fold(n) for n in sheet_names}
    scored = [(sum(fold(s.name) in present for s in r.sheets), r) for r in registry.all_registers()]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    if best[1] is None or best[0] == 0:
        expected = "; ".join(f"{r.title}: {', '.join(s.name for s in r.sheets)}" for r in registry.all_registers())
        raise _Refused([Problem("", None, None,
                                f"Tệp không theo mẫu nào của hệ thống (không thấy trang dữ liệu quen thuộc). "
                                f"Hãy tải mẫu trong hệ thống. Các mẫu: {expected}.")])
    return best[1]


def _sheet_for(spec: SheetSpec, sheets: dict[str, SheetData]) -> SheetData | None:
    by_key = {fold(name): data for name, data in sheets.items()}
    return by_key.get(fold(spec.name))


def _check_headers(spec: SheetSpec, data: SheetData) -> list[Problem]:
    header = [fold(str(v)) for v in (data.rows[0] if data.rows else [])]
    problems = []
    for column in spec.columns:
        if fold(column.header) not in header:
            what = "bắt buộc " if column.required else ""
            problems.append(Problem(spec.name, 1, column.header,
                                    f"Thiếu cột {what}“{column.header}” (có thể đã bị đổi tên hoặc xoá). "
                                    "Hãy dùng đúng tiêu đề cột như trong mẫu."))
    known = {fold(c.header) for c in spec.columns}
    for index, name in enumerate(header):
        if name and name not in known:
            problems.append(Problem(spec.name, 1, str(data.rows[0][index]),
                                    f"Cột “{data.rows[0][index]}” (cột {column_letter(index)}) không có trong mẫu."))
    return problems


def _check_cells(spec: SheetSpec, data: SheetData) -> list[Problem]:
    problems = []
    for (r0, c0), (r1, c1) in data.merged:
        problems.append(Problem(spec.name, r0 + 1, None,
                                f"Ô gộp {column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}: "
                                "hãy bỏ gộp ô và ghi giá trị vào từng ô."))
    for r, c in sorted(data.formula_cells):
        problems.append(Problem(spec.name, r + 1, _header_at(data, c),
                                f"Ô {column_letter(c)}{r + 1} chứa công thức: "
                                "hãy dán giá trị (Paste Values) thay cho công thức."))
    return problems


def _header_at(data: SheetData, index: int) -> str | None:
    row = data.rows[0] if data.rows else []
    return str(row[index]) if index < len(row) and row[index] != "" else column_letter(index)


def _data_rows(spec: SheetSpec, data: SheetData) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """(sheet row number, {field: raw cell}) for every non-empty row; empty rows between data are problems."""
    header = [fold(str(v)) for v in data.rows[0]]
    positions = {c.field: header.index(fold(c.header)) for c in spec.columns}
    raw_rows, blank_rows = [], []
    for offset, cells in enumerate(data.rows[1:], start=2):
        values = {f: (cells[i] if i < len(cells) else "") for f, i in positions.items()}
        if all(is_blank(v) for v in cells):
            blank_rows.append(offset)
            continue
        raw_rows.append((offset, values))
    last = raw_rows[-1][0] if raw_rows else 0
    problems = [Problem(spec.name, n, None, "Dòng trống ở giữa dữ liệu: hãy xoá dòng trống hoặc điền dữ liệu.")
                for n in blank_rows if n < last]
    return raw_rows, problems


def _unit_day(column_date_field: str | None, values: dict[str, Any]) -> dt.date | None:
    day = values.get(column_date_field) if column_date_field else None
    return day if isinstance(day, dt.date) else None


class _CellReader:
    """:func:`read_cell` for one sheet, memoised per column and raw value.

    Most cells of a large file repeat (course code, commune, gender, status…); reading each distinct
    value once keeps normalisation of a 100,000-row sheet well under a second. The raw value's type is
    part of the key because ``1 == 1.0 == True`` in Python but not in a spreadsheet.
    """

    LIMIT = 500_000

    def __init__(self, spec: SheetSpec) -> None:
        self.choices = {c.field: choice_map(c) for c in spec.columns if c.kind is Kind.CHOICE}
        self.memo: dict[tuple[str, type, Any], tuple[bool, Any]] = {}

    def read(self, column: Any, cell: Any) -> tuple[bool, Any]:
        """(True, value) or (False, the reason it cannot be read)."""
        key = (column.field, type(cell), cell)
        found = self.memo.get(key)
        if found is None:
            try:
                found = (True, read_cell(cell, column, self.choices.get(column.field)))
            except CellError as error:
                found = (False, str(error))
            if len(self.memo) < self.LIMIT:
                self.memo[key] = found
        return found


def _normalise(spec: SheetSpec, number: int, raw: dict[str, Any], units: UnitDirectory,
               problems: list[Problem], cells: _CellReader) -> Row | None:
    values: dict[str, Any] = {}
    ok = True
    deferred = []
    for column in spec.columns:
        cell = raw[column.field]
        if is_blank(cell):
            if column.required:
                problems.append(Problem(spec.name, number, column.header, "Ô bắt buộc đang để trống."))
                ok = False
            values[column.field] = None if column.kind is not Kind.TEXT else ""
            continue
        if column.kind is Kind.UNIT:
            deferred.append(column)
            continue
        read, value = cells.read(column, cell)
        if read:
            values[column.field] = value
        else:
            problems.append(Problem(spec.name, number, column.header, value))
            ok = False
    for column in deferred:  # units are resolved on the row's own date
        try:
            values[column.field] = units.resolve(str(raw[column.field]).strip(), level=column.unit_level,
                                                  on=_unit_day(column.unit_date_field, values))
        except CellError as error:
            problems.append(Problem(spec.name, number, column.header, str(error)))
            ok = False
    return Row(number, values) if ok else None


def _key_of(spec: SheetSpec, row: Row) -> tuple[Any, ...]:
    return tuple(fold(v) if isinstance(v, str) else getattr(v, "pk", v) for v in (row.values[k] for k in spec.key))


def _refuse_duplicate_keys(spec: SheetSpec, rows: list[Row], problems: list[Problem]) -> list[Row]:
    first_seen: dict[tuple[Any, ...], int] = {}
    kept = []
    headers = ", ".join(spec.column(k).header for k in spec.key)
    for row in rows:
        key = _key_of(spec, row)
        if all(part in ("", None) for part in key):  # no key written: the register matches otherwise
            kept.append(row)
            continue
        if key in first_seen:
            problems.append(Problem(spec.name, row.number, spec.column(spec.key[0]).header,
                                    f"Trùng khoá ({headers}) với dòng {first_seen[key]} trong cùng tệp."))
            continue
        first_seen[key] = row.number
        kept.append(row)
    return kept


Prepared = list[tuple[SheetSpec, list[Row]]]


class _Steps:
    """Reports progress as one count over reading (first half) and writing (second half) of the rows."""

    EVERY = 2000

    def __init__(self, report: Progress | None) -> None:
        self.report, self.total, self.read, self.written = report, 0, 0, 0

    def row_read(self) -> None:
        self.read += 1
        if self.report and self.read % self.EVERY == 0:
            self.report(self.read // 2, self.total)

    def rows_written(self, count: int, *, expected: int) -> None:
        self.written += count
        if self.report:
            self.report(self.total // 2 + self.written * (self.total - self.total // 2) // max(expected, 1),
                        self.total)


def _prepare(register: Register, sheets: dict[str, SheetData], steps: _Steps) -> tuple[Prepared, list[Problem]]:
    problems: list[Problem] = []
    layout_ok = True
    for spec in register.sheets:
        data = _sheet_for(spec, sheets)
        if data is None and spec.optional:
            continue
        if data is None:
            problems.append(Problem(spec.name, None, None,
                                    f"Thiếu trang “{spec.name}” của mẫu “{register.title}”. "
                                    "Hãy dùng đúng mẫu tải từ hệ thống."))
            layout_ok = False
            continue
        header_problems = _check_headers(spec, data)
        problems += header_problems + _check_cells(spec, data)
        layout_ok = layout_ok and not header_problems
    if not layout_ok:
        return [], problems
    raw_sheets = []
    for spec in register.sheets:
        data = _sheet_for(spec, sheets)
        if data is None:  # an optional sheet left out: no rows
            continue
        raw_rows, blank_problems = _data_rows(spec, data)
        problems += blank_problems
        steps.total += len(raw_rows)
        raw_sheets.append((spec, raw_rows))
    units = UnitDirectory()
    prepared = []
    for spec, raw_rows in raw_sheets:
        cells = _CellReader(spec)
        rows = []
        for number, raw in raw_rows:
            if row := _normalise(spec, number, raw, units, problems, cells):
                rows.append(row)
            steps.row_read()
        prepared.append((spec, _refuse_duplicate_keys(spec, rows, problems)))
    return prepared, problems


def _write(register: Register, prepared: Prepared, ctx: ImportContext, steps: _Steps) -> None:
    expected = sum(len(rows) for _spec, rows in prepared)
    for spec, rows in prepared:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            register.import_rows(spec, chunk, ctx)
            steps.rows_written(len(chunk), expected=expected)
        ctx.outcome(spec)
    finish = getattr(register, "finish", None)
    if finish is not None:  # work that needs every sheet (e.g. council results once all scores are in)
        finish(ctx)


CHUNK = 5000


def run_import(data: bytes, *, filename: str, actor: User, dry_run: bool = False, register_code: str | None = None,
               progress: Progress | None = None, job: ImportJob | None = None) -> ImportResult:
    """Import ``data`` (an .xlsx/.xls/.ods file) as ``actor``; all or nothing.

    A committed import is recorded as an :class:`ImportJob` (``job`` if given, else a new one) whose
    history names the actor and the file's fingerprint.
    """
    result = ImportResult(register=register_code, fingerprint=fingerprint_of(data))
    try:
        if len(data) > max_upload_bytes():
            raise _Refused([Problem("", None, None, f"Tệp quá lớn ({len(data) / 1048576:.1f} MB); "
                                                    f"giới hạn là {max_upload_bytes() / 1048576:.0f} MB. "
                                                    "Hãy chia thành nhiều tệp.")])
        try:
            sheets = read_workbook(data)
        except UnsafeWorkbook as unsafe:  # too big, a zip bomb, damaged: refused before it is read
            raise _Refused([Problem(unsafe.sheet, None, None, unsafe.message)]) from None
        except NotASpreadsheet:
            raise _Refused([Problem("", None, None, "Tệp không phải là bảng tính Excel/ODS đọc được "
                                                    "(.xlsx, .xls, .ods). Hãy lưu lại đúng định dạng.")]) from None
        register = detect_register(list(sheets), register_code)
        result.register = register.code
        steps = _Steps(progress)
        prepared, problems = _prepare(register, sheets, steps)
        result.rows = steps.total
        if prepared and not result.rows:
            problems.append(Problem("", None, None, "Tệp không có dòng dữ liệu nào."))
        result.problems += problems
        ctx = ImportContext(actor=actor)
        with transaction.atomic():
            # Rows that were read cleanly still go through the services, so the preview lists every problem.
            _write(register, prepared, ctx, steps)
            result.problems += ctx.problems
            result.outcomes = ctx.outcomes
            if dry_run or result.problems:
                transaction.set_rollback(True)
            else:
                result.committed = True
                _record(result, data=data, filename=filename, actor=actor, job=job)
    except _Refused as refused:
        result.problems += refused.args[0]
    if job is not None and not result.committed:
        _finish(job, result, ImportStatus.PREVIEWED if result.ok else ImportStatus.REJECTED)
    return result


def problems_as_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message} for p in problems]


def outcomes_as_dicts(outcomes: dict[str, Outcome]) -> dict[str, dict[str, int]]:
    return {name: {"created": o.created, "updated": o.updated, "unchanged": o.unchanged}
            for name, o in outcomes.items()}


def _finish(job: ImportJob, result: ImportResult, status: str) -> None:
    job.status = status
    job.register = result.register or job.register
    job.rows_total = job.rows_done = result.rows
    job.outcomes = outcomes_as_dicts(result.outcomes)
    job.problems = problems_as_dicts(result.problems)
    job.finished_at = timezone.now()
    attribute(job, job.created_by)
    job.save()


def _record(result: ImportResult, *, data: bytes, filename: str, actor: User, job: ImportJob | None) -> None:
    if job is None:
        job = ImportJob(filename=filename[:255], fingerprint=result.fingerprint, size=len(data), created_by=actor,
                        register=result.register or "")
    job.dry_run = False
    job.created_by = job.created_by or actor
    _finish(job, result, ImportStatus.COMMITTED)
