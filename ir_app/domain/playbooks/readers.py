"""Readers for the raw dicts: typed fields, identifiers, lists, dates and duplicate checks."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from ir_app.domain.playbooks.errors import PlaybookError, _Problems

_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _mapping(raw: Any, source: object, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise PlaybookError(source, what, "nội dung phải là một bảng khóa: giá trị (mapping)")
    return raw


def _text(raw: Mapping, key: str, problems: _Problems, where: str, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            problems.add(where, "thiếu trường bắt buộc")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(where, "phải là chuỗi ký tự không rỗng")
        return ""
    return value


def _ident(raw: Mapping, key: str, problems: _Problems, where: str) -> str:
    value = _text(raw, key, problems, where)
    if value and not _ID.fullmatch(value):
        problems.add(where, f"'{value}' không hợp lệ: chỉ dùng chữ thường không dấu, số, '-' hoặc '_'")
    return value


def _texts(raw: Mapping, key: str, problems: _Problems, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        problems.add(where, "phải là danh sách các chuỗi không rỗng")
        return ()
    return tuple(value)


def _flag(raw: Mapping, key: str, problems: _Problems, where: str, default: bool = False) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        problems.add(where, "phải là true hoặc false")
        return default
    return value


def _items(raw: Mapping, key: str, problems: _Problems, where: str) -> list[Mapping]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        problems.add(where, "phải là danh sách không rỗng")
        return []
    good = [item for item in value if isinstance(item, Mapping)]
    if len(good) != len(value):
        problems.add(where, "mỗi phần tử phải là một bảng khóa: giá trị")
    return good


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_ONLY.fullmatch(value):
        return date.fromisoformat(value)
    raise ValueError(f"'{value}' không phải ngày dạng YYYY-MM-DD")


def _unique(ids: Iterable[str], problems: _Problems, where: str, what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            problems.add(where, f"{what} '{item}' bị trùng")
        seen.add(item)
