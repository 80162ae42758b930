"""Drafts: a document rendered at any time, before every field is filled.

A draft is the same template filled with what the records hold; each missing text field prints
as a highlighted "[Còn thiếu: …]" marker, and every page carries "DỰ THẢO" in large grey letters
at its top, so a draft is never mistaken for the issued document (blocked until complete).
"""
from __future__ import annotations

import copy
import io
import zipfile
from functools import lru_cache
from typing import Any, Mapping

from lxml import etree

from ir_app.documents.catalog import RequiredField
from ir_app.documents.package import normalise_zip

MARK_OPEN, MARK_CLOSE = "[Còn thiếu: ", "]"
WATERMARK = "DỰ THẢO"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@lru_cache(maxsize=1)
def _text_paths() -> frozenset[str]:
    from ir_app.documents.context import field_reference

    return frozenset(info.path for info in field_reference() if info.type == "chuỗi" and not info.derived)


def mark_missing(context: Mapping[str, Any], missing: list[RequiredField]) -> dict[str, Any]:
    """A copy of the context where each missing text field says what is missing."""
    marked = copy.deepcopy(dict(context))
    for field in missing:
        if field.path not in _text_paths():
            continue  # a list, a number or a date: listed on the page, left empty in the draft
        parent: Any = marked
        *head, last = field.path.split(".")
        for part in head:
            parent = parent.setdefault(part, {}) if isinstance(parent, dict) else None
            if parent is None:
                break
        if isinstance(parent, dict):
            parent[last] = f"{MARK_OPEN}{field.label}{MARK_CLOSE}"
    return marked


def finish_draft(data: bytes, when) -> bytes:
    """Highlight the markers and put the watermark in every header of a rendered draft."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml" or info.filename.startswith("word/header"):
                content = _highlight(content)
            if info.filename.startswith("word/header"):
                content = _watermark(content)
            target.writestr(info, content)
    return normalise_zip(out.getvalue(), when)


def _highlight(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for run in root.iter(f"{{{_W}}}r"):
        text = "".join(t.text or "" for t in run.iter(f"{{{_W}}}t"))
        if MARK_OPEN not in text:
            continue
        rpr = run.find(f"{{{_W}}}rPr")
        if rpr is None:
            rpr = etree.Element(f"{{{_W}}}rPr")
            run.insert(0, rpr)
        highlight = etree.Element(f"{{{_W}}}highlight")
        highlight.set(f"{{{_W}}}val", "yellow")
        # schema order: highlight sits after sz/szCs and before u, effect, bdr, shd, … lang
        after = {"u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
                 "specVanish", "oMath", "rPrChange"}
        position = next((i for i, child in enumerate(rpr) if etree.QName(child).localname in after), len(rpr))
        rpr.insert(position, highlight)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_MARK_PARAGRAPH = ('<w:p xmlns:w="{w}"><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/>'
                   '<w:color w:val="A6A6A6"/><w:spacing w:val="40"/><w:sz w:val="36"/></w:rPr>'
                   '<w:t>{text}</w:t></w:r></w:p>')


def _watermark(xml: bytes) -> bytes:
    """"DỰ THẢO" in large grey letters at the top of every page (first page included): plain text,
    so it shows the same in Word, LibreOffice and a PDF, and survives printing."""
    root = etree.fromstring(xml)
    root.insert(0, etree.fromstring(_MARK_PARAGRAPH.format(w=_W, text=WATERMARK)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
