"""Render DOCX templates (docxtpl) in a sandboxed Jinja environment; check uploaded templates.

Templates may come from an admin's upload, so they are untrusted code:
- Jinja runs in an ``ImmutableSandboxedEnvironment`` (no attribute starting with "_", no
  mutation of lists/dicts, ``range`` capped) with strict undefined values;
- before compiling, the syntax tree is checked for constructs that have no business in a form
  (``self``, ``config``, ``_``-attributes, include/import/extends, recursive loops), so the user
  gets a clear Vietnamese message instead of an empty render;
- work is bounded: powers and products of numbers, repeated or joined text and lists, ``range``,
  format widths; every loop turn and call is counted against a per-render budget and a deadline
  (``RENDER_SECONDS``), so a template cannot keep a server busy (checked at upload too);
- every failure becomes ``DocumentError`` (a message safe to show); bytes are returned only when
  the whole document rendered, so nothing half-written ever reaches a file.

Output is deterministic: core properties and zip timestamps come from ``generated_at``.
"""
from __future__ import annotations

import io
import operator
import re
import time
import zipfile
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

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
from ir_app.documents.text import safe_filename, vn_date, vn_date_long, vn_number
from ir_app.domain.text import clean_text

__all__ = ["DocumentError", "Properties", "render_document", "render_docx", "render_draft", "check_template", "missing_fields",
           "safe_filename", "build_zip", "template_environment"]

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024   # a zip bomb stops here
MAX_REPEAT = 10_000                       # "x" * n, [..] * n in a template
MAX_SEQUENCE = 1_000_000                  # characters or items one expression may build
MAX_INT_BITS = 4_096                      # about 1,200 digits: more than any form needs
MAX_RANGE = 10_000                        # range(n)
MAX_STEPS = 200_000                       # loop turns and calls in one render
RENDER_SECONDS = 5.0                      # one render, however it spends its time
FORBIDDEN_NAMES = frozenset({
    "self", "config", "request", "session", "g", "current_app", "current_user", "url_for",
    "get_flashed_messages", "lipsum", "cycler", "joiner", "namespace", "caller", "varargs", "kwargs",
})
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_VN_LETTERS = "abcdđeghiklmnopqrstuvxy"


class DocumentError(Exception):
    """A document could not be produced; the message is Vietnamese and safe to show users."""


