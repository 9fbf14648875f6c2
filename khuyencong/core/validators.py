"""Validators shared by every app's models: text a reader can see as stored, dates that have happened."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Format characters (bidi overrides and isolates, zero-width spaces and joiners, soft hyphen…),
# controls, private-use and unassigned code points, line/paragraph separators: none belongs in a
# name, and each can make two equal-looking names differ or reverse what a reader sees.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cn", "Zl", "Zp"})
# Ordinary whitespace is collapsed by core.text.normalize, so it is not refused here.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
EARLIEST_EVENT = dt.date(1945, 1, 1)


def invisible_characters(value: str) -> list[str]:
    return [ch for ch in value if unicodedata.category(ch) in INVISIBLE_CATEGORIES and ch not in _ALLOWED_CONTROLS]


def validate_visible_text(value: str) -> None:
    """Refuse characters that are invisible or change how the text around them is displayed."""
    found = invisible_characters(value)
    if found:
        codes = ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in found))
        raise ValidationError(
            _("Không được chứa ký tự vô hình hoặc ký tự điều khiển (%(codes)s); hãy gõ lại nội dung."),
            code="invisible_character", params={"codes": codes})


def validate_past_date(value: dt.date) -> None:
    """A date on which something has happened: not after today, not before 1945."""
    if value > timezone.localdate():
        raise ValidationError(_("Ngày không được ở tương lai (sau ngày %(today)s)."), code="future_date",
                              params={"today": timezone.localdate().strftime("%d/%m/%Y")})
    if value < EARLIEST_EVENT:
        raise ValidationError(_("Ngày không hợp lệ: phải từ 01/01/1945 trở đi."), code="date_too_early")
