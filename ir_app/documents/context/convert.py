"""Plain dict <-> contract: checks a dict against the dataclasses and turns it back."""
from __future__ import annotations

import types
import typing
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Mapping

from ir_app.documents.context.contract import ContextError, DocumentContext
from ir_app.documents.text import clean_text


# --------------------------------------------------------------------------- dict <-> contract
@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def context_from_dict(raw: Mapping[str, Any] | DocumentContext) -> DocumentContext:
    """Check a plain dict against the contract; unknown keys raise ``ContextError``."""
    if isinstance(raw, DocumentContext):
        return raw
    return _build(DocumentContext, raw, "")


def to_template_dict(context: DocumentContext | Mapping[str, Any]) -> dict[str, Any]:
    """The nested plain dict (lists for tuples) a template sees."""
    return _plain(context_from_dict(context))


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _build(cls: type, raw: Any, path: str) -> Any:
    if isinstance(raw, cls):
        return raw
    if not isinstance(raw, Mapping):
        raise ContextError(path or "$", f"phải là một bảng (dict), nhận được {type(raw).__name__}")
    known = {f.name: f for f in fields(cls)}
    hints = _hints(cls)
    kwargs = {}
    for key, value in raw.items():
        where = f"{path}.{key}" if path else str(key)
        spec = known.get(key)
        if spec is None:
            raise ContextError(where, "trường không có trong hợp đồng dữ liệu của mẫu")
        if spec.init:
            kwargs[key] = _convert(hints[key], value, where)
    try:
        return cls(**kwargs)
    except ContextError:
        raise
    except (TypeError, ValueError) as exc:
        raise ContextError(path or "$", str(exc)) from exc


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        origin = typing.get_origin(hint)
    if origin is tuple:
        if value is None:
            return ()
        if isinstance(value, (str, bytes, Mapping)):
            raise ContextError(path, "phải là một danh sách")
        item_hint = typing.get_args(hint)[0]
        return tuple(_convert(item_hint, item, f"{path}[{i}]") for i, item in enumerate(value))
    if is_dataclass(hint):
        return _build(hint, value if value is not None else {}, path)
    return _scalar(hint, value, path)


def _scalar(hint: Any, value: Any, path: str) -> Any:
    try:
        if hint is str:
            return "" if value is None else clean_text(str(value))
        if hint is bool:
            return bool(value)
        if hint is int:
            if isinstance(value, bool):
                raise TypeError("bool")
            return 0 if value is None else int(value)
        if hint is datetime:
            return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if hint is date:
            if isinstance(value, datetime):
                return value.date()
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError) as exc:
        raise ContextError(path, f"giá trị không hợp lệ {value!r} ({exc})") from exc
    return value
