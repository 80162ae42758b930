"""The sandbox every DOCX template is rendered in (dossier forms, incident reports, uploads).

Templates may come from an admin's upload, so they are untrusted code: an
``ImmutableSandboxedEnvironment`` with strict undefined values; a syntax-tree check for constructs
that have no business in a form; bounded work (powers, repeats, joins, ``range``, format widths)
and a per-render budget of loop turns and calls with a deadline (``RENDER_SECONDS``).
"""
from __future__ import annotations

import operator
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ir_app.documents.text import vn_date, vn_date_long, vn_number

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


@contextmanager
def render_budget() -> Iterator[None]:
    """One render's allowance of loop turns, calls and time (``MAX_STEPS``, ``RENDER_SECONDS``)."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


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


class ForbiddenExpression(SecurityError):
    def __init__(self, what: str, lineno: int | None) -> None:
        super().__init__(what)
        self.what = what
        self.lineno = lineno


def _check_tree(tree: nodes.Template, source: str) -> None:
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Filter, nodes.For,
                               nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        what = _forbidden(node)
        if what:
            error = ForbiddenExpression(what, getattr(node, "lineno", None))
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
