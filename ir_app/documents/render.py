"""The one DOCX renderer (docxtpl): dossier forms (``render_document``, the context contract),
incident reports and summaries (``render_docx``, a plain dict), drafts, and the check of uploaded
templates.

Templates may come from an admin's upload, so they are untrusted code, rendered in the sandbox of
ir_app.documents.sandbox:
- Jinja runs in an ``ImmutableSandboxedEnvironment`` (no attribute starting with "_", no
  mutation of lists/dicts, ``range`` capped) with strict undefined values;
- before compiling, the syntax tree is checked for constructs that have no business in a form
  (``self``, ``config``, ``_``-attributes, include/import/extends, recursive loops), so the user
  gets a clear Vietnamese message instead of an empty render;
- work is bounded and every render is time-boxed (checked at upload too);
- every failure becomes ``DocumentError`` (a message safe to show); bytes are returned only when
  the whole document rendered, so nothing half-written ever reaches a file.

Output is deterministic: core properties and zip timestamps come from ``generated_at``.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from ir_app.documents.catalog import DocumentCatalogue, RequiredField, load_documents
from ir_app.documents.context import (
    DEFAULT_REGIME,
    REGIMES,
    ContextError,
    DocumentContext,
    sample_context,
    to_template_dict,
)
from ir_app.documents.package import build_zip, normalise_zip
from ir_app.documents.sandbox import ForbiddenExpression, render_budget, template_environment
from ir_app.documents.text import safe_filename
from ir_app.domain.text import clean_text

__all__ = ["DocumentError", "Properties", "render_document", "render_docx", "render_draft", "check_template", "missing_fields",
           "safe_filename", "build_zip", "template_environment"]

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024   # a zip bomb stops here


class DocumentError(Exception):
    """A document could not be produced; the message is Vietnamese and safe to show users."""


# --------------------------------------------------------------------------- rendering
def _read_template(template: bytes | bytearray | str | Path | io.BytesIO) -> bytes:
    if isinstance(template, (bytes, bytearray)):
        data = bytes(template)
    elif isinstance(template, io.BytesIO):
        data = template.getvalue()
    else:
        try:
            data = Path(template).read_bytes()
        except OSError as exc:
            raise DocumentError(f"Không đọc được tệp mẫu: {exc.strerror or exc}") from exc
    _check_package(data)
    return data


def _check_package(data: bytes) -> None:
    if len(data) > MAX_TEMPLATE_BYTES:
        raise DocumentError(f"Tệp mẫu quá lớn (tối đa {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB).")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError("Tệp tải lên không phải tệp Word (.docx) hợp lệ.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            unpacked = sum(info.file_size for info in infos)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DocumentError("Tệp tải lên không phải tệp Word (.docx) hợp lệ.") from exc
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise DocumentError("Tệp tải lên không phải tệp Word (.docx): thiếu phần nội dung văn bản.")
    if unpacked > MAX_UNPACKED_BYTES:
        raise DocumentError("Tệp mẫu giải nén quá lớn, có thể là tệp độc hại.")


def _context(context: DocumentContext | Mapping[str, Any]) -> tuple[dict[str, Any], datetime]:
    try:
        data = to_template_dict(context)
    except ContextError as exc:
        raise DocumentError(f"Dữ liệu văn bản không hợp lệ ở trường “{exc.path}”: {exc.reason}.") from exc
    generated_at = data["generated_at"]
    if not isinstance(generated_at, datetime):
        raise DocumentError("Dữ liệu văn bản thiếu thời điểm tạo (generated_at).")
    return data, generated_at


def render_document(template: bytes | str | Path | io.BytesIO,
                    context: DocumentContext | Mapping[str, Any]) -> bytes:
    """Fill a dossier form (the ``DocumentContext`` contract, or its dict) into a docxtpl template.

    Raises ``DocumentError`` with a Vietnamese message on any failure.
    """
    data = _read_template(template)
    values, generated_at = _context(context)
    return _render(data, values, generated_at, None)


@dataclass(frozen=True)
class Properties:
    """Who wrote the document (File › Info in Word): the commune, not python-docx's placeholder."""
    title: str
    author: str


def render_docx(template: bytes | str | Path | io.BytesIO, values: Mapping[str, Any], generated_at: datetime,
                properties: Properties | None = None) -> bytes:
    """Fill any template (incident reports, summaries) from a plain dict, in the same sandbox and
    with the same limits as the dossier forms; ``DocumentError`` on any failure."""
    return _render(_read_template(template), dict(values), generated_at, properties)


