"""Tax code, phone and VSIC validators: the registry's first line of defence against typos."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from khuyencong.establishments.validators import (
    mst_check_digit,
    validate_phone,
    validate_plain_text,
    validate_tax_code,
    validate_vsic,
)
from khuyencong.testing.fixtures import VALID_TAX_CODES


@pytest.mark.parametrize("code", [*VALID_TAX_CODES, "0100109106-001", "079203001234"])
def test_valid_tax_codes_pass(code: str) -> None:
    validate_tax_code(code)


@pytest.mark.parametrize(("code", "reason"), [
    ("3500101108", "chữ số kiểm tra"),        # check digit off by one
    ("350010110", "10 chữ số"),                # too short
    ("35001011071", "10 chữ số"),              # 11 digits
    ("35OO101107", "10 chữ số"),               # letters
    ("0100109106-000", "001 đến 999"),          # branch 000
    ("999203001234", "mã tỉnh"),                # 12 digits with an impossible province prefix
])
def test_invalid_tax_codes_are_refused_in_vietnamese(code: str, reason: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_tax_code(code)
    assert reason in exc.value.messages[0]


def test_check_digit_matches_the_published_algorithm() -> None:
    """Weights 31,29,23,19,17,13,7,5,3 over the first nine digits; check digit = 10 - sum mod 11."""
    assert mst_check_digit("350010110") == 7
    assert all(mst_check_digit(c[:9]) == int(c[9]) for c in VALID_TAX_CODES)


@pytest.mark.parametrize("phone", ["0912345678", "+84912345678", "02543812345"])
def test_valid_phones(phone: str) -> None:
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "0112345678", "09123456789", "abc"])
def test_invalid_phones(phone: str) -> None:
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_vsic_and_markup() -> None:
    validate_vsic("1079")
    with pytest.raises(ValidationError):
        validate_vsic("10a9")
    with pytest.raises(ValidationError):
        validate_plain_text("<script>alert(1)</script>")
