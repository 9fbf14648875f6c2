"""Reading cells as officials type them: dates, Vietnamese numbers, code lists and administrative units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from khuyencong.establishments.models import SectorGroup
from khuyencong.exchange.normalise import (
    CellError,
    UnitDirectory,
    read_boolean,
    read_cell,
    read_date,
    read_decimal,
    read_integer,
    read_text,
)
from khuyencong.exchange.spec import Column, Kind


@pytest.mark.parametrize("raw", ["31/12/2020", "31-12-2020", "2020-12-31", 44196, 44196.0, dt.date(2020, 12, 31),
                                 dt.datetime(2020, 12, 31, 0, 0)])  # noqa: DTZ001 — a naive Excel cell value
def test_dates_in_every_accepted_form(raw):
    assert read_date(raw) == dt.date(2020, 12, 31)


@pytest.mark.parametrize(("raw", "reason"), [("31/02/2020", "không tồn tại"), ("2020-13-01", "không tồn tại"),
                                             ("12/31", "dd/mm/yyyy"), ("hôm qua", "dd/mm/yyyy"), (1.5, "ngày")])
def test_impossible_or_unreadable_dates_are_refused(raw, reason):
    with pytest.raises(CellError, match=reason):
        read_date(raw)


@pytest.mark.parametrize(("raw", "value"), [("24.700.000.000", 24_700_000_000), ("24 700 000 000", 24_700_000_000),
                                            ("1.234", 1234), (12.0, 12), (7, 7), ("350.000.000 đồng", 350_000_000),
                                            ("-5", -5)])
def test_integers_with_vietnamese_separators(raw, value):
    assert read_integer(raw) == value


@pytest.mark.parametrize("raw", ["24,7 tỷ", "350 triệu", "5 nghìn", "mười"])
def test_amounts_in_words_are_refused_not_guessed(raw):
    with pytest.raises(CellError, match="không phải là số"):
        read_integer(raw)


def test_fractions_in_whole_number_columns_are_refused():
    with pytest.raises(CellError, match="số nguyên"):
        read_integer(12.5)


@pytest.mark.parametrize(("raw", "value"), [("4,5", "4.5"), ("4.5", "4.5"), ("1.234,5", "1234.5"), (3, "3")])
def test_decimals(raw, value):
    assert read_decimal(raw) == Decimal(value)


def test_money_cannot_be_negative():
    with pytest.raises(CellError, match="âm"):
        read_cell("-1.000", Column("Số tiền", "amount", Kind.MONEY))


def test_text_is_nfc_and_codes_typed_as_numbers_keep_their_digits():
    decomposed = "Ba\u0300 Ri\u0323a"  # NFD, as some Mac keyboards produce
    assert read_text(f"  {decomposed}  ") == "Bà Rịa"
    assert read_text(1079.0) == "1079"


@pytest.mark.parametrize("raw", ["Nguyễn\x00Văn An", "Lớp\x0cmột", "\x7f"])
def test_control_characters_are_refused_not_stored(raw):
    """A NUL or form feed from an old .xls file would fail in the database (a 5xx); it is a cell problem."""
    with pytest.raises(CellError, match="ký tự điều khiển"):
        read_text(raw)
    assert read_text("Dòng một\nDòng hai\tcột") == "Dòng một Dòng hai cột"


@pytest.mark.parametrize(("raw", "value"), [("Có", True), ("x", True), ("không", False), (True, True), (0, False)])
def test_booleans(raw, value):
    assert read_boolean(raw) is value


def test_choices_by_code_or_label_ignoring_case_and_diacritics():
    column = Column("Nhóm ngành", "sector_group", Kind.CHOICE, choices=SectorGroup.choices)
    assert read_cell("handicrafts", column) == "handicrafts"
    assert read_cell("Thủ công mỹ nghệ", column) == "handicrafts"
    assert read_cell("thu cong my nghe", column) == "handicrafts"
    with pytest.raises(CellError, match="không có trong danh mục"):
        read_cell("Dệt may", column)


@pytest.fixture
def units(db):
    return UnitDirectory()


def test_units_by_code_on_the_record_date(units):
    assert units.resolve("26554", level="commune", on=dt.date(2018, 6, 1)).name == "Phường Phước Nguyên"
    assert units.resolve("26560 - Phường Bà Rịa", level="commune", on=dt.date(2026, 1, 1)).name == "Phường Bà Rịa"


def test_units_by_name_before_and_after_the_2025_reform(units):
    old = units.resolve("Phường Phước Nguyên", level="commune", on=dt.date(2018, 6, 1))
    assert old.code == "26554" and old.valid_to is not None
    assert units.resolve("Phường Bà Rịa", level="commune", on=dt.date(2026, 1, 1)).code == "26560"


def test_an_old_name_written_for_a_later_date_is_carried_through_the_crosswalk(units):
    assert units.resolve("Phường Phước Nguyên", level="commune", on=dt.date(2026, 1, 1)).code == "26560"


def test_a_unit_that_did_not_exist_yet_on_the_record_date_is_refused(units):
    with pytest.raises(CellError, match="không còn hiệu lực"):
        units.resolve("Phường Bà Rịa", level="commune", on=dt.date(2018, 6, 1))


def test_ambiguous_names_are_reported_with_candidates_not_guessed(units):
    with pytest.raises(CellError, match="trùng với nhiều đơn vị"):
        units.resolve("Phường 1", level="commune", on=dt.date(2018, 6, 1))
    vung_tau = units.resolve("Phường 1, Thành phố Vũng Tàu", level="commune", on=dt.date(2018, 6, 1))
    assert vung_tau.parent is not None and "Vũng Tàu" in vung_tau.parent.name


def test_unknown_units_are_refused(units):
    with pytest.raises(CellError, match="Không tìm thấy"):
        units.resolve("Xã Không Có Thật", level="commune", on=None)
