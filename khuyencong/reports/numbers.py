"""Numbers written the way Vietnamese administrative reports write them.

Thousands are separated by "." and decimals by "," ("1.234", "24,7 tỷ đồng"); large sums of money are
given in tỷ (10⁹) or triệu (10⁶) with one decimal, dropping a trailing ",0".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

BILLION, MILLION = 1_000_000_000, 1_000_000


def integer(value: int | None) -> str:
    if value is None:
        return "—"
    return f"{value:,}".replace(",", ".")


def _one_decimal(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text


def money(value: int | None) -> str:
    """24_700_000_000 → "24,7 tỷ đồng"; 5_000_000 → "5 triệu đồng"; small sums in full."""
    if value is None:
        return "—"
    if abs(value) >= BILLION:
        return f"{_one_decimal(Decimal(value) / BILLION)} tỷ đồng"
    if abs(value) >= MILLION:
        return f"{_one_decimal(Decimal(value) / MILLION)} triệu đồng"
    return f"{integer(value)} đồng"


def million_range(low: int | None, high: int | None) -> str:
    """(5_000_000, 7_000_000) → "5–7 triệu đồng"."""
    if low is None or high is None:
        return "—"
    lo, hi = _one_decimal(Decimal(low) / MILLION), _one_decimal(Decimal(high) / MILLION)
    return f"{lo} triệu đồng" if lo == hi else f"{lo}–{hi} triệu đồng"