# --------------------------------------------------------------------------- environment
def _finalize(value: Any) -> Any:
    """None prints as nothing; characters XML cannot hold are dropped (never a broken file)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    return value


def _upper(value: Any) -> str:
    return "" if value is None else str(value).upper()


def _vn_letter(index: Any) -> str:
    """0 -> a, 1 -> b, …, 4 -> đ: the Vietnamese alphabet used to letter points (điểm)."""
    number = int(index)
    return _VN_LETTERS[number] if 0 <= number < len(_VN_LETTERS) else str(number)


class _Budget:
    """What one render may still spend: loop turns and calls, and time."""

    def __init__(self) -> None:
        self.steps = MAX_STEPS
        self.deadline = time.monotonic() + RENDER_SECONDS

    def spend(self, steps: int = 1) -> None:
        self.steps -= steps
        if self.steps < 0:
            raise SecurityError(f"vòng lặp hoặc lời gọi quá nhiều lần (tối đa {MAX_STEPS:,} bước)".replace(",", "."))
        if self.steps % 512 < steps and time.monotonic() > self.deadline:
            raise SecurityError(f"mẫu chạy quá lâu (quá {RENDER_SECONDS:g} giây)")


_BUDGET: ContextVar[_Budget | None] = ContextVar("ir_render_budget", default=None)


def _spend(steps: int = 1) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend(steps)


def _counted(iterable: Any):
    """Every `{% for %}` iterates through this (the syntax tree is rewritten so)."""
    for item in iterable:
        _spend()
        yield item


def _sized(value: Any) -> Any:
    """After `~`: text built by concatenation stays bounded (doubling in a chain of `set`)."""
    if isinstance(value, str) and len(value) > MAX_SEQUENCE:
        raise SecurityError("chuỗi ghép quá dài")
    return value


def _bounded_range(*args: Any) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() quá lớn (tối đa {MAX_RANGE:,} phần tử)".replace(",", "."))
    _spend(len(numbers) // 100)
    return numbers


# A width or precision of 10,000+ characters, or one taken from an argument, in "%…" and "{:…}" formats.
_PERCENT_WIDTH = re.compile(r"%[-+ #0]*(?:\*|\d{5,})|%[-+ #0]*\d*\.(?:\*|\d{5,})")
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*(?:\d{5,}|\{)")


def _check_format(text: Any, pattern: re.Pattern[str] = _PERCENT_WIDTH) -> None:
    if isinstance(text, str) and pattern.search(text):
        raise SecurityError("độ rộng định dạng quá lớn")


def _check_size(size: int, what: str) -> None:
    if size > MAX_SEQUENCE:
        raise SecurityError(f"{what} quá lớn")


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise SecurityError("số quá lớn")


def _check_binop(op: str, left: Any, right: Any) -> None:
    """Refuse before computing: repeating text/lists, huge powers and products, long sums."""
    if op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        _check_bits(max(left.bit_length(), 1) * right)
        if right > MAX_INT_BITS:
            raise SecurityError("lũy thừa quá lớn")
    elif op == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                if count > MAX_REPEAT:
                    raise SecurityError("lặp chuỗi/danh sách quá lớn")
                _check_size(len(sequence) * count, "chuỗi/danh sách lặp")
        if isinstance(left, int) and isinstance(right, int):
            _check_bits(left.bit_length() + right.bit_length())
    elif op == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        _check_size(len(left) + len(right), "chuỗi/danh sách ghép")
    elif op == "%" and isinstance(left, str):
        _check_format(left)


def _guard_filter(name: str, check):
    """Wrap a built-in filter with a check of its arguments before it runs (the wrapper keeps
    Jinja's pass-context marker, so the check gets the same arguments as the filter)."""
    original = DEFAULT_FILTERS[name]

    @wraps(original)
    def guarded(*args: Any, **kwargs: Any):
        check(*args, **kwargs)
        return original(*args, **kwargs)

    return guarded


def _check_width(_value: Any = None, width: Any = 80, *_args: Any, **kwargs: Any) -> None:
    width = kwargs.get("width", width)
    if isinstance(width, int) and width > MAX_REPEAT:
        raise SecurityError("độ rộng quá lớn")


def _check_join(_eval_context: Any, value: Any, *_args: Any, **_kwargs: Any) -> None:
    if isinstance(value, (list, tuple)):
        _check_size(sum(len(item) if isinstance(item, str) else 1 for item in value), "chuỗi ghép")


def _check_replace(value: Any, old: Any = "", new: Any = "", *_args: Any, **_kwargs: Any) -> None:
    if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
        _check_size(len(value) + (value.count(old) if old else len(value) + 1) * len(new), "chuỗi thay thế")


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context, op, left, right):
        """Repeating strings/lists or huge numbers would let a template eat all memory and CPU."""
        _check_binop(op, left, right)
        return {"*": operator.mul, "**": operator.pow, "+": operator.add, "%": operator.mod}[op](left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        _spend()
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str):
            if name in ("center", "ljust", "rjust", "zfill", "expandtabs") and \
                    any(isinstance(arg, int) and arg > MAX_REPEAT for arg in args):
                raise SecurityError("độ rộng quá lớn")
            if name == "replace" and len(args) >= 2:
                _check_replace(__obj.__self__, *args[:2])
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_format(value.__self__, _BRACE_WIDTH)
        return wrapped

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's name
        if isinstance(source, str) and globals is None and template_class is None:
            return _compiled(self, source)
        tree = self.parse(source) if isinstance(source, str) else source
        _check_tree(tree, source if isinstance(source, str) else "")
        return super().from_string(_bound_work(tree), globals, template_class)


