"""Report files: DOCX laid out as a Vietnamese administrative document, XLSX, PDF.

The DOCX follows Decree 30/2020/NĐ-CP (Appendix I): issuing body and national motto side by side,
number and symbol, place and date, title, body, recipients ("Nơi nhận") and signature block; Times
New Roman 13–14 pt on A4 with 20–30 mm margins.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from khuyencong.indicators.engine import Figures
from khuyencong.indicators.targets import PlanVsActual, plan_vs_actual
from khuyencong.reports.narrative import paragraphs
from khuyencong.reports.numbers import integer
from khuyencong.reports.tables import Table, all_tables


@dataclass(frozen=True)
class Letterhead:
    parent_body: str
    issuing_body: str
    number: str
    place: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]

    @classmethod
    def from_settings(cls) -> Letterhead:
        return cls(settings.REPORT_PARENT_BODY, settings.REPORT_ISSUING_BODY, settings.REPORT_NUMBER,
                   settings.REPORT_PLACE, settings.REPORT_SIGNER_TITLE, settings.REPORT_SIGNER_NAME,
                   tuple(settings.REPORT_RECIPIENTS))

    def dated(self) -> str:
        today = timezone.localdate()
        return f"{self.place}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"


def title(figures: Figures) -> str:
    return (f"Tổng kết hoạt động khuyến công giai đoạn {figures.period.date_from.year}–"
            f"{figures.period.date_to.year}" if figures.period.date_from.year != figures.period.date_to.year
            else f"Tổng kết hoạt động khuyến công năm {figures.period.date_from.year}")


def _cell(value: object) -> str:
    return integer(value) if isinstance(value, int) else ("—" if value is None else str(value))


def render_xlsx(figures: Figures, tables: list[Table]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#EEF2F7"})
    number = book.add_format({"num_format": "#,##0", "border": 1})
    text = book.add_format({"text_wrap": True, "border": 1})
    for table in tables:
        sheet = book.add_worksheet(table.sheet[:31])
        sheet.write(0, 0, table.title, book.add_format({"bold": True, "font_size": 13}))
        for col, header in enumerate(table.headers):
            sheet.write(2, col, header, bold)
        for r, row in enumerate(table.rows, start=3):
            for col, value in enumerate(row):
                if isinstance(value, int):
                    sheet.write_number(r, col, value, number)  # numbers stay numbers for officials' formulas
                elif value is None:
                    sheet.write_blank(r, col, None, text)
                else:
                    sheet.write_string(r, col, str(value), text)
        if table.note:
            sheet.write(len(table.rows) + 4, 0, table.note)
        sheet.set_column(0, 0, 10 if table.headers[0] == "STT" else 48)
        sheet.set_column(1, len(table.headers), 22)
    book.close()
    return buffer.getvalue()


def render_docx(figures: Figures, tables: list[Table], head: Letterhead, plan: PlanVsActual | None = None) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)

    header = doc.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = f"{head.parent_body.upper()}\n{head.issuing_body.upper()}\n\nSố: {head.number}"
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n" + head.dated()
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.font.size = Pt(13)
                run.bold = "Số:" not in run.text and "ngày" not in run.text

    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run("BÁO CÁO\n").bold = True
    heading.add_run(title(figures)).bold = True
    for text in paragraphs(figures, plan):
        doc.add_paragraph(text).paragraph_format.first_line_indent = Mm(10)
    for table in tables:
        doc.add_paragraph().add_run(table.title).bold = True
        grid = doc.add_table(rows=1, cols=len(table.headers))
        grid.style, grid.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
        for cell, header_text in zip(grid.rows[0].cells, table.headers, strict=True):
            cell.text = header_text
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = _cell(value)
        if table.note:
            doc.add_paragraph(table.note).runs[0].italic = True

    footer = doc.add_table(rows=1, cols=2)
    recipients, signature = footer.rows[0].cells
    recipients.text = "Nơi nhận:\n" + "\n".join(f"- {r};" for r in head.recipients) + "\n- Lưu: VT."
    signature.text = f"{head.signer_title.upper()}\n\n\n\n{head.signer_name}"
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_html(figures: Figures, tables: list[Table], head: Letterhead, *, for_print: bool,
                plan: PlanVsActual | None = None) -> str:
    from khuyencong.reports.charts import data_uri, year_chart_svg

    shown = [{"title": t.title, "headers": t.headers, "note": t.note,
              "chart": data_uri(year_chart_svg(t)) if t.chart else "",
              "rows": [[(_cell(v), isinstance(v, int)) for v in row] for row in t.rows]} for t in tables]
    return render_to_string("reports/report_document.html", {
        "figures": figures, "tables": shown, "head": head, "title": title(figures),
        "paragraphs": paragraphs(figures, plan), "for_print": for_print,
    })


def render_pdf(figures: Figures, tables: list[Table], head: Letterhead, plan: PlanVsActual | None = None) -> bytes:
    from pathlib import Path

    from weasyprint import CSS, HTML

    css = Path(__file__).parent / "static" / "reports" / "report.css"
    return HTML(string=render_html(figures, tables, head, for_print=True, plan=plan)).write_pdf(
        stylesheets=[CSS(filename=str(css))])


def render(figures: Figures, fmt: str, plan: PlanVsActual | None = None) -> bytes:
    plan = plan if plan is not None else plan_vs_actual(figures.period, figures.area)
    tables, head = all_tables(figures, plan), Letterhead.from_settings()
    if fmt == "xlsx":
        return render_xlsx(figures, tables)
    if fmt == "docx":
        return render_docx(figures, tables, head, plan)
    if fmt == "pdf":
        return render_pdf(figures, tables, head, plan)
    raise ValueError(fmt)
