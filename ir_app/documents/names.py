"""Names of a commune and of its bodies, written the way administrative documents write them.

A commune's type is a common noun ("xã", "phường", "đặc khu": lower case inside a sentence,
capitalised at its start and in capitals in a heading); its proper name keeps its capitals
everywhere ("Vĩnh Lại", never "vĩnh lại"). Its police are "Công an xã", "Công an phường" or
"Công an đặc khu" according to the type. Nothing here lower-cases a proper name.

Pure functions on strings: the services hand over ``commune_type`` and ``name`` from the record.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

COMMUNE_KINDS = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}
COMMITTEE = "Ủy ban nhân dân"
# NĐ 30/2020 Phụ lục I, II.2.b: common phrases a heading may abbreviate.
OFFICIAL_ABBREVIATIONS = (
    ("Hội đồng nhân dân", "HĐND"),
    ("Ủy ban nhân dân", "UBND"),
    ("Uỷ ban nhân dân", "UBND"),
    ("Việt Nam", "VN"),
)
HEADER_LINE_CHARS = 26     # a 6.2 cm column at 13 pt holds about this many capitals
HEADER_MAX_LINES = 4       # a heading never grows beyond this; longer names are abbreviated/cut


def sentence_start(text: str) -> str:
    """Capitalise the first letter only: "xã Vĩnh Lại" -> "Xã Vĩnh Lại" (never lower the rest)."""
    return text[:1].upper() + text[1:] if text else text


def in_sentence(text: str) -> str:
    """Lower the first letter of a common-noun phrase used inside a sentence: "Xã Vĩnh Lại" ->
    "xã Vĩnh Lại". Only the first character changes."""
    return text[:1].lower() + text[1:] if text else text


def upper(text: str) -> str:
    """Capitals for a heading (Vietnamese precomposed letters upper-case correctly after NFC)."""
    return unicodedata.normalize("NFC", text or "").upper()


@dataclass(frozen=True)
class CommuneNames:
    """Every way a document names one commune."""

    kind: str   # "xã", "phường", "đặc khu" (lower case)
    name: str   # "Vĩnh Lại"

    @property
    def full(self) -> str:
        """"xã Vĩnh Lại" (inside a sentence)."""
        return f"{self.kind} {self.name}".strip()

    @property
    def title(self) -> str:
        """"Xã Vĩnh Lại" (at the start of a sentence, in a list)."""
        return sentence_start(self.full)

    @property
    def heading(self) -> str:
        return upper(self.full)

    @property
    def committee(self) -> str:
        """"Ủy ban nhân dân xã Vĩnh Lại"."""
        return f"{COMMITTEE} {self.full}"

    @property
    def committee_short(self) -> str:
        return f"UBND {self.full}"

    @property
    def committee_heading(self) -> str:
        return f"ỦY BAN NHÂN DÂN\n{self.heading}"

    @property
    def police_unit(self) -> str:
        """"Công an xã" / "Công an phường" / "Công an đặc khu" (the unit inside the commune)."""
        return f"Công an {self.kind}".strip()

    @property
    def police(self) -> str:
        """"Công an phường Hải An"."""
        return f"Công an {self.full}"

    @property
    def chair_title(self) -> str:
        """"Chủ tịch Ủy ban nhân dân xã Vĩnh Lại"."""
        return f"Chủ tịch {self.committee}"


def commune_names(commune_type: str | None, name: str) -> CommuneNames:
    return CommuneNames(COMMUNE_KINDS.get(commune_type or "", ""), unicodedata.normalize("NFC", (name or "").strip()))


_POLICE = re.compile(r"^(Công an)\s+(xã|phường|đặc khu)\b", re.IGNORECASE)


def police_unit_name(unit_name: str, names: CommuneNames) -> str:
    """A unit called "Công an xã" in a phường is that phường's police: "Công an phường"."""
    match = _POLICE.match(unit_name or "")
    if not match or not names.kind:
        return unit_name
    return f"Công an {names.kind}{unit_name[match.end():]}"


def with_commune(unit_name: str, names: CommuneNames) -> str:
    """"Công an phường" -> "Công an phường Hải An"; a name that already says the place stays."""
    unit_name = police_unit_name(unit_name, names)
    if not names.name or names.name.lower() in unit_name.lower():
        return unit_name
    if unit_name.lower() == names.police_unit.lower():
        return names.police
    return f"{unit_name} {names.full}"


def abbreviate(text: str) -> str:
    """Replace the phrases NĐ 30 allows to abbreviate in a heading (Ủy ban nhân dân -> UBND)."""
    for phrase, short in OFFICIAL_ABBREVIATIONS:
        text = re.sub(re.escape(phrase), short, text, flags=re.IGNORECASE)
    return text


def heading_lines(name: str, width: int = HEADER_LINE_CHARS, max_lines: int = HEADER_MAX_LINES) -> str:
    """An organisation's name as a heading, in capitals, never longer than ``max_lines`` lines of the
    title block: a long name is first abbreviated as NĐ 30 allows (UBND, HĐND), then cut at a word
    with "…". Word wraps the lines itself; line breaks already in the name are kept."""
    lines = [" ".join(line.split()) for line in (name or "").splitlines()]
    text = "\n".join(line for line in lines if line)
    if _line_count(text, width) > max_lines:
        text = abbreviate(text)
    if _line_count(text, width) > max_lines:
        text = _cut(text.replace("\n", " "), width * max_lines)
    return upper(text)


def _line_count(text: str, width: int) -> int:
    return sum(max(1, -(-len(line) // width)) for line in text.split("\n")) if text else 0


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;-") + "…"
