"""Vietnamese text rules: normalisation, diacritic-free search keys and alphabetical order."""

from __future__ import annotations

import unicodedata

import pytest
from django.db.models import Q
from django.db.models.functions import Collate

from khuyencong.core.collation import COLLATION
from khuyencong.core.text import compare, fold, normalize, sort_key
from khuyencong.geo.models import AdministrativeUnit, UnitLevel
from khuyencong.geo.selectors import unit_by_code
from khuyencong.testing.fixtures import TODAY


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đồng Nai", "dong nai"),
        ("Bà Rịa – Vũng Tàu", "ba ria – vung tau"),
        ("  Phường   Bà\tRịa ", "phuong ba ria"),
        ("HỒ CHÍ MINH", "ho chi minh"),
        ("Xã Đắk Ơ", "xa dak o"),
    ],
)
def test_fold_drops_case_diacritics_and_extra_spaces(text: str, folded: str) -> None:
    """Search keys ignore case, tone marks, letter marks and "đ", so "dong nai" finds "Đồng Nai"."""
    assert fold(text) == folded


def test_nfd_input_is_normalised_to_nfc() -> None:
    """Text typed or pasted in decomposed form is stored and searched like the composed form."""
    composed = "Phường Bà Rịa, Đồng Nai"
    decomposed = nfd(composed)
    assert decomposed != composed
    assert normalize(decomposed) == composed
    assert unicodedata.is_normalized("NFC", normalize(decomposed))
    assert fold(decomposed) == fold(composed) == "phuong ba ria, dong nai"
    assert sort_key(decomposed) == sort_key(composed)
    assert compare(decomposed, composed) == 0


def test_sort_key_follows_the_vietnamese_alphabet() -> None:
    """Letters with breve/circumflex/horn and "đ" follow their base letter: a < ă < â < b … d < đ."""
    words = ["Đông", "Dương", "Ấp", "An", "Bình", "Ăn"]
    assert sorted(words, key=sort_key) == ["An", "Ăn", "Ấp", "Bình", "Dương", "Đông"]
    assert sorted(["Ơn", "Ôn", "On", "Ưu", "Uy"], key=sort_key) == ["On", "Ôn", "Ơn", "Uy", "Ưu"]
    assert sorted(["Ê", "E", "Đ", "D"], key=sort_key) == ["D", "Đ", "E", "Ê"]


def test_tone_marks_only_break_ties() -> None:
    """Tones order otherwise equal words (none, huyền, hỏi, ngã, sắc, nặng) but never beat a letter."""
    words = ["Mai", "Mạ", "Má", "Mã", "Mả", "Mà", "Ma"]
    assert sorted(words, key=sort_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Mai"]
    assert compare("Mạ", "Mai") < 0  # "a" < "ai" decides before the tone of "ạ" is looked at
    assert compare("Bà", "ba") > 0
    assert compare("Bình", "BÌNH") == 0


@pytest.mark.parametrize(
    "expected",
    [
        ["Dĩ An", "Diên Hồng", "Đa Kia", "Đan"],  # word by word: a word sorts before its extensions
        ["Phường 1", "Phường 10", "Phường 2", "Phường An"],  # digits sort before letters
    ],
)
def test_sort_key_compares_word_by_word(expected: list[str]) -> None:
    """A shorter word sorts before a longer one it begins ("Đa Kia" < "Đan"), as in ICU's "vi"."""
    assert sorted(reversed(expected), key=sort_key) == expected


def _d_communes(province_code: str) -> list[str]:
    """Names of today's communes of a province whose proper name starts with D or Đ, in "vi" order."""
    province = unit_by_code(province_code, on=TODAY, level=UnitLevel.PROVINCE)
    units = AdministrativeUnit.objects.filter(parent=province).filter(
        Q(search_name__startswith="xa d") | Q(search_name__startswith="phuong d"))
    return list(units.order_by(Collate("name", COLLATION), "pk").values_list("name", flat=True))


@pytest.mark.django_db
def test_collate_vi_orders_units_in_vietnamese_order() -> None:
    """Collate("name", "vi") sorts D before Đ and ô before ồ on every database (binary order does not)."""
    names = _d_communes("33")  # Hưng Yên
    assert names == [
        "Phường Đường Hào", "Xã Diên Hà", "Xã Đại Đồng", "Xã Đoàn Đào", "Xã Đồng Bằng", "Xã Đồng Châu",
        "Xã Đông Hưng", "Xã Đông Quan", "Xã Đông Thái Ninh", "Xã Đông Thụy Anh", "Xã Đông Tiền Hải",
        "Xã Đông Tiên Hưng", "Xã Đức Hợp",
    ]
    assert names != sorted(names)  # code-point order would differ, so the collation really is applied


@pytest.mark.django_db
def test_collate_vi_orders_multi_word_names_word_by_word() -> None:
    """SQLite's "vi" collation and PostgreSQL's ICU "vi" agree on names sharing a first syllable."""
    assert _d_communes("79") == [  # Hồ Chí Minh City
        "Phường Dĩ An", "Phường Diên Hồng", "Phường Đông Hòa", "Phường Đông Hưng Thuận", "Phường Đức Nhuận",
        "Xã Dầu Tiếng", "Xã Đất Đỏ", "Xã Đông Thạnh",
    ]
