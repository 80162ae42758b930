"""DOCX documents of the level dossier: templates, context contract, sandboxed rendering.

No Flask, no SQLAlchemy here: services build a plain dict (see ``context``), this package turns
it into .docx bytes. Public API:

- ``render_document(template, context) -> bytes`` and ``check_template(bytes) -> list[str]``
- ``render_draft(template, context, doc_key) -> (bytes, missing labels)``: "DỰ THẢO", gaps marked
- ``clean_text(str)`` (NFC, no control characters); ``names`` (commune and body names),
  ``signing`` (TM./KT./Q. signature blocks, NĐ 30/2020)
- ``missing_fields(doc_key, context) -> list[str]`` (labels for "Còn thiếu: …")
- ``build_zip(files, generated_at) -> bytes`` (with MANIFEST.txt / manifest.json)
- ``safe_filename(title)``, ``vn_date_text(date, place)``
- ``sample_context(level)``, ``field_reference()``, ``context_from_dict(dict)``
- ``load_documents()`` (level_dossiers/documents.yaml)
"""
from ir_app.documents.catalog import DocumentCatalogue, DocumentSpec, load_documents
from ir_app.documents.context import (
    ContextError,
    DocumentContext,
    context_from_dict,
    field_reference,
    plan_from_catalogue,
    sample_context,
    to_template_dict,
)
from ir_app.documents.package import build_zip
from ir_app.documents.render import DocumentError, check_template, missing_fields, render_document, render_draft
from ir_app.documents.text import clean_text, safe_filename, vn_date, vn_date_long, vn_date_text

__all__ = [
    "ContextError", "DocumentCatalogue", "DocumentContext", "DocumentError", "DocumentSpec",
    "build_zip", "check_template", "context_from_dict", "field_reference", "load_documents",
    "clean_text", "missing_fields", "plan_from_catalogue", "render_document", "render_draft", "safe_filename",
    "sample_context",
    "to_template_dict", "vn_date", "vn_date_long", "vn_date_text",
]
