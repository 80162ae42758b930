"""Put the design diagram into a rendered thuyết minh, right after its physical-model line.

The templates stay plain text fields ({{ system.physical_model }}), so an admin's own template keeps
working: the picture follows the paragraph that starts "b) Mô hình vật lý" (or any paragraph naming
"Mô hình vật lý" when the form was reworded); a document without such a line is left as it is.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

from ir_app.documents.package import normalise_zip
from ir_app.domain.text import clean_text

ANCHOR = "mô hình vật lý"
PICTURE_WIDTH_CM = 16


def _anchor(document):
    candidates = [p for p in document.paragraphs if ANCHOR in p.text.lower()]
    lettered = [p for p in candidates if p.text.strip().lower().startswith("b)")]
    return (lettered or candidates or [None])[0]


def embed_diagram(docx: bytes, picture_png: Callable[[], bytes], caption: str, generated_at: datetime) -> bytes:
    """``docx`` with the picture (drawn only when the document has a place for it) and its caption
    after the physical-model paragraph."""
    from docx import Document  # python-docx: loaded by the first document, not by every worker
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = Document(io.BytesIO(docx))
    anchor = _anchor(document)
    if anchor is None:
        return docx
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(picture_png()), width=Cm(PICTURE_WIDTH_CM))
    label = document.add_paragraph()
    label.alignment = WD_ALIGN_PARAGRAPH.CENTER
    label.add_run(clean_text(caption, multiline=False)).italic = True
    anchor._p.addnext(picture._p)  # noqa: SLF001 - python-docx has no public "insert after"
    picture._p.addnext(label._p)  # noqa: SLF001
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), generated_at)
