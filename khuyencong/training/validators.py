"""Validators for personal identifiers held about trainees (Decree 356/2025: store numbers, not images)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Citizen identification number (CCCD / số định danh cá nhân, Circular 59/2021/TT-BCA Art. 7):
# 3-digit province code of birth registration, 1 century/sex digit, 2 digits of the birth year,
# 6 random digits.
_CCCD = re.compile(r"^\d{12}$")
PROVINCE_PREFIX_MIN, PROVINCE_PREFIX_MAX = 1, 96


def validate_national_id(value: str) -> None:
    """Format and province prefix; consistency with birth year/gender is checked on the person."""
    if not _CCCD.match(value):
        raise ValidationError(_("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."), code="national_id")
    if not PROVINCE_PREFIX_MIN <= int(value[:3]) <= PROVINCE_PREFIX_MAX:
        raise ValidationError(
            _("Số định danh cá nhân phải bắt đầu bằng mã tỉnh hợp lệ (001–096)."), code="national_id_province"
        )


def birth_year_of(national_id: str) -> int:
    """Birth year encoded in a CCCD: the 4th digit gives the century (0/1: 1900s, 2/3: 2000s, …)."""
    century_digit = int(national_id[3])
    return 1900 + 100 * (century_digit // 2) + int(national_id[4:6])


def is_female_by_id(national_id: str) -> bool:
    """Odd century digits are women (Circular 59/2021/TT-BCA Art. 7 cl. 2)."""
    return int(national_id[3]) % 2 == 1


def validate_birth_year(value: int) -> None:
    if not 1900 <= value <= timezone.localdate().year:
        raise ValidationError(_("Năm sinh không hợp lệ."), code="birth_year")
