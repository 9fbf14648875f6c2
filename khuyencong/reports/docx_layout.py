"""The period report as a Word document laid out per Decree 30/2020/NĐ-CP, Appendix I (python-docx).

* One font: Times New Roman for every script slot (ASCII, high ANSI, East Asian, complex) in the
  document defaults and the Normal style, so Word never substitutes another family for Vietnamese.
* A4 portrait, margins top 20, bottom 20, left 30, right 15 mm; page numbers from the second page,
  centred at the top, as a real PAGE field (header with "different first page").
* Wide tables in landscape sections; every table exactly as wide as its section's text, header rows
  repeated on each page (``w:tblHeader``), rows never split (``w:cantSplit``), numbers right-aligned.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from khuyencong.reports.numbers import integer
from khuyencong.reports.tables import is_numeric

if TYPE_CHECKING:
    from khuyencong.reports.exports import Letterhead
    from khuyencong.reports.tables import Table

FONT = "Times New Roman"
PORTRAIT = {"width": Mm(210), "height": Mm(297), "top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
LANDSCAPE = {"width": Mm(297), "height": Mm(210), "top": Mm(30), "bottom": Mm(15), "left": Mm(20), "right": Mm(20)}


def _fonts(element: Any) -> None:
    """Times New Roman in every script slot of an ``rPr`` (theme fonts removed, they would override)."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _cell_text(value: object) -> str:
    return integer(value) if isinstance(value, int) else ("—" if value is None else str(value))


class DocxReport:
    def __init__(self) -> None:
        self.doc = Document()
        self._one_font()
        section = self.doc.sections[0]
        self._layout(section, PORTRAIT)
        section.different_first_page_header_footer = True
        self._page_number(section.header.paragraphs[0])

    # -- set-up --------------------------------------------------------------------------------------
    def _one_font(self) -> None:
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _fonts(r_pr)
        # Every font reference of every style, table-style conditions included (they name theme fonts).
        for fonts in list(styles.iter(qn("w:rFonts"))):
            _fonts(fonts.getparent())
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(14)
        _fonts(normal.element.get_or_add_rPr())
        normal.paragraph_format.space_after = Pt(6)

    @staticmethod
    def _layout(section: Any, page: dict[str, Any]) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if page["width"] > page["height"] else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = page["width"], page["height"]
        section.top_margin, section.bottom_margin = page["top"], page["bottom"]
        section.left_margin, section.right_margin = page["left"], page["right"]
        section.header_distance = Mm(10)

    @staticmethod
    def _page_number(paragraph: Any) -> None:
        """A PAGE field (Word computes the number), centred, 13 pt."""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        r_pr = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "26")
        r_pr.append(size)
        run.append(r_pr)
        text = OxmlElement("w:t")
        text.text = "2"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)

    def _orient(self, page: dict[str, Any]) -> None:
        """Start a new section only where the orientation changes (wide tables share landscape pages)."""
        if self.doc.sections[-1].page_width != page["width"]:
            self._new_section(page)

    def _new_section(self, page: dict[str, Any]) -> Any:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._layout(section, page)
        section.different_first_page_header_footer = False  # numbered from its first page (header linked)
        return section

    @property
    def _text_width(self) -> int:
        section = self.doc.sections[-1]
        return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)

    # -- blocks --------------------------------------------------------------------------------------
    def _run(self, paragraph: Any, text: str, *, size: float = 14, bold: bool = False, italic: bool = False) -> Any:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
        return run

    def _centred(self, cell: Any, lines: list[tuple[str, float, bool, bool]]) -> None:
        first = True
        for text, size, bold, italic in lines:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            self._run(paragraph, text, size=size, bold=bold, italic=italic)

    def _plain_table(self, widths: list[int]) -> Any:
        table = self.doc.add_table(rows=1, cols=len(widths))
        table.autofit = False
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            cell.width = Emu(width)
        return table

    def letterhead(self, head: Letterhead) -> None:
        width = self._text_width
        left, right = self._plain_table([width * 38 // 100, width - width * 38 // 100]).rows[0].cells
        self._centred(left, [(head.parent_body.upper(), 13, False, False), (head.issuing_body.upper(), 13, True, False),
                             ("───────", 10, False, False), (f"Số: {head.number}", 13, False, False)])
        self._centred(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, True, False),
                              ("Độc lập - Tự do - Hạnh phúc", 13.5, True, False),
                              ("───────────────", 10, False, False), (head.dated(), 14, False, True)])

    def title(self, kind: str, subject: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(18)
        self._run(paragraph, kind, bold=True)
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(paragraph, subject, bold=True)

    def paragraph(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10)
        self._run(paragraph, text)

    def table(self, table: Table, parts: list[Table], *, chart_png: bytes | None, caption: str) -> None:
        self._orient(LANDSCAPE if table.wide else PORTRAIT)
        size = 11 if table.wide else 12
        for part in parts:
            heading = self.doc.add_paragraph()
            heading.paragraph_format.keep_with_next = True
            heading.paragraph_format.space_before = Pt(10)
            self._run(heading, part.title, size=13, bold=True)
            self._grid(part, size)
        if table.note:
            note = self.doc.add_paragraph()
            note.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            self._run(note, f"Ghi chú: {table.note}", size=12, italic=True)
        if chart_png:
            picture = self.doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.keep_with_next = True
            picture.add_run().add_picture(io.BytesIO(chart_png), width=Emu(self._text_width))
            label = self.doc.add_paragraph()
            label.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(label, f"Biểu đồ. {caption}", size=12, italic=True)

    def _widths(self, headers: list[str]) -> list[int]:
        """Columns across the full text width: the label column wide, "STT" narrow, the others equal."""
        label = 1 if headers[0] == "STT" else 0
        weights = [0.5 if h == "STT" else (2.6 if i == label else 1.0) for i, h in enumerate(headers)]
        total, width = sum(weights), self._text_width
        widths = [int(width * w / total) for w in weights]
        widths[label] += width - sum(widths)
        return widths

    def _grid(self, part: Table, size: float) -> None:
        widths = self._widths(part.headers)
        grid = self.doc.add_table(rows=1, cols=len(part.headers))
        grid.style, grid.alignment, grid.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
        self._fill_row(grid.rows[0], list(part.headers), widths, size, header=True)
        for row in part.rows:
            self._fill_row(grid.add_row(), row, widths, size, header=False)
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = Emu(width)

    def _fill_row(self, row: Any, values: list[Any], widths: list[int], size: float, *, header: bool) -> None:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell, value, width in zip(row.cells, values, widths, strict=True):
            cell.width = Emu(width)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif is_numeric(value):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self._run(paragraph, value if header else _cell_text(value), size=size, bold=header)

    def closing(self, head: Letterhead) -> None:
        self._orient(PORTRAIT)
        width = self._text_width
        recipients, signature = self._plain_table([width * 45 // 100, width - width * 45 // 100]).rows[0].cells
        label = recipients.paragraphs[0]
        label.paragraph_format.space_after = Pt(0)
        self._run(label, "Nơi nhận:", size=12, bold=True, italic=True)
        for line in [*(f"- {r};" for r in head.recipients), "- Lưu: VT."]:
            paragraph = recipients.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            self._run(paragraph, line, size=11)
        lines: list[tuple[str, float, bool, bool]] = (
            [(head.signer_authority.upper(), 14, True, False)] if head.signer_authority else [])
        lines += [(head.signer_title.upper(), 14, True, False), ("", 14, False, False), ("", 14, False, False),
                  ("", 14, False, False), (head.signer_name, 14, True, False)]
        self._centred(signature, lines)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
