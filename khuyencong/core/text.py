"""Vietnamese text helpers: normalisation, diacritic-free search keys and alphabetical sort keys.

Search ignores diacritics and case ("dong nai" finds "Đồng Nai"); we store a folded copy of each
searchable name so the lookup is a plain LIKE on both SQLite and PostgreSQL (no unaccent extension).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Vietnamese alphabet order (29 letters); "đ" follows "d", and the vowels with breve/circumflex/horn
# follow their base vowel. Tone marks only break ties (secondary key).
_ALPHABET = "aăâbcdđeêfghiîjklmnoôơpqrstuưvwxyz"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn are letters, not tones
# Primary classes as in ICU: separators < punctuation/symbols < digits < letters, so words compare
# one by one ("Đa Kia" < "Đan", "Phường 1" < "Phường An") and SQLite agrees with PostgreSQL's "vi".
_SEPARATOR, _PUNCTUATION, _DIGIT, _LETTER, _OTHER_LETTER = range(5)


def _primary(letter: str) -> int:
    if letter in _ORDER:
        return (_LETTER << 21) + _ORDER[letter]
    ch = letter[:1]
    if not ch or ch.isspace():
        return _SEPARATOR << 21
    if ch.isdigit():
        return (_DIGIT << 21) + ord(ch)
    if ch.isalpha():
        return (_OTHER_LETTER << 21) + ord(ch)
    return (_PUNCTUATION << 21) + ord(ch)


def normalize(text: str) -> str:
    """NFC-normalise and collapse whitespace: the canonical stored form of any user text."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower-case, diacritic-free form used for searching and duplicate detection.

    Memoised: imports fold the same names, communes and labels for every row of a large file.
    """
    decomposed = unicodedata.normalize("NFD", normalize(text).lower().replace("đ", "d"))
    # Format characters (zero-width, bidi controls) are dropped so that they cannot hide a duplicate.
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")


def _split_letter(ch: str) -> tuple[str, int]:
    """Split one character into (letter with its letter-marks, tone number)."""
    parts = unicodedata.normalize("NFD", ch)
    tone = next((_TONES[m] for m in parts if m in _TONES), 0)
    letter = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
    return letter, tone


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Key that sorts Vietnamese words as a Vietnamese reader expects (a < ă < â < b … d < đ)."""
    primary: list[int] = []
    tones: list[int] = []
    for ch in normalize(text).lower():
        letter, tone = _split_letter(ch)
        primary.append(_primary(letter))
        tones.append(tone)
    return tuple(primary), tuple(tones)


def compare(a: str, b: str) -> int:
    """Three-way comparison with the Vietnamese order, for database collations."""
    ka, kb = sort_key(a or ""), sort_key(b or "")
    return (ka > kb) - (ka < kb)
