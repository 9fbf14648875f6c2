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
