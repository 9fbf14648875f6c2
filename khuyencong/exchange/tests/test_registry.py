"""Every register the apps' ``sheets`` modules registered: all known, each with its template."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from khuyencong.exchange import registry
from khuyencong.exchange.layout import INSTRUCTIONS, LISTS, build_template


@pytest.mark.parametrize("code", [r.code for r in registry.all_registers()])
def test_every_register_has_a_template_with_instructions_and_its_sheets(db, code):
    register = registry.get(code)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(build_template(register)))
    assert workbook.sheet_names == [INSTRUCTIONS, LISTS, *(s.name for s in register.sheets)]
    for spec in register.sheets:
        assert workbook.get_sheet_by_name(spec.name).to_python() == [[c.header for c in spec.columns]]
    instructions = str(workbook.get_sheet_by_name(INSTRUCTIONS).to_python())
    assert all(f"Trang “{s.name}”" in instructions for s in register.sheets)


def test_all_registers_are_known():
    assert [r.code for r in registry.all_registers()] == list(registry.ORDER)


def _validations(template: bytes) -> dict[str, dict[int, str]]:
    """{sheet name: {column index: list formula}} read from the workbook's XML (calamine does not read them)."""
    # The XML parsed here is the template this test just built, not an uploaded file.
    import re
    import zipfile
    from xml.etree import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        found: dict[str, dict[int, str]] = {}
        for sheet in book.find("m:sheets", ns) or []:
            target = targets[sheet.get(f"{{{ns['r']}}}id")]
            xml = ElementTree.fromstring(archive.read(f"xl/{target}"))  # noqa: S314
            columns: dict[int, str] = {}
            for validation in xml.iter(f"{{{ns['m']}}}dataValidation"):
                letters = re.match(r"[A-Z]+", validation.get("sqref") or "").group(0)  # type: ignore[union-attr]
                index = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters))) - 1
                columns[index] = validation.findtext("m:formula1", namespaces=ns) or ""
            found[sheet.get("name") or ""] = columns
    return found


def _list_values(workbook: CalamineWorkbook, formula: str) -> list[str]:
    import re

    letter, first, last = re.search(r"\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", formula).groups()  # type: ignore[union-attr]
    index = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letter))) - 1
    rows = workbook.get_sheet_by_name(LISTS).to_python()
    return [str(row[index]) for row in rows[int(first) - 1:int(last)]]


@pytest.mark.parametrize("code", [r.code for r in registry.all_registers()])
def test_every_drop_down_offers_exactly_its_own_columns_choices(db, code):
    """Two sheets naming different lists alike (a participation's and a round's ``status``) get each their own."""
    from khuyencong.exchange.layout import _choice_labels
    from khuyencong.exchange.spec import Kind

    register = registry.get(code)
    template = build_template(register)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(template))
    validations = _validations(template)
    checked = 0
    for spec in register.sheets:
        for index, column in enumerate(spec.columns):
            if column.kind is not Kind.CHOICE:
                continue
            formula = validations[spec.name][index]
            assert _list_values(workbook, formula) == _choice_labels(column), f"{spec.name} / {column.header}"
            checked += 1
    assert checked or not any(c.kind is Kind.CHOICE for s in register.sheets for c in s.columns)


def test_employment_status_and_round_result_offer_their_own_lists(db):
    """The two columns the collision showed up on, named by their headers."""
    from khuyencong.exchange.layout import _choice_labels

    for header in ("Tình trạng việc làm", "Kết quả"):
        columns = [(register, spec, column) for register in registry.all_registers() for spec in register.sheets
                   for column in spec.columns if column.header == header]
        assert columns, header
        for register, spec, column in columns:
            template = build_template(register)
            formula = _validations(template)[spec.name][spec.columns.index(column)]
            values = _list_values(CalamineWorkbook.from_filelike(io.BytesIO(template)), formula)
            assert values == _choice_labels(column), f"{register.code} / {spec.name} / {header}"
