"""The field reference for template authors: every field with type, meaning and example."""
from __future__ import annotations

import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from typing import Any, Mapping

from ir_app.documents.context.contract import DocumentContext
from ir_app.documents.context.convert import _hints, to_template_dict
from ir_app.documents.context.samples import sample_context


# --------------------------------------------------------------------------- field reference
@dataclass(frozen=True)
class FieldInfo:
    path: str
    type: str
    description: str
    example: str
    derived: bool = False


def field_reference() -> list[FieldInfo]:
    """Every field a template may use, with its type, meaning and an example (level 3 sample)."""
    sample = to_template_dict(sample_context(3))
    rows: list[FieldInfo] = []
    _walk(DocumentContext, "", sample, rows)
    return rows


def _walk(cls: type, prefix: str, example: Any, rows: list[FieldInfo]) -> None:
    hints = _hints(cls)
    for spec in fields(cls):
        path = f"{prefix}{spec.name}"
        hint = hints[spec.name]
        value = example.get(spec.name) if isinstance(example, Mapping) else None
        kind, inner = _type_name(hint)
        rows.append(FieldInfo(path, kind, spec.metadata.get("vi", ""), _example(value, inner),
                              bool(spec.metadata.get("derived"))))
        if inner is not None and is_dataclass(inner):
            child = value[0] if isinstance(value, list) and value else value
            suffix = "[]." if kind.startswith("danh sách") else "."
            _walk(inner, f"{path}{suffix}", child if isinstance(child, Mapping) else {}, rows)


def _type_name(hint: Any) -> tuple[str, Any]:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        name, inner = _type_name(args[0])
        return f"{name} hoặc trống", inner
    if typing.get_origin(hint) is tuple:
        inner = typing.get_args(hint)[0]
        return ("danh sách bảng" if is_dataclass(inner) else "danh sách chuỗi"), inner
    if is_dataclass(hint):
        return "bảng", hint
    return {str: "chuỗi", int: "số nguyên", bool: "đúng/sai", date: "ngày",
            datetime: "ngày giờ"}.get(hint, getattr(hint, "__name__", str(hint))), None


def _example(value: Any, inner: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, Mapping) or (isinstance(value, list) and inner is not None and is_dataclass(inner)):
        return f"({len(value)} mục)" if isinstance(value, list) else ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value[:2]) + (" …" if len(value) > 2 else "")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\n", "\\n")
    return text if len(text) <= 70 else text[:67] + "…"
