"""Importing the establishments workbook: every bad input is reported by sheet/row/column and nothing is saved."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from khuyencong.establishments.models import Establishment
from khuyencong.establishments.sheets import SHEET
from khuyencong.exchange import registry
from khuyencong.exchange.export import write_register
from khuyencong.exchange.layout import INSTRUCTIONS, LISTS, build_template
from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.exchange.pipeline import run_import
from khuyencong.exchange.testing import workbook_bytes
from khuyencong.testing.fixtures import VALID_TAX_CODES

HEADERS = [c.header for c in SHEET.columns]


def row(**overrides):
    values = {"tax_code": VALID_TAX_CODES[0], "name": "Cơ sở mộc Long Phước", "legal_form": "Hộ kinh doanh",
              "business_registration_no": "", "representative_name": "Trần Văn Bình",
              "representative_phone": "0912345678", "address": "Ấp Bắc", "commune": "26560", "vsic_code": "1629",
              "sector_group": "Thủ công mỹ nghệ", "employees": 12, "craft_village": "", "women_owned": "Không",
              "ethnic_minority_owned": "Không", "status": "", "registered_on": "15/03/2026", "notes": ""}
    values.update(overrides)
    return [values[c.field] for c in SHEET.columns]


def book(*rows, headers=HEADERS, sheet=SHEET.name, **extra):
    return workbook_bytes({sheet: [headers, *rows]}, **extra)


def imported(data, actor, **options):
    return run_import(data, filename="co-so.xlsx", actor=actor, **options)


def messages(result):
    return [(p.sheet, p.row, p.column, p.message) for p in result.problems]


@pytest.fixture
def officer(personas):
    return personas["province_officer"]


def test_a_clean_file_is_imported_and_recorded_with_its_fingerprint(officer):
    data = book(row(), row(tax_code="", name="Hộ đan lát Cù Bị", commune="Xã Cù Bị", registered_on="2018-06-01"))
    result = imported(data, officer)
    assert result.ok and result.committed and result.outcomes[SHEET.name].created == 2
    second = Establishment.objects.get(name="Hộ đan lát Cù Bị")
    assert second.commune.code == "26599" and second.registered_on == dt.date(2018, 6, 1)
    assert second.history.first().history_user == officer
    job = ImportJob.objects.get()
    assert job.fingerprint == result.fingerprint and job.status == ImportStatus.COMMITTED
    assert job.history.first().history_user == officer


def test_reimporting_the_same_file_changes_nothing(officer):
    data = book(row(), row(tax_code="", name="Hộ đan lát Cù Bị", commune="26599", registered_on="01/06/2018"))
    imported(data, officer)
    history_rows = Establishment.history.count()
    versions = list(Establishment.objects.order_by("pk").values_list("version", "updated_at"))
    again = imported(data, officer)
    assert again.ok and again.outcomes[SHEET.name].unchanged == 2 and again.outcomes[SHEET.name].created == 0
    assert Establishment.history.count() == history_rows
    assert list(Establishment.objects.order_by("pk").values_list("version", "updated_at")) == versions


def test_an_edited_file_updates_by_natural_key_instead_of_duplicating(officer):
    imported(book(row()), officer)
    result = imported(book(row(employees=30, name="Cơ sở mộc Long Phước (mở rộng)")), officer)
    assert result.outcomes[SHEET.name].updated == 1
    establishment = Establishment.objects.get(tax_code=VALID_TAX_CODES[0])
    assert establishment.employees == 30 and establishment.version == 2


def test_dry_run_saves_nothing(officer):
    result = imported(book(row()), officer, dry_run=True)
    assert result.ok and not result.committed and result.outcomes[SHEET.name].created == 1
    assert not Establishment.objects.filter(tax_code=VALID_TAX_CODES[0]).exists()


def assert_refused(result, *expected):
    """Each expected (row, column, words) appears among the problems, and nothing was written."""
    found = messages(result)
    for number, column, words in expected:
        assert any(r == number and c == column and words in m for _s, r, c, m in found), (expected, found)
    assert not result.committed
    assert not Establishment.objects.filter(tax_code__in=VALID_TAX_CODES[:3]).exists()
    assert not ImportJob.objects.exists()


def test_text_in_number_columns_impossible_dates_and_unknown_codes(officer):
    result = imported(book(row(), row(tax_code=VALID_TAX_CODES[1], employees="mười hai", registered_on="30/02/2026"),
                           row(tax_code=VALID_TAX_CODES[2], sector_group="Dệt may", legal_form="")), officer)
    assert_refused(result, (3, "Số lao động", "không phải là số"), (3, "Ngày đăng ký", "không tồn tại"),
                   (4, "Nhóm ngành", "không có trong danh mục"), (4, "Loại hình", "bắt buộc"))


def test_validation_of_the_services_applies_too(officer):
    result = imported(book(row(), row(tax_code="3500101108", name="Cơ sở sai MST")), officer)
    assert_refused(result, (3, "Mã số thuế", "chữ số kiểm tra"))


def test_duplicate_natural_keys_inside_one_file(officer):
    result = imported(book(row(), row(name="Tên khác")), officer)
    assert_refused(result, (3, "Mã số thuế", "Trùng khoá"))


def test_empty_rows_in_the_middle(officer):
    result = imported(book(row(), [""] * len(HEADERS), row(tax_code=VALID_TAX_CODES[1], name="Cơ sở khác")), officer)
    assert_refused(result, (3, None, "Dòng trống"))


def test_formulas_instead_of_values(officer):
    result = imported(book(row(), formulas={SHEET.name: "K2"}), officer)
    assert_refused(result, (2, "Số lao động", "công thức"))


def test_merged_cells(officer):
    result = imported(book(row(), row(tax_code=VALID_TAX_CODES[1]), merge={SHEET.name: "B2:B3"}), officer)
    assert_refused(result, (2, None, "Ô gộp"))


def test_a_required_column_missing_or_renamed(officer):
    renamed = [("Tên doanh nghiệp" if h == "Tên cơ sở" else h) for h in HEADERS]
    result = imported(book(row(), headers=renamed), officer)
    assert_refused(result, (1, "Tên cơ sở", "Thiếu cột bắt buộc"), (1, "Tên doanh nghiệp", "không có trong mẫu"))


def test_wrong_template_or_missing_sheet(officer):
    result = imported(book(row(), sheet="Sheet1"), officer)
    assert_refused(result, (None, None, "không theo mẫu"))
    result = imported(book(row(), sheet="Sheet1"), officer, register_code="establishments")
    assert_refused(result, (None, None, "Thiếu trang"))


def test_a_file_that_is_not_a_spreadsheet(officer):
    result = imported(b"%PDF-1.7 not a workbook", officer)
    assert_refused(result, (None, None, "không phải là bảng tính"))


def test_an_over_large_file(officer, settings):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 1000
    result = imported(book(row()), officer)
    assert_refused(result, (None, None, "quá lớn"))


def test_a_commune_officer_cannot_import_into_another_commune(personas):
    officer_a = personas["commune_officer_a"]
    result = imported(book(row(commune="26596")), officer_a)
    assert_refused(result, (2, None, "xã/phường mình phụ trách"))


def test_a_row_naming_a_record_the_user_may_not_see_is_refused_without_overwriting(personas):
    b_record = imported(book(row(commune="26596")), personas["province_officer"])
    assert b_record.committed
    result = imported(book(row(commune="26560", name="Tên bị ghi đè")), personas["commune_officer_a"])
    # The same words as any unusable tax code: nothing says the code exists in another commune (issue 21).
    assert any("chuyển Sở Công Thương xem xét" in m for _s, _r, _c, m in messages(result)) and not result.committed
    assert not any("ngoài phạm vi" in m for _s, _r, _c, m in messages(result))
    assert Establishment.objects.get(tax_code=VALID_TAX_CODES[0]).name == "Cơ sở mộc Long Phước"


def test_template_has_instructions_lists_and_empty_data_sheets(db):
    data = build_template(registry.get("establishments"))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == [INSTRUCTIONS, LISTS, SHEET.name]
    assert workbook.get_sheet_by_name(SHEET.name).to_python() == [HEADERS]
    instructions = str(workbook.get_sheet_by_name(INSTRUCTIONS).to_python())
    assert "Khoá nhận diện: Mã số thuế" in instructions and "dd/mm/yyyy" in instructions
    lists = workbook.get_sheet_by_name(LISTS).to_python()
    assert "Thủ công mỹ nghệ" in [r[0] for r in lists] or any("Thủ công mỹ nghệ" in r for r in lists)
    assert b"dataValidation" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet3.xml")


def test_an_export_imports_back_unchanged(officer, est_a, est_b, tmp_path):
    path = tmp_path / "co-so.xlsx"
    assert write_register(registry.get("establishments"), officer, str(path)) == 2
    result = imported(path.read_bytes(), officer)
    assert result.ok and result.outcomes[SHEET.name].unchanged == 2


def test_cli_import_and_export(officer, est_a, tmp_path, capsys):
    officer.is_superuser = True
    officer.save()
    path = tmp_path / "co-so.xlsx"
    call_command("export_register", "establishments", "--output", str(path), "--user", officer.username)
    call_command("import", str(path), "--dry-run")
    assert "không đổi 1" in capsys.readouterr().out
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(book(row(registered_on="32/01/2026"),
                            row(tax_code=VALID_TAX_CODES[1], name="Cơ sở hợp lệ nhưng không được ghi")))
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import", str(broken), "--user", officer.username)
    printed = capsys.readouterr()
    assert "dòng 2, cột “Ngày đăng ký”" in printed.err
    # A refused file saves nothing, so the command never says it added the valid row.
    assert "thêm" not in printed.out and "không ghi dòng nào" in printed.out
    assert not Establishment.objects.filter(name="Cơ sở hợp lệ nhưng không được ghi").exists()


def test_progress_is_reported_while_reading_and_writing(officer, monkeypatch):
    from khuyencong.exchange import pipeline

    monkeypatch.setattr(pipeline._Steps, "EVERY", 1)
    calls = []
    rows = [row(tax_code=code, name=f"Cơ sở {code}") for code in VALID_TAX_CODES[:3]]
    result = imported(book(*rows), officer, progress=lambda done, total: calls.append((done, total)))
    assert result.committed
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


def test_the_templates_tax_code_instruction_is_the_validators_rule():
    """The template once promised "10 hoặc 13 chữ số", which the form refuses; both now say the one rule."""
    from django.core.exceptions import ValidationError

    from khuyencong.establishments.validators import TAX_CODE_RULE, validate_tax_code

    column = next(c for c in SHEET.columns if c.field == "tax_code")
    assert column.help.startswith(TAX_CODE_RULE) and "13" not in column.help
    with pytest.raises(ValidationError) as refused:
        validate_tax_code("1234567890123")  # 13 digits, as the old instruction allowed
    assert refused.value.messages == [f"Mã số thuế phải gồm {TAX_CODE_RULE}."]