def _render(data: bytes, values: dict[str, Any], generated_at: datetime, properties: Properties | None) -> bytes:
    from docxtpl import DocxTemplate  # python-docx and lxml: loaded by the first document, not by every worker

    try:
        with render_budget():
            doc = DocxTemplate(io.BytesIO(data))
            doc.render(values, jinja_env=template_environment())
        keep_signature_with_body(doc.docx)
        _fix_properties(doc.docx, generated_at, properties)
        buffer = io.BytesIO()
        doc.save(buffer)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure becomes one clear message
        raise DocumentError(_explain(exc, data)) from exc
    return normalise_zip(buffer.getvalue(), generated_at)


def keep_signature_with_body(document) -> None:
    """After rendering, tie the signature block (the last table of the body) to what precedes it,
    so it never starts a page on its own (NĐ 30: the signature follows the text). A template can
    only mark paragraphs; a table that ends the text has its rows repeated by the loop, so its
    last row is marked here, once the rows exist."""
    from docx.oxml.ns import qn

    body = document.element.body
    children = [child for child in body.iterchildren() if child.tag != qn("w:sectPr")]
    tables = [index for index, child in enumerate(children) if child.tag == qn("w:tbl")]
    if not tables:
        return
    for element in reversed(children[:tables[-1]]):
        if element.tag == qn("w:tbl"):
            rows = element.findall(qn("w:tr"))
            if rows:
                _keep_next(rows[-1].iter(qn("w:p")))
                trpr = rows[-1].get_or_add_trPr()
                if trpr.find(qn("w:cantSplit")) is None:
                    trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
            return
        if element.tag != qn("w:p"):
            return
        _keep_next([element])
        if "".join(element.itertext()).strip():
            return


def _keep_next(paragraphs) -> None:
    for paragraph in paragraphs:
        paragraph.get_or_add_pPr().get_or_add_keepNext()


def render_draft(template: bytes | str | Path | io.BytesIO, context: Mapping[str, Any], doc_key: str,
                 regime: str | None = None, catalogue: DocumentCatalogue | None = None) -> tuple[bytes, list[str]]:
    """A draft at any time: missing fields marked and highlighted, "DỰ THẢO" on every page.
    Returns the bytes and the labels of what is still missing."""
    from ir_app.documents.draft import finish_draft, mark_missing

    _, generated_at = _context_loose(context)
    missing = missing_required(doc_key, context, regime, catalogue)
    data = render_document(template, mark_missing(context, missing))
    return finish_draft(data, generated_at), [field.label for field in missing]


def _fix_properties(docx, when: datetime, properties: Properties | None = None) -> None:
    stamp = when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when
    props = docx.core_properties
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.last_modified_by = "ATTT xã"
    if properties is not None:
        props.title, props.author = clean_text(properties.title), clean_text(properties.author)
        props.last_modified_by = props.author
        props.language = "vi-VN"
        props.comments = props.keywords = props.category = props.subject = ""


_UNSAFE = re.compile(r"access to attribute '([^']*)' of '([^']*)' object is unsafe")
_MISSING = re.compile(r"has no attribute '([^']*)'|'([^']*)' is undefined")


def _explain(exc: BaseException, source: bytes = b"") -> str:
    snippet = getattr(exc, "snippet", "") or _docx_context(exc)
    if isinstance(exc, ForbiddenExpression):
        return f"Mẫu có biểu thức không được phép: {exc.what}{_where(snippet)}."
    if isinstance(exc, SecurityError):
        unsafe = _UNSAFE.search(str(exc))
        what = f"truy cập thuộc tính “{unsafe.group(1)}”" if unsafe else str(exc).rstrip(".")
        return f"Mẫu có biểu thức không được phép: {what}{_where(snippet)}."
    if isinstance(exc, OverflowError):
        return "Mẫu có biểu thức không được phép: số, dãy số hoặc vòng lặp quá lớn."
    if isinstance(exc, TemplateSyntaxError):
        return (f"Mẫu có lỗi cú pháp (thẻ {{{{ }}}} hoặc {{% %}} chưa đóng, viết sai hoặc bị tách): "
                f"{exc.message}{_where(snippet)}.")
    if isinstance(exc, UndefinedError):
        missing = _MISSING.search(exc.message or "")
        name = next((g for g in missing.groups() if g), "") if missing else ""
        snippet = snippet or _find_tag(source, name)
        what = f"“{name}”" if name else (exc.message or "")
        return (f"Mẫu dùng trường không có trong dữ liệu: {what}{_where(snippet)}; xem danh sách trường "
                f"trong level_dossiers/templates/README.md.")
    if isinstance(exc, TemplateError):
        return f"Mẫu có lỗi khi điền dữ liệu: {(exc.message or str(exc)).rstrip('.')}{_where(snippet)}."
    return f"Không tạo được văn bản từ mẫu ({type(exc).__name__}: {exc})."


