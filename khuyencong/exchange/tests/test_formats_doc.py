"""docs/import-formats.md documents every register column by column and is current."""

from __future__ import annotations

from pathlib import Path

from khuyencong.exchange import registry
from khuyencong.exchange.formats_doc import render

DOC = Path(__file__).resolve().parents[3] / "docs" / "import-formats.md"


def test_the_document_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "run: khuyencong import_formats > docs/import-formats.md"


def test_every_column_of_every_register_is_documented():
    text = render()
    for register in registry.all_registers():
        for sheet in register.sheets:
            assert f"Sheet “{sheet.name}”" in text
            for column in sheet.columns:
                assert f"| {column.header} |" in text
