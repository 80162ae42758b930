"""Vietnamese text helpers shared by the context builder, the catalogue and the renderer."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

# One cleaning rule for input, spreadsheets and documents; documents import it from here.
from ir_app.domain.text import clean_text as clean_text

_PLACEHOLDER = "…"
# C0/C1 control characters (and DEL) except the line break, which separates lines on purpose
# (a heading's two lines); Unicode line/paragraph separators count as controls too.
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")




def safe_filename(title: str, max_length: int = 120) -> str:
    """ASCII slug of a Vietnamese title: "Mẫu 06 – Quyết định …" -> "mau-06-quyet-dinh-…".

    NFD splits the diacritics off so they can be dropped; đ/Đ is a letter of its own (no
    decomposition), so it is mapped by hand.
    """
    text = (title or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    slug = _SLUG_JUNK.sub("-", text).strip("-")
    return slug[:max_length].rstrip("-") or "van-ban"


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def vn_date(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy (the app's date format); empty for no date."""
    day = _as_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def vn_date_long(value: date | datetime | str | None) -> str:
    """"ngày 05 tháng 3 năm 2026" — NĐ 30/2020 Phụ lục I, II.4.b: a zero before days < 10
    and before months 1 and 2 (so nobody can turn "1" into "11" or "12"), none otherwise."""
    day = _as_date(value)
    if day is None:
        return f"ngày {_PLACEHOLDER} tháng {_PLACEHOLDER} năm {_PLACEHOLDER}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_date_text(value: date | datetime | str | None, place: str = "") -> str:
    """Place and date line of a document: "Vĩnh Lại, ngày 05 tháng 3 năm 2026"."""
    long_date = vn_date_long(value)
    return f"{place}, {long_date}" if place else long_date


def vn_number(value: int | float | str | None) -> str:
    """Thousands with dots, decimals with a comma: 18500 -> "18.500", 2.5 -> "2,5"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not value.is_integer():
        whole, _, frac = f"{value:,.2f}".rstrip("0").partition(".")
        return f"{whole.replace(',', '.')},{frac}"
    return f"{int(value):,}".replace(",", ".")


def number_text(number: str | int | None, symbol: str) -> str:
    """"Số: 05/QĐ-UBND"; a document not yet numbered is a draft: "Số: …/QĐ-UBND".

    II.3.c: numbers below 10 take a leading zero.
    """
    number = str(number or "").strip()
    if not number and not symbol:
        return ""
    if number.isascii() and number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    shown = number or _PLACEHOLDER
    return f"Số: {shown}/{symbol}" if symbol else f"Số: {shown}"


def split_number(full: str) -> tuple[str, str]:
    """"25/QĐ-UBND" -> ("25", "QĐ-UBND"); text without a slash is all number."""
    number, _, symbol = (full or "").partition("/")
    return number.strip(), symbol.strip()


def level_text(level: int | None) -> str:
    return f"cấp độ {level}" if level else ""


_SHORT_CITATION = re.compile(r"\bĐ(\d+)(?:\.(\d+))?(?:\.([a-zđ]))?(?![\w.])")


def cite(text: str) -> str:
    """Short citations written out as documents cite them (NĐ 30/2020 style): "Đ13.2.b" ->
    "điểm b khoản 2 Điều 13", "Đ23.1" -> "khoản 1 Điều 23", "Đ16" -> "Điều 16"."""
    def spell(match: re.Match) -> str:
        article, clause, point = match.groups()
        parts = ([f"điểm {point}"] if point else []) + ([f"khoản {clause}"] if clause else [])
        return " ".join(parts + [f"Điều {article}"])
    return _SHORT_CITATION.sub(spell, text or "")
