"""Masking of trainees' identifiers (Decree 356/2025: show only what the role needs)."""

from __future__ import annotations

from khuyencong.establishments.masking import mask_phone

__all__ = ["mask_national_id", "mask_phone"]


def mask_national_id(value: str | None) -> str:
    """Keep the last three digits, enough to tell two people apart on a list, not to identify one."""
    if not value:
        return ""
    return "*" * (len(value) - 3) + value[-3:]