@lru_cache(maxsize=32)
def _compiled(env: _Sandbox, source: str):
    """Check and compile once per distinct template part: parsing and code generation are ~40 %
    of a render, and docxtpl hands over the same XML text for the same template every time.
    Failures raise and are therefore never cached."""
    tree = env.parse(source)
    _check_tree(tree, source)
    return ImmutableSandboxedEnvironment.from_string(env, _bound_work(tree))


def _bound_work(tree: nodes.Template) -> nodes.Template:
    """Route every loop through the step counter and every `~` through the size check."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, "ir_counted", [], [], None, None, lineno=loop.lineno)
    for parent in list(tree.find_all(nodes.Node)):
        for field in parent.fields:
            value = getattr(parent, field, None)
            if isinstance(value, nodes.Concat):
                setattr(parent, field, _sized_node(value))
            elif isinstance(value, list):
                setattr(parent, field, [_sized_node(item) if isinstance(item, nodes.Concat) else item
                                        for item in value])
    return tree


def _sized_node(node: nodes.Concat) -> nodes.Filter:
    return nodes.Filter(node, "ir_sized", [], [], None, None, lineno=node.lineno)


@lru_cache(maxsize=1)
def template_environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize,
                   keep_trailing_newline=True)
    env.filters.pop("random", None)  # output must not change between two renders
    env.filters.update(vn_date=vn_date, vn_date_long=vn_date_long, vn_number=vn_number,
                       vn_letter=_vn_letter, upper=_upper, ir_counted=_counted, ir_sized=_sized,
                       center=_guard_filter("center", _check_width), indent=_guard_filter("indent", _check_width),
                       join=_guard_filter("join", _check_join),
                       replace=_guard_filter("replace", lambda _eval_context, *args, **_k: _check_replace(*args)),
                       format=_guard_filter("format", lambda value, *_a, **_k: _check_format(value)))
    for name in ("lipsum", "cycler", "joiner", "namespace"):
        env.globals.pop(name, None)
    env.globals["range"] = _bounded_range
    return env


class _Forbidden(SecurityError):
    def __init__(self, what: str, lineno: int | None) -> None:
        super().__init__(what)
        self.what = what
        self.lineno = lineno


def _check_tree(tree: nodes.Template, source: str) -> None:
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Filter, nodes.For,
                               nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        what = _forbidden(node)
        if what:
            error = _Forbidden(what, getattr(node, "lineno", None))
            error.snippet = _snippet(source, error.lineno)
            raise error


def _forbidden(node: nodes.Node) -> str | None:
    if isinstance(node, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        return "lệnh extends/include/import"
    if isinstance(node, nodes.For) and node.recursive:
        return "vòng lặp đệ quy (recursive)"
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return f"thuộc tính “{node.attr}”"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
            and isinstance(node.arg.value, str) and node.arg.value.startswith("_"):
        return f"phần tử “{node.arg.value}”"
    if isinstance(node, nodes.Name) and node.name in FORBIDDEN_NAMES:
        return f"tên “{node.name}”"
    if isinstance(node, nodes.Filter):
        values = [a.value for a in node.args if isinstance(a, nodes.Const)]
        values += [k.value.value for k in node.kwargs if isinstance(k.value, nodes.Const)]
        hidden = [v for v in values if isinstance(v, str) and v.startswith("_")]
        if hidden:
            return f"thuộc tính “{hidden[0]}” (bộ lọc {node.name})"
    return None


def _snippet(source: str, lineno: int | None) -> str:
    """The paragraph text around a Jinja line (docxtpl puts each paragraph on its own line)."""
    if not source or not lineno:
        return ""
    lines = source.splitlines()
    for index in (lineno - 1, lineno - 2, lineno):
        if 0 <= index < len(lines):
            text = re.sub(r"<[^>]+>", "", lines[index]).strip()
            if text:
                return text[:160]
    return ""


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
    budget = _BUDGET.set(_Budget())
    try:
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
    finally:
        _BUDGET.reset(budget)
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
    if isinstance(exc, _Forbidden):
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
