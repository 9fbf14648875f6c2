"""The demo period report read as a director reads it: Decree 30 typography, pages, wording, no internal codes.

Each output is rendered once for the module from the demo dataset (loaded once for the package). The PDF checks
use poppler's ``pdffonts`` and ``pdftotext`` (installed by ``.ci/run``), as a reader's tools would see the file.
"""

# ruff: noqa: S314, S603  (poppler and XML on files this test has just written)

from __future__ import annotations

import io
import re
import shutil
import subprocess  # nosec B404 - poppler tools on a file this test wrote
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from khuyencong.indicators.catalogue import BY_CODE

# Database tests (ordered with the other demo tests, so the package's demo dataset is loaded once).
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils is not installed")]

ARGS = ("--from", "2014-01-01", "--to", "2020-12-31", "--area", "77", "--boundary-date", "2020-12-31")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
YEAR_WITH_SEPARATOR = re.compile(r"\b(?:19|20)\d\.\d{3}\b(?!\.\d)")  # "2.014" but not "2.014.000"


@pytest.fixture(scope="module")
def files(demo, django_db_blocker, tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("report")
    out = {}
    with django_db_blocker.unblock():
        for fmt in ("pdf", "docx", "xlsx"):
            out[fmt] = folder / f"report.{fmt}"
            call_command("report", *ARGS, "--format", fmt, "--output", str(out[fmt]), stdout=io.StringIO())
    return out


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # nosec B603


def _pdf_text(pdf: Path) -> str:
    return " ".join(_run("pdftotext", str(pdf), "-").split())


def _docx_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    return " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def _xlsx_text(xlsx: Path) -> str:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(xlsx))
    return " ".join(str(cell) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
                    for cell in row)


def test_the_pdf_embeds_exactly_one_type_family(files) -> None:
    lines = _run("pdffonts", str(files["pdf"])).splitlines()[2:]
    fonts = {line.split()[0].split("+")[-1] for line in lines}
    assert fonts and {name.split("-")[0] for name in fonts} == {"Tinos"}, fonts
    assert all(line.split()[-5] == "yes" for line in lines), "every font embedded"


def test_no_word_of_the_pdf_lies_outside_its_page(files) -> None:
    root = ElementTree.fromstring(_run("pdftotext", "-bbox", str(files["pdf"]), "-").replace("&nbsp;", " "))
    pages = [p for p in root.iter() if p.tag.endswith("page")]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        for word in (w for w in page if w.tag.endswith("word")):
            box = [float(word.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")]
            assert 0 <= box[0] and box[2] <= width and 0 <= box[1] and box[3] <= height, (number, word.text, box)


def test_every_page_after_the_first_carries_its_number_at_the_top(files) -> None:
    root = ElementTree.fromstring(_run("pdftotext", "-bbox", str(files["pdf"]), "-"))
    pages = [p for p in root.iter() if p.tag.endswith("page")]
    for number, page in enumerate(pages, start=1):
        top = [w.text for w in page if w.tag.endswith("word") and float(w.get("yMax", 0)) < 30 * 72 / 25.4]
        assert (str(number) in top) == (number > 1), (number, top)


def test_letterhead_signature_and_recipients_per_decree_30(files) -> None:
    text = _pdf_text(files["pdf"])
    for block in ("UBND THÀNH PHỐ HỒ CHÍ MINH", "SỞ CÔNG THƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", "/BC-SCT", "BÁO CÁO", "Nơi nhận:", "- Lưu: VT.", "GIÁM ĐỐC"):
        assert block in text, block
    assert re.search(r"Thành phố Hồ Chí Minh, ngày \d{2} tháng \d{2} năm \d{4}", text)
    # The quốc hiệu, the tiêu ngữ and the place and date each hold one line.
    lines = _run("pdftotext", "-layout", "-f", "1", "-l", "1", str(files["pdf"]), "-").splitlines()
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in lines)
    assert any(re.search(r"ngày \d{2} tháng \d{2} năm \d{4}", line) for line in lines)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "page"])
