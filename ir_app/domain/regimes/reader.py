"""Typed access to a raw regime dict whose every failure names the file and the JSON path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NoReturn

from ir_app.domain.regimes.model import LEVELS, MonthDay

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CRITERION_ID = re.compile(r"^[a-z0-9]+\.l([1-5])\.[a-z0-9_]+$")
_ARTICLE = re.compile(r"^Đ[0-9]+(\.[0-9]+)?(\.[a-zđ])?$")
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


class RegimeError(ValueError):
    """A regime file is unusable; names the file, the field (JSON path) and the reason."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        super().__init__(f"{source}: {field}: {reason}")


class _Reader:
    """Typed access to the raw dict; every failure names the source and the JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, reason: str) -> NoReturn:
        raise RegimeError(self.source, path, reason)

    def mapping(self, raw: Any, path: str, allowed: Iterable[str] | None = None) -> Mapping:
        if not isinstance(raw, Mapping):
            self.fail(path, "phải là một đối tượng (mapping)")
        if allowed is not None:
            unknown = sorted(str(k) for k in raw if k not in set(allowed))
            if unknown:
                self.fail(f"{path}.{unknown[0]}", "khóa không được hỗ trợ")
        return raw

    def value(self, raw: Mapping, key: str, path: str, kinds: tuple[type, ...], what: str,
              required: bool = True, default: Any = None) -> Any:
        if key not in raw or raw[key] is None:
            if required:
                self.fail(f"{path}.{key}", "thiếu giá trị bắt buộc")
            return default
        value = raw[key]
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            self.fail(f"{path}.{key}", f"phải là {what}")
        return value

    def text(self, raw: Mapping, key: str, path: str, required: bool = True) -> str:
        value = self.value(raw, key, path, (str,), "chuỗi ký tự", required, "")
        if required and not value.strip():
            self.fail(f"{path}.{key}", "không được để trống")
        return value

    def integer(self, raw: Mapping, key: str, path: str, required: bool = True) -> int | None:
        return self.value(raw, key, path, (int,), "số nguyên", required)

    def flag(self, raw: Mapping, key: str, path: str, default: bool = False) -> bool:
        return self.value(raw, key, path, (bool,), "true hoặc false", False, default)

    def items(self, raw: Mapping, key: str, path: str, required: bool = True) -> list:
        value = self.value(raw, key, path, (list,), "một danh sách", required, [])
        if required and not value:
            self.fail(f"{path}.{key}", "danh sách không được rỗng")
        return value

    def day(self, raw: Mapping, key: str, path: str, required: bool = True) -> date | None:
        value = self.value(raw, key, path, (str, date), "ngày dạng YYYY-MM-DD", required)
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{path}.{key}", "phải là ngày dạng YYYY-MM-DD")

    def month_day(self, raw: Mapping, key: str, path: str) -> MonthDay:
        value = self.text(raw, key, path)
        match = _MONTH_DAY.match(value)
        if not match:
            self.fail(f"{path}.{key}", "phải có dạng MM-DD, ví dụ 12-15")
        month_day = MonthDay(int(match[1]), int(match[2]))
        try:
            month_day.in_year(2023)  # a non-leap year rejects 02-29 and 04-31 alike
        except ValueError:
            self.fail(f"{path}.{key}", "không phải ngày có thật")
        return month_day

    def choice(self, raw: Mapping, key: str, path: str, allowed: Iterable[str]) -> str:
        value = self.text(raw, key, path)
        if value not in tuple(allowed):
            self.fail(f"{path}.{key}", f"phải là một trong: {', '.join(allowed)}")
        return value

    def levels(self, raw: Mapping, key: str, path: str) -> tuple[int, ...]:
        values = self.items(raw, key, path)
        for index, level in enumerate(values):
            if isinstance(level, bool) or level not in LEVELS:
                self.fail(f"{path}.{key}[{index}]", "cấp độ phải từ 1 đến 5")
        if len(set(values)) != len(values):
            self.fail(f"{path}.{key}", "cấp độ bị lặp")
        return tuple(values)


def _per_level(r: _Reader, entries: list[tuple[str, tuple[int, ...], Any]], what: str,
               path: str) -> None:
    """Each level appears in exactly one entry (per ``what`` key)."""
    seen: dict[tuple[str, int], str] = {}
    for where, levels, key in entries:
        for level in levels:
            if (key, level) in seen:
                r.fail(where, f"{what} cấp độ {level} đã khai báo ở {seen[(key, level)]}")
            seen[(key, level)] = where
    for key in {key for _, _, key in entries}:
        for level in LEVELS:
            if (key, level) not in seen:
                label = f"{what} '{key}'" if key else what
                r.fail(path, f"thiếu {label} cho cấp độ {level}")