def _where(snippet: str) -> str:
    return f" (ở đoạn: “{snippet}”)" if snippet else ""


def _find_tag(source: bytes, name: str) -> str:
    """The first tag of the template that mentions ``name`` (runtime errors carry no line)."""
    if not source or not name:
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return ""
    text = re.sub(r"<[^>]+>", "", xml)
    for tag in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text):
        if re.search(rf"\b{re.escape(name)}\b", tag):
            return tag[:160]
    return ""


def _docx_context(exc: BaseException) -> str:
    lines = [line.strip() for line in getattr(exc, "docx_context", None) or () if line.strip()]
    return " ".join(lines)[:160]


# --------------------------------------------------------------------------- checking uploads
def check_template(template_bytes: bytes, *, regime: str = DEFAULT_REGIME, doc_key: str | None = None,
                   levels: tuple[int, ...] = (1, 3, 5)) -> list[str]:
    """Problems with an uploaded template, in Vietnamese; an empty list means it is usable.

    Opens it as a .docx, then renders it with ``sample_context`` at each level and reopens the
    result. A template-wide problem (syntax, forbidden expression) is reported once.
    """
    from docx import Document

    try:
        data = _read_template(template_bytes)
        Document(io.BytesIO(data))
    except DocumentError as exc:
        return [str(exc)]
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for a broken package
        return ["Tệp tải lên không mở được bằng Word (.docx hỏng hoặc sai định dạng)."]
    if regime not in REGIMES:
        return [f"Chế độ “{regime}” không được hỗ trợ ({', '.join(REGIMES)})."]
    key = doc_key if _known(regime, doc_key) else None
    failures: dict[str, list[int]] = {}
    for level in levels:
        try:
            rendered = render_document(data, sample_context(level, regime, key))
            Document(io.BytesIO(rendered))
        except DocumentError as exc:
            if isinstance(exc.__cause__, (TemplateSyntaxError, SecurityError, OverflowError)):
                return [str(exc)]  # the same at every level
            failures.setdefault(str(exc), []).append(level)
        except Exception:  # noqa: BLE001 - the rendered file itself did not reopen
            failures.setdefault("Văn bản tạo ra không mở lại được bằng Word.", []).append(level)
    return [message if len(failed) == len(levels) else
            f"Cấp độ {', '.join(map(str, failed))}: {message}" for message, failed in failures.items()]


def _known(regime: str, doc_key: str | None) -> bool:
    if not doc_key:
        return False
    try:
        load_documents().get(regime, doc_key)
    except KeyError:
        return False
    return True


# --------------------------------------------------------------------------- required fields
def missing_fields(doc_key: str, context: DocumentContext | Mapping[str, Any], regime: str | None = None,
                   catalogue: DocumentCatalogue | None = None) -> list[str]:
    """Vietnamese labels of the document's required fields that are empty ("Còn thiếu: …")."""
    return [field.label for field in missing_required(doc_key, context, regime, catalogue)]


def missing_required(doc_key: str, context: DocumentContext | Mapping[str, Any], regime: str | None = None,
                     catalogue: DocumentCatalogue | None = None) -> list[RequiredField]:
    """The document's required fields that are empty (path and label)."""
    values, _ = _context_loose(context)
    regime = regime or values["regime"]["id"]
    spec = (catalogue or load_documents()).get(regime, doc_key)
    level = values["dossier"]["proposed_level"]
    return [field for field in spec.required_for(level) if _is_empty(_lookup(values, field.path))]


def _context_loose(context: DocumentContext | Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    try:
        values = to_template_dict(context)
    except ContextError as exc:
        raise DocumentError(f"Dữ liệu văn bản không hợp lệ ở trường “{exc.path}”: {exc.reason}.") from exc
    return values, values.get("generated_at")


def _lookup(values: Mapping[str, Any], path: str) -> Any:
    current: Any = values
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return False
