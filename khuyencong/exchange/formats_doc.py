"""``docs/import-formats.md`` rendered from the register specifications, so the document cannot drift.

``khuyencong import_formats > docs/import-formats.md`` rewrites it; a test fails when it is stale.
"""

from __future__ import annotations

from django.utils import translation

from khuyencong.exchange import registry
from khuyencong.exchange.layout import GENERAL_RULES, KIND_FORMAT
from khuyencong.exchange.spec import Column, Kind, SheetSpec

INTRO = """# Import formats

Generated from the register specifications (the `sheets` module of each domain app) by
`khuyencong import_formats > docs/import-formats.md`; a test fails when this file is stale.
Templates with these columns, an instructions sheet and drop-down lists are downloaded from
"Nhập/xuất dữ liệu" or with `khuyencong export_register CODE --template --output FILE`.

Every import is checked as a whole and saved in one transaction: if any row has a problem, nothing
is saved and every problem is listed by sheet, row, column and reason. Re-importing a file changes
nothing; a row whose natural key already exists updates that record.

Rules shown to users (Vietnamese, on the instructions sheet):
"""


def _format(column: Column) -> str:
    text = KIND_FORMAT[column.kind]
    if column.kind is Kind.CHOICE and callable(column.choices):
        text += " (code list kept in the database; the template's drop-down shows the current entries)"
    elif column.kind is Kind.CHOICE:
        with translation.override("vi"):
            labels = [str(label) for _code, label in column.choice_list()]
        if labels and len(labels) <= 12:
            text += ": " + "; ".join(labels)
    if column.max_length:
        text += f" (≤ {column.max_length} ký tự)"
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _sheet(spec: SheetSpec) -> list[str]:
    keys = ", ".join(f"“{spec.column(k).header}”" for k in spec.key)
    lines = [f"### Sheet “{spec.name}”", "", f"One row is {spec.title}. Natural key: {keys}.", "",
             "| Header | Meaning | Required | Format | Natural key |", "|---|---|---|---|---|"]
    for column in spec.columns:
        lines.append(f"| {_cell(column.header)} | {_cell(column.help)} | {'yes' if column.required else ''} | "
                     f"{_cell(_format(column))} | {'yes' if column.field in spec.key else ''} |")
    return [*lines, ""]


def render() -> str:
    lines = [INTRO.rstrip(), "", *(f"- {rule}" for rule in GENERAL_RULES), ""]
    for register in registry.all_registers():
        lines += [f"## {register.title} (`{register.code}`)", ""]
        for spec in register.sheets:
            lines += _sheet(spec)
    return "\n".join(lines).rstrip() + "\n"
