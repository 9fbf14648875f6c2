"""The council's minutes (biên bản họp hội đồng) and the result list, as DOCX and PDF.

Laid out like the period report (Decree 30/2020/NĐ-CP, Appendix I) with its own building blocks
(``reports.docx_layout.DocxReport``, ``reports.exports.Letterhead``, the report stylesheet): issuing body
and national motto side by side, number, place and date, title, numbered sections, the result table per
product group, and the signature block (minutes: secretary and chair; result list: the chair).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from khuyencong.products.models import CouncilMember, MemberRole, Result, SelectionRound
from khuyencong.products.results import points, ranking
from khuyencong.reports.exports import Letterhead
from khuyencong.reports.tables import Table, is_numeric

HEADERS = ["STT", "Sản phẩm – cơ sở", "Điểm", "Hạng trong nhóm", "Kết quả"]
SCORE = re.compile(r"^\d+,\d\d$")  # "84,33": set right-aligned like the report's numbers


@dataclass(frozen=True)
class RoundDocument:
    head: Letterhead
    kind: str  # "BIÊN BẢN" / "DANH SÁCH"
    subject: str
    paragraphs: list[str]
    tables: list[Table]
    signatures: list[tuple[str, str]]  # (title, name), left to right
    recipients: bool  # the result list is sent on; the minutes are kept


def _verdict(result: Result) -> str:
    if result.approved:
        return "Hội đồng thông qua"
    if result.proposed:
        return "Đề nghị công nhận"
    if result.tie_at_quota:
        return "Đồng điểm tại chỉ tiêu"
    if result.passed_mark:
        return "Đạt điểm, ngoài chỉ tiêu"
    return "Không đạt"


def result_tables(results: list[Result]) -> list[Table]:
    tables, number = [], 0
    for index, group in enumerate(ranking(results), start=1):
        rows: list[list[str | int | None]] = []
        for result in group.rows:
            number += 1
            product = result.nomination.product
            code = f" (mã số {result.nomination.selection_code})" if result.nomination.selection_code else ""
            rows.append([number, f"{product.name}{code} – {product.establishment.name}",
                         points(result.combined_score), result.rank_in_group, _verdict(result)])
        tables.append(Table(sheet=f"Nhom {index}", title=f"{index}. {group.label}",
                            headers=HEADERS, rows=rows))
    return tables


def _seat(members: list[CouncilMember], role: str) -> str:
    return next((str(m.user) for m in members if m.role == role), "")


def _head(selection_round: SelectionRound, symbol: str) -> Letterhead:
    base = Letterhead.from_settings()
    # The council acts for the authority that organised the round (the province's, a commune's people's committee).
    return replace(base, parent_body=f"UBND {selection_round.organiser.name}",
                   issuing_body="Hội đồng bình chọn sản phẩm CNNT tiêu biểu", number=f"      /{symbol}",
                   signer_title="Chủ tịch Hội đồng", signer_name="", signer_authority="",
                   recipients=("Sở Công Thương", "Các cơ sở có sản phẩm tham gia"))


def minutes(selection_round: SelectionRound, results: list[Result], members: list[CouncilMember],
            pass_mark: Any) -> RoundDocument:
    level = selection_round.level.label.lower()
    jurors = [m for m in members if m.role == MemberRole.JUROR]
    passed = sum(1 for r in results if r.passed_mark)
    proposed = sum(1 for r in results if r.approved or r.proposed)
    present = "; ".join(f"{m.user!s} ({m.get_role_display().lower()})"
                        for m in members)
    paragraphs = [
        f"1. Thành phần: {present}.",
        f"2. Nội dung: Hội đồng xem xét {len(results)} hồ sơ tham gia bình chọn sản phẩm công nghiệp nông thôn "
        f"tiêu biểu {level} năm {selection_round.year}; {len(jurors)} giám khảo chấm điểm độc lập theo phiếu chấm "
        f"của bộ quy tắc “{selection_round.rule_set.name}”.",
        f"3. Kết quả: điểm đạt theo quy định là {points(pass_mark)} điểm; {passed} sản phẩm đạt điểm, "
        f"{proposed} sản phẩm được đề nghị công nhận. Thứ hạng xếp trong từng nhóm sản phẩm theo điểm tổng hợp, "
        f"sản phẩm đồng điểm cùng thứ hạng (chi tiết tại bảng dưới đây).",
        "4. Kết luận: Hội đồng thống nhất kết quả bình chọn nêu trên; biên bản được lập thành 02 bản, "
        "thông qua vào hồi … giờ cùng ngày.",
    ]
    return RoundDocument(_head(selection_round, "BB-HĐBC"), "BIÊN BẢN",
                         f"Họp Hội đồng bình chọn sản phẩm công nghiệp nông thôn tiêu biểu {level} "
                         f"năm {selection_round.year}", paragraphs, result_tables(results),
                         [("THƯ KÝ", _seat(members, MemberRole.SECRETARY)),
                          ("CHỦ TỊCH HỘI ĐỒNG", _seat(members, MemberRole.CHAIR))], recipients=False)


def result_list(selection_round: SelectionRound, results: list[Result], members: list[CouncilMember],
                pass_mark: Any) -> RoundDocument:
    level = selection_round.level.label.lower()
    paragraphs = [f"Kèm theo Biên bản họp {selection_round.council.name}; điểm đạt "
                  f"{points(pass_mark)} điểm (Thông tư 26/2014/TT-BCT, Điều 17)."]
    return RoundDocument(_head(selection_round, "DS-HĐBC"), "DANH SÁCH",
                         f"Kết quả bình chọn sản phẩm công nghiệp nông thôn tiêu biểu {level} "
                         f"năm {selection_round.year}", paragraphs, result_tables(results),
                         [("CHỦ TỊCH HỘI ĐỒNG", _seat(members, MemberRole.CHAIR))], recipients=True)


def render_docx(document: RoundDocument) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from khuyencong.reports.docx_layout import DocxReport

    report = DocxReport()
    report.letterhead(document.head)
    report.title(document.kind, document.subject)
    for text in document.paragraphs:
        report.paragraph(text)
    for table in document.tables:
        report.table(table, [table], chart_png=None, caption="")
    if document.recipients:
        report.closing(replace(document.head, signer_name=document.signatures[-1][1]))
    else:
        width = report._text_width
        cells = report._plain_table([width // len(document.signatures)] * len(document.signatures)).rows[0].cells
        for cell, (title, name) in zip(cells, document.signatures, strict=True):
            report._centred(cell, [(title, 14, True, False), ("", 14, False, False), ("", 14, False, False),
                                   ("", 14, False, False), (name, 14, True, False)])
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cells[0].paragraphs[0].paragraph_format.space_before = Pt(12)
    return report.save()


def render_html(document: RoundDocument) -> str:
    tables = [{"title": t.title, "headers": t.headers,
               "rows": [[(str(v), is_numeric(v) or bool(SCORE.match(str(v)))) for v in row] for row in t.rows]}
              for t in document.tables]
    return render_to_string("products/results/document.html", {"d": document, "tables": tables})


def render_pdf(document: RoundDocument) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    import khuyencong.reports

    fonts = FontConfiguration()
    stylesheet = Path(khuyencong.reports.__file__).parent / "static" / "reports" / "report.css"
    own = Path(__file__).parent / "static" / "products" / "minutes.css"
    sheets = [CSS(filename=str(path), font_config=fonts) for path in (stylesheet, own)]
    return HTML(string=render_html(document)).write_pdf(stylesheets=sheets, font_config=fonts)
