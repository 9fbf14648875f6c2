"""A fair's participant list as an XLSX workbook (XlsxWriter, constant-memory mode), or as CSV.

Numbers are written as numbers so officials can sum them; text that a spreadsheet could take for a
formula (starting with =, +, -, @, tab or carriage return) is prefixed with an apostrophe — the same
rule as every list export (``khuyencong.core.streaming.neutralise``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from khuyencong.core.streaming import ExportColumn, neutralise
from khuyencong.fairs.models import Fair, FairParticipation


def safe_text(value: Any) -> str:
    return neutralise("" if value is None else str(value))


def _headers() -> list[str]:
    return [
        _("STT"), _("Cơ sở CNNT"), _("Mã số thuế"), _("Xã/phường"), _("Hình thức"), _("Sàn TMĐT"),
        _("Số gian hàng"), _("Sản phẩm trưng bày"), _("Kinh phí hỗ trợ (VND)"),
        _("Số hợp đồng, biên bản ghi nhớ"), _("Doanh số (VND)"), _("Nhà phân phối mới"), _("Ghi chú"),
    ]


def participant_columns() -> list[ExportColumn]:
    """The workbook's columns (without the running number) for the CSV form of the same list."""
    values: list[Any] = [
        "establishment.name", "establishment.tax_code", "establishment.commune.name", "get_kind_display", "platform",
        "booths", lambda p: "; ".join(p.product_names), "support_vnd", "contracts_signed", "sales_vnd",
        "new_distributors", lambda p: p.notes + (_(" (đã rút)") if p.withdrawn else ""),
    ]
    return [ExportColumn(header, value) for header, value in zip(_headers()[1:], values, strict=True)]


def participants_xlsx(fair: Fair, participations: Iterable[FairParticipation]) -> bytes:
    """The workbook bytes: a title row, the header row, one row per participation."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True,
                                        "strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False})
    sheet = book.add_worksheet(_("Danh sách tham gia")[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    sheet.write_string(0, 0, safe_text(f"{fair.name} ({fair.start_date:%d/%m/%Y}–{fair.end_date:%d/%m/%Y})"), bold)
    for col, title in enumerate(_headers()):
        sheet.write_string(2, col, title, bold)
    sheet.set_column(1, 1, 40)
    sheet.set_column(7, 7, 40)
    row = 3
    for number, p in enumerate(participations, start=1):
        e = p.establishment
        texts = {1: e.name, 2: e.tax_code or "", 3: e.commune.name, 4: p.get_kind_display(), 5: p.platform,
                 7: "; ".join(p.product_names), 12: p.notes + (_(" (đã rút)") if p.withdrawn else "")}
        for col, text in texts.items():
            sheet.write_string(row, col, safe_text(text))
        sheet.write_number(row, 0, number)
        sheet.write_number(row, 6, p.booths)
        sheet.write_number(row, 8, p.support_vnd, money)
        outcomes = ((9, p.contracts_signed, None), (10, p.sales_vnd, money), (11, p.new_distributors, None))
        for col, value, fmt in outcomes:
            if value is None:
                sheet.write_blank(row, col, None)
            else:
                sheet.write_number(row, col, value, fmt)
        row += 1
    book.close()
    return buffer.getvalue()
