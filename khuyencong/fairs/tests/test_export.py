"""XLSX export: numbers as numbers, formula-like text neutralised, rows scoped to the viewer."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # parsing our own generated file
import zipfile

from django.test import Client
from django.urls import reverse

from khuyencong.fairs.export import safe_text
from khuyencong.fairs.tests.conftest import make_participation

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_cells(content: bytes) -> dict[str, tuple[str, str]]:
    """cell ref → (type, text) from the first sheet (XlsxWriter writes inline strings in constant-memory mode)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        root = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    cells = {}
    for c in root.iter(f"{{{NS['m']}}}c"):
        kind = c.get("t", "n")
        text = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")) if kind == "inlineStr" else (
            c.findtext("m:v", default="", namespaces=NS))
        cells[c.get("r", "")] = (kind, text)
    return cells


def export(user, fair):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.get(reverse("fairs:export", args=[fair.pk]))


def test_safe_text() -> None:
    assert [safe_text(v) for v in ("=1+1", "+84", "-x", "@SUM", "Hạt điều", None)] == [
        "'=1+1", "'+84", "'-x", "'@SUM", "Hạt điều", ""]


def test_export_numbers_and_neutralised_text(personas, part_a, est_b) -> None:
    make_participation(part_a.fair, est_b, notes="=HYPERLINK(\"http://x\")", products_shown=["@cmd", "Mây tre"],
                       support_vnd=10_000_000)
    response = export(personas["province_officer"], part_a.fair)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = read_cells(response.content)
    assert cells["B3"] == ("inlineStr", "Cơ sở CNNT")
    assert cells["I4"] == ("n", "12000000") and cells["K4"] == ("n", "50000000") and cells["J4"] == ("n", "2")
    rows = {cells[f"B{r}"][1]: r for r in (4, 5)}
    row_b = rows[est_b.name]
    assert cells[f"M{row_b}"][1].startswith("'=HYPERLINK")
    assert cells[f"H{row_b}"][1] == "'@cmd; Mây tre"
    assert all(kind != "str" for kind, _ in cells.values())  # no formula cells at all


def test_export_is_scoped(personas, part_a, part_b) -> None:
    cells = read_cells(export(personas["commune_officer_b"], part_a.fair).content)
    names = {text for ref, (_, text) in cells.items() if ref.startswith("B") and ref not in ("B3",)}
    assert part_b.establishment.name in names and part_a.establishment.name not in names
