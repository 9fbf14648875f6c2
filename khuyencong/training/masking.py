"""Masking of trainees' identifiers (Decree 356/2025: show only what the role needs)."""

from __future__ import annotations

from khuyencong.establishments.masking import mask_phone

__all__ = ["mask_national_id", "mask_phone"]


# Digits left visible. The first six digits (province, century/gender, birth year) are derivable from
# what the record shows anyway, so every visible digit of the last six divides the guesses by ten: two
# leave 10,000 candidates, and an ID search is limited, logged and reserved to roles that may unmask.
VISIBLE_DIGITS = 2


def mask_national_id(value: str | None) -> str:
    """Keep the last two digits, enough to tell two people apart on a list, not to identify one."""
    if not value:
        return ""
    return "*" * (len(value) - VISIBLE_DIGITS) + value[-VISIBLE_DIGITS:]
