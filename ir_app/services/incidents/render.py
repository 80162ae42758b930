"""Render the incident report templates (playbooks/reports/*.docx) from a plain dict.

The templates are Word files an admin may edit, so they are rendered in a sandboxed Jinja
environment: a template can read the context and nothing else. The shared DOCX engine
(ir_app.documents) will take this job over; ``render_report`` is the one entry point to swap.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ir_app.config import load_config
from ir_app.documents.package import normalise_zip
from ir_app.documents.render import keep_signature_with_body
from ir_app.domain.text import clean_text

TEMPLATES = {
    "initial_report": "initial_report.docx",    # NĐ 331 Đ31.2.d + TT 20/2017 Biểu mẫu 03
    "final_report": "final_report.docx",        # TT 20/2017 Biểu mẫu 04
    "pdp_notice": "pdp_notice.docx",            # NĐ 356/2025 Đ28, Mẫu số 08
    "breach_record": "breach_record.docx",      # biên bản xác nhận vi phạm dữ liệu cá nhân
    "summary": "incident_summary.docx",         # tổng hợp tuần / tháng
    "drill_report": "drill_report.docx",        # kết quả diễn tập (issue 16)
}


def templates_dir() -> Path:
    return Path(load_config()["IR_PLAYBOOKS_DIR"]) / "reports"


def render_report(kind: str, context: dict[str, Any], folder: Path | None = None) -> bytes:
    """The DOCX for ``kind`` (a key of TEMPLATES) filled with ``context``."""
    if kind not in TEMPLATES:
        raise KeyError(f"không có mẫu báo cáo '{kind}'")
    template = DocxTemplate(str(Path(folder or templates_dir()) / TEMPLATES[kind]))
    template.render(_clean(context), jinja_env=ImmutableSandboxedEnvironment(), autoescape=True)
    keep_signature_with_body(template.docx)
    when = context.get("generated_at")
    if isinstance(when, datetime):
        _properties(template.docx, str(context.get("doc_title") or ""), str(context.get("doc_author") or ""), when)
    buffer = io.BytesIO()
    template.save(buffer)
    return normalise_zip(buffer.getvalue(), when) if isinstance(when, datetime) else buffer.getvalue()


def _properties(document, title: str, author: str, when: datetime) -> None:
    """Who wrote it and when: the commune and the moment it was generated (not python-docx's
    placeholder "python-docx, 2013")."""
    stamp = when.astimezone(timezone.utc).replace(tzinfo=None)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = clean_text(title), clean_text(author), clean_text(author)
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    props.language = "vi-VN"
    props.comments = props.keywords = props.category = props.subject = ""


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        # Characters Word cannot store (XML 1.0), plus \a and \f which docxtpl would turn into
        # paragraph and page breaks: user text must never reshape the document.
        return clean_text(value)
    if isinstance(value, Mapping):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value
