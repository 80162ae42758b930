"""Vietnamese text folded for search: lower case, no diacritics, "đ" as "d".

"Một cửa" and "mot cua" fold to the same text, so a user who types without accents (a phone
keyboard, a hurried officer) still finds what they mean. The same mapping is used in Python and,
character for character, inside the database (services/search.py), so both sides agree.
"""
from __future__ import annotations

import unicodedata

_BASES = "aeiouyd"


def _accented_letters() -> tuple[str, str]:
    """Every precomposed Latin letter whose base is a Vietnamese vowel or d, and that base."""
    source, target = [], []
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if char in ("đ", "Đ"):
            base = "d"
        if base in _BASES and char.lower() != base and unicodedata.category(char).startswith("L"):
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


# Two strings of the same length: character i of FOLD_FROM folds to character i of FOLD_TO.
FOLD_FROM, FOLD_TO = _accented_letters()
_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str | None) -> str:
    """'Xã Vĩnh Lại — Một cửa' → 'xa vinh lai — mot cua'."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text).lower().translate(_TABLE)
