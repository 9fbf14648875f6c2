"""Turning spreadsheet cells into domain values, the way officials actually type them.

Every reader returns the value or raises :class:`CellError` with a Vietnamese message saying what
is wrong and how to write it. Nothing is guessed: "24,7 tỷ" is refused rather than read as a number,
and an administrative unit name that fits several units is reported with the candidates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation

from khuyencong.core.text import fold, normalize
from khuyencong.exchange.spec import Column, Kind
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import successors_on


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as is."""


EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 in the 1900 date system (with Lotus' leap-year bug)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_WORD_AMOUNTS = re.compile(r"(tỷ|ty|triệu|trieu|nghìn|nghin|ngàn|ngan|trăm|tram|k\b|tr\b)", re.IGNORECASE)
_CURRENCY = re.compile(r"\s*(đồng|dong|vnđ|vnd|đ)\s*$", re.IGNORECASE)
# Control characters (NUL, form feed…) cannot be stored in PostgreSQL text or shown in a form; old .xls
# files and text pasted from other programs carry them. Tab, line feed and carriage return are spacing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRUE = {"co", "x", "1", "true", "dung", "yes", "y"}
_FALSE = {"khong", "0", "false", "sai", "no", "n"}


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unneutralised(text: str) -> str:
    """Exports put an apostrophe before text a spreadsheet could take for a formula (``'=…``, ``'-…``,
    ``streaming.neutralise``); the text read back is the text that was exported."""
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text


def read_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed into a number cell: 1079.0 → "1079"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = _unneutralised(str(value))
    if _CONTROL.search(text):
        raise CellError("Ô chứa ký tự điều khiển không hiển thị được (ví dụ do dán từ phần mềm khác): "
                        "hãy gõ lại nội dung ô.")
    return normalize(text)


def _plain_number(value: Any) -> str:
    text = normalize(str(value))
    if _WORD_AMOUNTS.search(text):
        raise CellError(
            f"“{text}” không phải là số: hãy ghi đầy đủ bằng chữ số, ví dụ 24.700.000.000 thay cho “24,7 tỷ”."
        )
    return _CURRENCY.sub("", text).replace(" ", "").replace("\u00a0", "")


def read_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("Ô này phải là số, không phải đúng/sai.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"“{value:g}” phải là số nguyên.")
        return int(value)
    text = _plain_number(value)
    # Vietnamese writes thousands with dots ("1.234.567"); commas too when copied from English sheets.
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text) and not re.fullmatch(r"-?\d{1,3}[.,]\d{3}[.,]\d{1,2}", text):
        text = text.replace(".", "").replace(",", "")
    if not re.fullmatch(r"-?\d+", text):
        raise CellError(f"“{normalize(str(value))}” không phải là số nguyên (ví dụ: 1.234.567).")
    return int(text)


def read_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("Ô này phải là số, không phải đúng/sai.")
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _plain_number(value)
    if "," in text and "." in text:  # Vietnamese: 1.234,5
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{normalize(str(value))}” không phải là số (ví dụ: 4,5).") from None
    if not number.is_finite():
        raise CellError(f"“{normalize(str(value))}” không phải là số (ví dụ: 4,5).")
    return number


def _date(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"Ngày “{raw}” không tồn tại.") from None


def read_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("Ô này phải là ngày (dd/mm/yyyy).")
    if isinstance(value, int | float):
        if not float(value).is_integer() or not 1 <= value <= 2958465:
            raise CellError(f"“{value}” không phải là ngày hợp lệ.")
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = normalize(str(value))
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return _date(year, month, day, text)
    if match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _date(year, month, day, text)
    raise CellError(f"“{text}” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy (ví dụ 31/12/2020) hoặc yyyy-mm-dd.")


def read_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = fold(read_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"“{read_text(value)}”: hãy ghi “Có” hoặc “Không”.")


def choice_map(column: Column) -> dict[str, str]:
    """{folded code or Vietnamese label: code} for a CHOICE column; built once per import."""
    choices = column.choice_list()
    with translation.override("vi"):
        return {fold(code): code for code, _label in choices} | {fold(str(label)): code for code, label in choices}


def read_choice(value: Any, column: Column, by_key: dict[str, str] | None = None) -> str:
    text = read_text(value)
    by_key = choice_map(column) if by_key is None else by_key
    if (code := by_key.get(fold(text))) is not None:
        return code
    choices = column.choice_list()
    with translation.override("vi"):
        allowed = "; ".join(str(label) for _code, label in choices[:12])
    more = "…" if len(choices) > 12 else ""
    raise CellError(f"“{text}” không có trong danh mục. Giá trị hợp lệ: {allowed}{more}")


class UnitDirectory:
    """Administrative units in memory for one import: by code and by name, every version.

    Loaded once (about 14,000 rows) so that a 100,000-row file does not make 100,000 queries.
    """

    _PREFIXES = ("thanh pho ", "thi xa ", "thi tran ", "phuong ", "xa ", "dac khu ", "quan ", "huyen ", "tinh ")

    def __init__(self) -> None:
        self._by_code: dict[tuple[str, str], list[AdministrativeUnit]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[AdministrativeUnit]] = defaultdict(list)
        self._by_pk: dict[int, AdministrativeUnit] = {}
        self._cache: dict[tuple[str, str, dt.date | None], AdministrativeUnit] = {}
        for unit in AdministrativeUnit.objects.order_by("pk"):
            self._by_pk[unit.pk] = unit
            self._by_code[(unit.level, unit.code)].append(unit)
            self._by_name[(unit.level, self._bare(unit.name))].append(unit)

    def unit(self, pk: int) -> AdministrativeUnit:
        """The unit with primary key ``pk`` (any version), from memory."""
        return self._by_pk[pk]

    @classmethod
    def _bare(cls, name: str) -> str:
        key = fold(name)
        for prefix in cls._PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                return key[len(prefix):]
        return key

    def _ancestors(self, unit: AdministrativeUnit) -> list[str]:
        names = []
        parent_id = unit.parent_id
        while parent_id is not None:
            parent = self._by_pk[parent_id]
            names.append(self._bare(parent.name))
            parent_id = parent.parent_id
        return names

    def _candidates(self, text: str, level: str) -> list[AdministrativeUnit]:
        code = re.match(r"^\s*(\d{2,5})(?:\s*[-–]\s*(.*))?$", text)  # "26560" or "26560 - Phường Bà Rịa"
        if code:
            versions = list(self._by_code.get((level, code.group(1)), []))
            # GSO reused codes after the 2025 reform: the name written beside the code tells the versions apart.
            named = [u for u in versions if code.group(2) and self._bare(u.name) == self._bare(code.group(2))]
            return named or versions
        name, *context = [part for part in (p.strip() for p in text.split(",")) if part]
        found = self._by_name.get((level, self._bare(name)), [])
        wanted = [self._bare(part) for part in context]
        return [u for u in found if all(w in self._ancestors(u) for w in wanted)]

    def resolve(self, text: str, *, level: str, on: dt.date | None) -> AdministrativeUnit:
        key = (text, level, on)
        if key not in self._cache:
            self._cache[key] = self._resolve(text, level=level, on=on)
        return self._cache[key]

    def _resolve(self, text: str, *, level: str, on: dt.date | None) -> AdministrativeUnit:
        candidates = self._candidates(text, level)
        if not candidates:
            raise CellError(f"Không tìm thấy đơn vị hành chính “{text}”: hãy ghi mã (ví dụ 26560) hoặc tên đúng.")
        day = on or timezone.localdate()
        in_force = [u for u in candidates if u.is_valid_on(day)]
        if not in_force and on is None and len(candidates) == 1:
            return candidates[0]  # no record date: a historical unit stands as written
        if not in_force and on is not None:
            in_force = self._carried_to(candidates, day)
        if len(in_force) == 1:
            return in_force[0]
        if not in_force:
            names = "; ".join(f"{u.code} {u.name} ({self._interval(u)})" for u in candidates[:5])
            raise CellError(f"“{text}” không còn hiệu lực (hoặc chưa có) vào ngày {day:%d/%m/%Y}: {names}.")
        names = "; ".join(f"{u.code} – {u.full_name}" for u in in_force[:5])
        raise CellError(f"Tên “{text}” trùng với nhiều đơn vị: {names}. Hãy ghi mã đơn vị hoặc thêm huyện, tỉnh.")

    @staticmethod
    def _carried_to(candidates: list[AdministrativeUnit], day: dt.date) -> list[AdministrativeUnit]:
        """Old units written for a later date: the units they became through the crosswalk.

        Several successors (a commune split between wards) stay ambiguous and are reported.
        """
        reached: dict[int, AdministrativeUnit] = {}
        for unit in candidates:
            if unit.valid_to is not None and unit.valid_to < day:
                reached.update({s.pk: s for s in successors_on(unit, on=day)})
        return list(reached.values())

    @staticmethod
    def _interval(unit: AdministrativeUnit) -> str:
        start = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
        end = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "nay"
        return f"{start}–{end}"


READERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: read_text,
    Kind.INTEGER: read_integer,
    Kind.MONEY: read_integer,
    Kind.DECIMAL: read_decimal,
    Kind.DATE: read_date,
    Kind.BOOLEAN: read_boolean,
}


def read_cell(value: Any, column: Column, choices: dict[str, str] | None = None) -> Any:
    """The domain value of one non-unit cell (units need the row's date: see :class:`UnitDirectory`).

    ``choices`` is the column's :func:`choice_map`, passed in by callers reading many rows.
    """
    if column.kind is Kind.CHOICE:
        return read_choice(value, column, choices)
    result = READERS[column.kind](value)
    if column.kind is Kind.MONEY and result < 0:
        raise CellError("Số tiền không được âm.")
    if column.kind is Kind.TEXT and column.max_length and len(result) > column.max_length:
        raise CellError(f"Dài quá {column.max_length} ký tự.")
    return result
