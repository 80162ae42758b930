"""Conditions as data (all, any, not, fact comparisons): validating and evaluating them on facts."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ir_app.domain.playbooks.readers import _DATE_ONLY

_COMPARISONS = ("eq", "in", "is", "before", "after")


def validate_condition(cond: Any, facts: Iterable[str] | None = None) -> None:
    """Raise ValueError unless ``cond`` is a well-formed condition (None = always true)."""
    if cond is None:
        return
    known = None if facts is None else set(facts)
    _validate(cond, known)


def _validate(cond: Any, facts: set[str] | None) -> None:
    if not isinstance(cond, Mapping) or len(cond) == 0:
        raise ValueError(f"điều kiện phải là một bảng khóa: giá trị, nhận được {cond!r}")
    keys = set(cond)
    if keys in ({"all"}, {"any"}):
        items = cond["all" if "all" in keys else "any"]
        if not isinstance(items, list) or not items:
            raise ValueError("'all'/'any' phải là danh sách điều kiện không rỗng")
        for item in items:
            _validate(item, facts)
    elif keys == {"not"}:
        _validate(cond["not"], facts)
    elif "fact" in keys and len(keys) == 2 and (keys - {"fact"}) <= set(_COMPARISONS):
        _validate_comparison(cond, facts)
    else:
        raise ValueError(
            f"điều kiện không hợp lệ {dict(cond)!r}: dùng all, any, not hoặc fact + một trong "
            f"{', '.join(_COMPARISONS)}")


def _validate_comparison(cond: Mapping, facts: set[str] | None) -> None:
    name = cond["fact"]
    if facts is not None and name not in facts:
        raise ValueError(f"dữ kiện '{name}' không có; dùng: {', '.join(sorted(facts))}")
    operator = next(key for key in cond if key != "fact")
    operand = cond[operator]
    if operator == "in" and not isinstance(operand, list):
        raise ValueError("'in' cần một danh sách giá trị")
    if operator == "is" and operand not in (True, False, None):
        raise ValueError("'is' chỉ so với true, false hoặc null")
    if operator in ("before", "after"):
        _moment(operand)


def _moment(value: Any) -> date | datetime:
    """A date ('2026-07-01') or an aware moment ('2026-07-01T00:00:00+07:00')."""
    if isinstance(value, (date, datetime)):
        moment = value
    elif isinstance(value, str):
        return _moment_from_text(value)
    else:
        raise ValueError(f"'{value}' không phải ngày hoặc thời điểm ISO-8601")
    if isinstance(moment, datetime) and moment.tzinfo is None:
        raise ValueError(f"thời điểm '{value}' phải ghi múi giờ (ví dụ +07:00)")
    return moment


@lru_cache(maxsize=1024)  # the same few bounds in the clock rules, parsed for every incident shown
def _moment_from_text(value: str) -> date | datetime:
    if _DATE_ONLY.fullmatch(value):
        return date.fromisoformat(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' không phải ngày hoặc thời điểm ISO-8601") from None
    if moment.tzinfo is None:
        raise ValueError(f"thời điểm '{value}' phải ghi múi giờ (ví dụ +07:00)")
    return moment


def evaluate_condition(cond: Any, facts: Mapping[str, Any]) -> bool:
    """Does ``cond`` hold for ``facts``? A missing fact counts as null (None).

    Operators (data only): {all: [...]}, {any: [...]}, {not: cond},
    {fact: f, eq: v} · {fact: f, in: [...]} · {fact: f, is: true|false|null} ·
    {fact: f, before: t} (strictly earlier) · {fact: f, after: t} (strictly later).
    """
    if cond is None:
        return True
    _validate(cond, None)
    return _evaluate(cond, facts)


def _evaluate(cond: Mapping, facts: Mapping[str, Any]) -> bool:
    if "all" in cond:
        return all(_evaluate(item, facts) for item in cond["all"])
    if "any" in cond:
        return any(_evaluate(item, facts) for item in cond["any"])
    if "not" in cond:
        return not _evaluate(cond["not"], facts)
    value = facts.get(cond["fact"])
    operator = next(key for key in cond if key != "fact")
    operand = cond[operator]
    if operator == "eq":
        return value == operand
    if operator == "in":
        return value in operand
    if operator == "is":
        return value is operand
    if value is None:
        return False
    return _compare_moments(value, _moment(operand), operator, cond["fact"])


def _compare_moments(value: Any, bound: date | datetime, operator: str, name: str) -> bool:
    if isinstance(value, str):
        value = _moment(value)
    if isinstance(value, datetime) != isinstance(bound, datetime):
        raise ValueError(f"không so sánh được '{name}' (ngày) với thời điểm: ghi cả hai cùng kiểu")
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"'{name}' phải là thời điểm có múi giờ")
    return value < bound if operator == "before" else value > bound
