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


def percent(value: float) -> str:
    """37.04 → "37%"; 3.66 → "3,7%" (one decimal, a trailing ",0" dropped)."""
    return _one_decimal(Decimal(str(value))) + "%"


def year(value: int) -> str:
    """A year is a name, not a quantity: 2014 → "2014", never "2.014"."""
    return str(value)


_LEVEL_WORDS = ("Thành phố", "Tỉnh", "Phường", "Xã", "Đặc khu", "Thị trấn", "Huyện", "Quận", "Thị xã")


def place_name(name: str) -> str:
    """An administrative unit's name as written mid-sentence: "Tỉnh Bà Rịa - Vũng Tàu" → "tỉnh Bà Rịa - Vũng Tàu".

    Vietnamese writing capitalises the level word only at the start of a sentence or as part of a body's
    name ("Ủy ban nhân dân Tỉnh …" is not used either); the proper name keeps its capitals.
    """
    for word in _LEVEL_WORDS:
        if name.startswith(word + " "):
            return word.lower() + name[len(word):]
    return name
