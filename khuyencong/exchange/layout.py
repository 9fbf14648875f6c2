"""Blank templates and register exports: the same workbook layout in both directions.

A template has an instructions sheet ("Hướng dẫn": every column with its meaning, whether it is
required, its format and the natural key, plus example rows), one empty data sheet per record kind
with drop-downs for code lists, and a hidden "Danh mục" sheet holding those lists. An export is the
same data sheets filled with the records the user may see (``export.py``), so an edited export
imports back.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from django.utils import timezone, translation
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from khuyencong.exchange.reader import column_letter
from khuyencong.exchange.spec import Column, Kind, Register, SheetSpec
from khuyencong.geo.models import AdministrativeUnit, UnitLevel, valid_on

INSTRUCTIONS = "Hướng dẫn"
LISTS = "Danh mục"
KIND_FORMAT = {
    Kind.TEXT: "Chữ",
    Kind.INTEGER: "Số nguyên, ví dụ 1.234",
    Kind.MONEY: "Số tiền (đồng) bằng chữ số, ví dụ 24.700.000.000",
    Kind.DECIMAL: "Số, dấu phẩy thập phân, ví dụ 4,5",
    Kind.DATE: "Ngày dd/mm/yyyy",
    Kind.BOOLEAN: "Có/Không",
    Kind.CHOICE: "Chọn trong danh sách",
    Kind.UNIT: "Mã hoặc tên đơn vị hành chính",
}
GENERAL_RULES = (
    "Không đổi tên trang, không đổi tên hoặc xoá cột, không gộp ô, không để dòng trống giữa dữ liệu.",
    "Ghi giá trị, không dùng công thức (nếu có công thức hãy dán lại bằng Paste Values).",
    "Ngày ghi dd/mm/yyyy (ví dụ 31/12/2020); số tiền ghi đầy đủ bằng chữ số (24.700.000.000), không ghi “24,7 tỷ”.",
    "Nhập lại cùng một tệp không tạo bản ghi trùng: dòng có khoá đã có sẽ được cập nhật, "
    "dòng không đổi được giữ nguyên.",
    "Hệ thống kiểm tra toàn bộ tệp trước; nếu có lỗi, không dòng nào được ghi "
    "và mọi lỗi được liệt kê theo trang, dòng, cột.",
)


class Formats:
    def __init__(self, book: Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "top"})
        self.required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True,
                                         "valign": "top"})
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.text = book.add_format({"num_format": "@"})
        self.money = book.add_format({"num_format": "#,##0"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _unit_choices() -> list[str]:
    units = AdministrativeUnit.objects.filter(valid_on(timezone.localdate()), level=UnitLevel.COMMUNE)
    return [f"{u.code} - {u.name}" for u in units.order_by("code")]


def _choice_labels(column: Column) -> list[str]:
    with translation.override("vi"):
        return [str(label) for _code, label in column.choice_list()]


def _write_lists(book: Workbook, register: Register) -> dict[tuple[str, str], str]:
    """Hidden sheet of code lists; returns {(sheet name, column field): range formula} for data validation.

    Keyed by sheet and column, not by field name alone: two sheets may name different lists alike
    (``status`` of a participation and of a round), and Excel would refuse valid values. Columns whose lists
    are equal share one range.
    """
    sheet = book.add_worksheet(LISTS)
    ranges: dict[tuple[str, str], str] = {}
    written: dict[tuple[str, ...], str] = {}
    units: tuple[str, ...] | None = None
    for spec in register.sheets:
        for column in spec.columns:
            if column.kind not in (Kind.CHOICE, Kind.UNIT):
                continue
            if column.kind is Kind.CHOICE:
                values = tuple(_choice_labels(column))
            else:
                units = units if units is not None else tuple(_unit_choices())
                values = units
            if not values:
                continue
            if values not in written:
                index = len(written)
                sheet.write_string(0, index, column.header)
                for r, value in enumerate(values, start=1):
                    sheet.write_string(r, index, value)
                letter = column_letter(index)
                written[values] = f"='{LISTS}'!${letter}$2:${letter}${len(values) + 1}"
            ranges[(spec.name, column.field)] = written[values]
    sheet.hide()
    return ranges


def data_sheet(book: Workbook, spec: SheetSpec, formats: Formats,
               ranges: dict[tuple[str, str], str] | None) -> Worksheet:
    sheet = book.add_worksheet(spec.name[:31])
    for c, column in enumerate(spec.columns):
        sheet.write_string(0, c, column.header, formats.required if column.required else formats.header)
        cell_format = {Kind.DATE: formats.date, Kind.TEXT: formats.text, Kind.MONEY: formats.money}.get(column.kind)
        sheet.set_column(c, c, max(12, min(40, len(column.header) + 4)), cell_format)
        if column.help:
            sheet.write_comment(0, c, column.help, {"x_scale": 2})
        source = ranges.get((spec.name, column.field)) if ranges else None
        if source:
            # Units may also be written by name, so the unit list only suggests (information, not stop).
            strict = column.kind is Kind.CHOICE
            sheet.data_validation(1, c, 1_048_575, c, {
                "validate": "list", "source": source,
                "error_type": "stop" if strict else "information",
                "error_title": column.header,
                "error_message": ("Hãy chọn một giá trị trong danh sách." if strict
                                  else "Giá trị không có trong danh mục."),
            })
    sheet.freeze_panes(1, 0)
    return sheet


def _instructions(book: Workbook, register: Register, formats: Formats) -> None:
    sheet = book.add_worksheet(INSTRUCTIONS)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 70, formats.wrap)
    sheet.set_column(2, 4, 22, formats.wrap)
    sheet.write_string(0, 0, f"Mẫu nhập dữ liệu: {register.title}", formats.title)
    row = 2
    for rule in GENERAL_RULES:
        sheet.write_string(row, 0, "•")
        sheet.write_string(row, 1, rule)
        row += 1
    for spec in register.sheets:
        row += 1
        keys = ", ".join(spec.column(k).header for k in spec.key)
        sheet.write_string(row, 0, f"Trang “{spec.name}”: mỗi dòng là {spec.title}. Khoá nhận diện: {keys}.",
                           formats.bold)
        row += 1
        for c, label in enumerate(("Cột", "Ý nghĩa", "Bắt buộc", "Định dạng", "Ví dụ")):
            sheet.write_string(row, c, label, formats.header)
        for column in spec.columns:
            row += 1
            sheet.write_string(row, 0, column.header)
            sheet.write_string(row, 1, column.help)
            sheet.write_string(row, 2, "Có" if column.required else "")
            sheet.write_string(row, 3, KIND_FORMAT[column.kind])
            if column.example is not None:
                sheet.write_string(row, 4, _example_text(column.example))
        row += 1
    sheet.activate()


def _example_text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def build_template(register: Register) -> bytes:
    """A blank workbook for ``register``: instructions, empty data sheets with drop-downs, code lists."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = Formats(book)
    _instructions(book, register, formats)
    ranges = _write_lists(book, register)
    for spec in register.sheets:
        data_sheet(book, spec, formats, ranges)
    book.close()
    return buffer.getvalue()
