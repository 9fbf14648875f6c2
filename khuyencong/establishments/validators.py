"""Validators for Vietnamese identifiers used in the registry."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from khuyencong.core.validators import validate_visible_text

# Enterprise tax code (mã số thuế): 10 digits whose last is a check digit over the first nine with
# these weights, optionally followed by "-" and a 3-digit branch number (001–999).
_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_MST = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
# From 1 July 2025 household businesses and individuals use their 12-digit personal identification
# number (CCCD) as tax code (Circular 86/2024/TT-BTC): 3-digit province code, century/sex digit,
# 2-digit birth year, 6 random digits.
_PERSONAL_ID = re.compile(r"^\d{12}$")
# The tax-code rule in words, in one place: the validator's message and the import template's instruction
# are both built from it, so the template cannot promise what the form refuses.
TAX_CODE_RULE = gettext_noop("10 chữ số (có thể kèm “-” và 3 số của đơn vị phụ thuộc) hoặc 12 chữ số")
_PHONE = re.compile(r"^(?:\+84|0)(?:3|5|7|8|9|2\d)\d{8}$")
_VSIC = re.compile(r"^\d{2,5}$")


def mst_check_digit(first_nine: str) -> int | None:
    """Check digit for a 10-digit tax code, or None when no digit can satisfy the rule."""
    total = sum(int(d) * w for d, w in zip(first_nine, _MST_WEIGHTS, strict=True))
    digit = 10 - total % 11
    return digit if digit < 10 else None


def validate_tax_code(value: str) -> None:
    if _PERSONAL_ID.match(value):
        if not 1 <= int(value[:3]) <= 96:
            raise ValidationError(_("Mã số thuế 12 số phải bắt đầu bằng mã tỉnh hợp lệ (001–096)."), code="tax_code")
        return
    match = _MST.match(value)
    if not match:
        raise ValidationError(_("Mã số thuế phải gồm %(rule)s.") % {"rule": gettext(TAX_CODE_RULE)},
                              code="tax_code")
    base, branch = match.groups()
    if mst_check_digit(base[:9]) != int(base[9]):
        raise ValidationError(_("Mã số thuế không đúng (sai chữ số kiểm tra)."), code="tax_code")
    if branch == "000":
        raise ValidationError(_("Số thứ tự đơn vị phụ thuộc phải từ 001 đến 999."), code="tax_code")


def validate_phone(value: str) -> None:
    if not _PHONE.match(re.sub(r"[\s.\-]", "", value)):
        raise ValidationError(_("Số điện thoại không hợp lệ (ví dụ: 0912345678)."), code="phone")


def validate_vsic(value: str) -> None:
    if not _VSIC.match(value):
        raise ValidationError(_("Mã ngành VSIC gồm 2 đến 5 chữ số (ví dụ: 1079)."), code="vsic")


def validate_plain_text(value: str) -> None:
    """Refuse markup and invisible characters in names: they are shown in many places and exported to Excel."""
    validate_visible_text(value)
    if re.search(r"[<>]", value):
        raise ValidationError(_("Không được chứa ký tự “<” hoặc “>”."), code="markup")
