"""Text as it may be kept and written out: one cleaning rule for input, spreadsheets and documents.

Users paste from Word, Zalo and e-mail. Word puts a vertical tab (U+000B) on the clipboard for a
line break; other programs leave NUL bytes, bidi overrides or decomposed Vietnamese letters.
XML (XLSX, DOCX) cannot hold most C0 control characters and PostgreSQL text cannot hold NUL, so
text is cleaned on the way in and again on the way out (data stored before this rule existed).
"""
from __future__ import annotations

import re
import unicodedata

# C0 controls, DEL and C1 controls, except tab and line feed (kept in multi-line text); the Unicode
# line and paragraph separators too (a document would print them as a break of its own).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_CONTROLS = re.compile(r"[\t\n\r]")
# Code points XML 1.0 cannot carry at all (lone surrogates, U+FFFE, U+FFFF): dropped.
_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
# Bidirectional formatting (RLO and friends): in a file name they make "exe.pdf" read as "fdp.exe".
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A spreadsheet takes a cell starting with one of these for a formula (or, from CSV, a DDE call).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str | None, multiline: bool = True) -> str:
    """NFC Vietnamese with no control characters: each control character becomes a space; Windows
    line ends become plain line breaks; tabs and line breaks are kept in multi-line text and become
    spaces in one-line text."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _NOT_XML.sub("", unicodedata.normalize("NFC", value))
    text = _CONTROLS.sub(" ", text)
    if not multiline:
        text = _LINE_CONTROLS.sub(" ", text)
    return text


def clean_value(value):
    """``clean_text`` applied to every string inside a value (dicts, lists, tuples), for writers
    that receive a whole context or row of stored data; other values are returned unchanged."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: clean_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_value(item) for item in value)
    return value


def strip_bidi(text: str) -> str:
    """Without bidirectional formatting characters (for names that must read as they are)."""
    return _BIDI.sub("", text)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def defuse_formula(text: str) -> str:
    """Text a spreadsheet shows as typed, never runs: an apostrophe before a formula trigger
    (the convention Excel and LibreOffice Calc both read as "this is text")."""
    return "'" + text if looks_like_formula(text) else text


# The largest value a PostgreSQL INTEGER column (and so every id, level and count) can hold.
MAX_INT = 2**31 - 1


def whole_number(text: str, low: int = 0, high: int = MAX_INT) -> int | None:
    """The number typed as ASCII digits when it lies in low..high, else None.

    ("²".isdigit() is true, yet int("²") fails; twenty nines overflow the database.)"""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        return None
    number = int(text)
    return number if low <= number <= high else None