def test_no_internal_code_nor_year_with_a_separator_in_any_output(files, client, fmt: str) -> None:
    if fmt == "page":
        from khuyencong.accounts.models import Role
        from khuyencong.testing.fixtures import make_user

        client.force_login(make_user("reader_77", Role.PROVINCE_OFFICER))
        response = client.get("/bao-cao/", {"date_from": "01/01/2014", "date_to": "31/12/2020", "area": "77",
                                            "boundary_date": "31/12/2020"})
        assert response.status_code == 200
        html = response.content.decode()
        text = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)).split())
        assert "285" in text
    else:
        text = {"pdf": _pdf_text, "docx": _docx_text, "xlsx": _xlsx_text}[fmt](files[fmt])
    assert not [code for code in BY_CODE if code in text]
    assert not YEAR_WITH_SEPARATOR.findall(text)
    for code in ("training.vocational.persons", "fairs.participations"):
        assert BY_CODE[code].label_vi in text


def test_the_narrative_reads_as_an_official_writes(files) -> None:
    text = _pdf_text(files["pdf"])
    assert "trên địa bàn tỉnh Bà Rịa - Vũng Tàu" in text  # lower-case "tỉnh" mid-sentence
    assert "Tỉnh Bà Rịa" not in text.split("Bảng 1.")[0]
    assert "đã hỗ trợ đào tạo nghề, nâng cao tay nghề cho 285 người" in text
    assert "Hỗ trợ 258 lượt cơ sở công nghiệp nông thôn (105 cơ sở) tham gia hội chợ" in text
    assert "vốn đối ứng của doanh nghiệp là 24,7 tỷ đồng" in text
    # Plans of the size the schemes suggest (each covers what it funds): 35,7 tỷ planned for 2014–2020, 30,7 accepted.
    assert "được duyệt các năm 2014–2020 là 35,7 tỷ đồng" in text and "đạt 85,9% kế hoạch" in text


def test_legal_bases_cite_point_clause_article_then_the_instrument(demo, db) -> None:
    from khuyencong.establishments.models import EligibilityRule

    bases = list(EligibilityRule.objects.values_list("legal_basis", flat=True))
    assert bases and not [b for b in bases if re.search(r"Điều \d+ khoản", b)]
    assert any(b.startswith("điểm a khoản 2 Điều 1 Nghị định số 45/2012/NĐ-CP") for b in bases)


def _sections_and_tables(body: ElementTree.Element) -> list[tuple[ElementTree.Element, list[ElementTree.Element]]]:
    """Each section's ``sectPr`` with the tables it holds (a paragraph's ``sectPr`` closes its section)."""
    out, tables = [], []
    for child in body:
        if child.tag == f"{W}tbl":
            tables.append(child)
        sect = child.find(f"{W}pPr/{W}sectPr") if child.tag == f"{W}p" else (child if child.tag == f"{W}sectPr"
                                                                               else None)
        if sect is not None:
            out.append((sect, tables))
            tables = []
    return out


def test_the_docx_uses_one_font_a_page_field_and_tables_that_fit(files) -> None:
    with zipfile.ZipFile(files["docx"]) as z:
        parts = {name: z.read(name) for name in z.namelist()
                 if name in ("word/document.xml", "word/styles.xml") or name.startswith("word/header")}
    fonts = set()
    for data in parts.values():
        for element in ElementTree.fromstring(data).iter(f"{W}rFonts"):
            fonts |= {value for key, value in element.attrib.items() if not key.endswith("hint")}
    assert fonts == {"Times New Roman"}, fonts
    headers = b"".join(data for name, data in parts.items() if name.startswith("word/header"))
    assert b'w:instr="PAGE"' in headers or b">PAGE<" in headers.replace(b" ", b"")
    body = ElementTree.fromstring(parts["word/document.xml"]).find(f"{W}body")
    assert body is not None
    sections = _sections_and_tables(body)
    assert any(tables for _sect, tables in sections)
    for sect, tables in sections:
        size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
        assert size is not None and margins is not None
        text_width = int(size.get(f"{W}w", 0)) - int(margins.get(f"{W}left", 0)) - int(margins.get(f"{W}right", 0))
        for table in tables:
            grid = sum(int(col.get(f"{W}w", 0)) for col in table.iter(f"{W}gridCol"))
            assert 0 < grid <= text_width + 5, (grid, text_width)  # twips; rounding of the column split
    # Data tables (those with a repeated header row) never split a row across pages.
    data_tables = [t for _s, tables in sections for t in tables if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None]
    assert len(data_tables) >= 5
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for table in data_tables for row in table.iter(f"{W}tr"))
