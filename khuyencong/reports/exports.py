"""Report files: DOCX and PDF laid out as a Vietnamese administrative document, and XLSX.

Both documents follow Decree 30/2020/NĐ-CP (Appendix I): issuing body and national motto side by
side, number and symbol, place and date, title, body, recipients ("Nơi nhận") and signature block;
one type family (Times New Roman in the DOCX, the metric-compatible Tinos embedded in the PDF),
13–14 pt on A4, page numbers from the second page centred at the top; wide tables on landscape
pages. Every ``render_*`` returns bytes (or the HTML string), so an issued report can be stored and
signed as it was generated.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from khuyencong.indicators.engine import Figures
from khuyencong.indicators.targets import PlanVsActual
from khuyencong.reports.charts import Chart, data_uri, render_png, render_svg
from khuyencong.reports.narrative import paragraphs
from khuyencong.reports.numbers import integer
from khuyencong.reports.tables import Table, all_tables, is_numeric, report_of


@dataclass(frozen=True)
class Letterhead:
    parent_body: str
    issuing_body: str
    number: str
    place: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    signer_authority: str = ""  # "KT. GIÁM ĐỐC" when a deputy signs

    @classmethod
    def from_settings(cls) -> Letterhead:
        return cls(settings.REPORT_PARENT_BODY, settings.REPORT_ISSUING_BODY, settings.REPORT_NUMBER,
                   settings.REPORT_PLACE, settings.REPORT_SIGNER_TITLE, settings.REPORT_SIGNER_NAME,
                   tuple(settings.REPORT_RECIPIENTS), getattr(settings, "REPORT_SIGNER_AUTHORITY", ""))

    def dated(self) -> str:
        today = timezone.localdate()
        return f"{self.place}, ngày {today.day:02d} tháng {today.month:02d} năm\u00a0{today.year}"


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


YEAR_GROUP = 7  # year columns per table part: more would not fit a landscape page at 11 pt


def _parts(table: Table) -> list[Table]:
    return table.year_groups(YEAR_GROUP) if table.chart else [table]


def _chart(table: Table) -> Chart | None:
    from khuyencong.reports.charts import year_chart

    return year_chart(table, table.units) if table.chart and table.rows else None


def _caption(table: Table) -> str:
    """ "Bảng 3. Một số chỉ tiêu theo năm" → "Một số chỉ tiêu theo năm" (the chart's caption)."""
    return table.title.split(". ", 1)[-1]


def render_docx(figures: Figures, tables: list[Table], head: Letterhead, plan: PlanVsActual | None = None) -> bytes:
    """The report as a Word document (bytes, so that it can be stored and signed as issued)."""
    from khuyencong.reports.docx_layout import DocxReport

    report = DocxReport()
    report.letterhead(head)
    report.title("BÁO CÁO", title(figures))
    for text in paragraphs(figures, plan):
        report.paragraph(text)
    for table in tables:
        chart = _chart(table)
        report.table(table, _parts(table), chart_png=render_png(chart) if chart else None,
                     caption=_caption(table))
    report.closing(head)
    return report.save()


def render_html(figures: Figures, tables: list[Table], head: Letterhead, *, for_print: bool,
                plan: PlanVsActual | None = None) -> str:
    shown = []
    for t in tables:
        chart = _chart(t)
        shown.append({
            "wide": t.wide, "note": t.note, "caption": _caption(t),
            "chart": data_uri(render_svg(chart)) if chart else "",
            "parts": [{"title": part.title, "headers": part.headers,
                       "rows": [[(_cell(v), is_numeric(v)) for v in row] for row in part.rows]}
                      for part in _parts(t)]})
    return render_to_string("reports/report_document.html", {
        "figures": figures, "tables": shown, "head": head, "title": title(figures),
        "paragraphs": paragraphs(figures, plan), "for_print": for_print,
    })


def render_pdf(figures: Figures, tables: list[Table], head: Letterhead, plan: PlanVsActual | None = None) -> bytes:
    from pathlib import Path

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # The stylesheet's @font-face (the shipped Tinos files) only applies through a FontConfiguration
    # shared by the stylesheet and the rendering; without it WeasyPrint falls back to system fonts.
    fonts = FontConfiguration()
    css = CSS(filename=str(Path(__file__).parent / "static" / "reports" / "report.css"), font_config=fonts)
    return HTML(string=render_html(figures, tables, head, for_print=True, plan=plan)).write_pdf(
        stylesheets=[css], font_config=fonts)


def render(figures: Figures, fmt: str, plan: PlanVsActual | None = None) -> bytes:
    report = report_of(figures, plan)
    tables, head, plan = all_tables(report), Letterhead.from_settings(), report.plan
    if fmt == "xlsx":
        return render_xlsx(figures, tables)
    if fmt == "docx":
        return render_docx(figures, tables, head, plan)
    if fmt == "pdf":
        return render_pdf(figures, tables, head, plan)
    raise ValueError(fmt)
