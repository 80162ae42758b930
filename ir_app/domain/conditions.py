"""The one condition language of the data files, compiled once when a file is loaded.

Level criteria and wizard conditions (level_dossiers/regimes/*.yaml) and the reporting clocks'
``applies_when`` (playbooks/clocks.yaml) are written in it. A condition is one mapping:

    {all: [cond, ...]}   {any: [cond, ...]}   {not: cond}
    {field: NAME, OP: VALUE}   — ``fact: NAME`` is the same (the playbooks say "fact")

    eq, ne               equal / not equal
    in, not_in           one of / none of a non-empty list
    gt, gte, lt, lte     integer thresholds (false when the value is null)
    is                   identity with true, false or null
    contains, contains_any, contains_all, contains_none, contains_only    on a list value
    before, after        strictly earlier / later than a date ('2026-07-01') or an aware moment
                         ('2026-07-01T00:00:00+07:00'); false when the value is null

``compile_condition`` checks the shape and parses every operand once, and asks a ``Vocabulary``
whether the names, operators and values fit what the file's callers supply (the regime's typed
input fields, the clocks' known facts). The result is a small tree of frozen nodes: call it (or
``.evaluate``) with the values; a missing name counts as null. Standard library only.
"""
from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Union

SUBJECT_KEYS = ("field", "fact")
LOGICAL_KEYS = ("all", "any", "not")
LIST_OPERATORS = frozenset({"in", "not_in", "contains_any", "contains_all", "contains_none", "contains_only"})
ORDER_OPERATORS = frozenset({"gt", "gte", "lt", "lte"})
MOMENT_OPERATORS = frozenset({"before", "after"})
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ConditionError(ValueError):
    """A condition that cannot be compiled: ``path`` (JSON path) says where, the message why."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path, self.message = path, message


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    # An unanswered number (null) satisfies no threshold.
    return lambda actual, expected: actual is not None and compare(actual, expected)


OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "in": lambda actual, expected: actual in expected,
    "not_in": lambda actual, expected: actual not in expected,
    "gt": _ordered(operator.gt),
    "gte": _ordered(operator.ge),
    "lt": _ordered(operator.lt),
    "lte": _ordered(operator.le),
    "is": operator.is_,
    "contains": lambda actual, expected: expected in actual,
    "contains_any": lambda actual, expected: any(item in actual for item in expected),
    "contains_all": lambda actual, expected: all(item in actual for item in expected),
    "contains_none": lambda actual, expected: not any(item in actual for item in expected),
    "contains_only": lambda actual, expected: all(item in expected for item in actual),
    "before": operator.lt,  # on moments: Compare.evaluate reads the value as one first
    "after": operator.gt,
}


@dataclass(frozen=True)
class Compare:
    subject: str
    op: str
    operand: Any

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        actual = values.get(self.subject)
        if self.op in MOMENT_OPERATORS:
            if actual is None:
                return False
            actual = _moment_of(actual, self.operand, self.subject)
        return OPERATIONS[self.op](actual, self.operand)

    __call__ = evaluate

    def fields(self) -> frozenset[str]:
        return frozenset((self.subject,))


@dataclass(frozen=True)
class AllOf:
    rules: tuple[Rule, ...]

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return all(rule.evaluate(values) for rule in self.rules)

    __call__ = evaluate

    def fields(self) -> frozenset[str]:
        return frozenset().union(*(rule.fields() for rule in self.rules))


@dataclass(frozen=True)
class AnyOf:
    rules: tuple[Rule, ...]

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return any(rule.evaluate(values) for rule in self.rules)

    __call__ = evaluate

    def fields(self) -> frozenset[str]:
        return frozenset().union(*(rule.fields() for rule in self.rules))


@dataclass(frozen=True)
class Not:
    rule: Rule

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return not self.rule.evaluate(values)

    __call__ = evaluate

    def fields(self) -> frozenset[str]:
        return self.rule.fields()


Rule = Union[Compare, AllOf, AnyOf, Not]


class Vocabulary:
    """What a condition may compare. This base accepts any name with any operand of the right
    shape; a file's builder narrows it (declared fields and their types, known facts)."""

    def check_name(self, name: str, path: str) -> None:
        """Raise ConditionError (or the file's own error) when ``name`` may not be compared."""

    def check_operator(self, name: str, op: str, path: str) -> None:
        """Raise when ``op`` does not fit what ``name`` holds."""

    def check_value(self, name: str, op: str, value: Any, path: str) -> None:
        """Raise when ``value`` (one element, for a list operand) cannot be compared with ``name``."""


class KnownNames(Vocabulary):
    """Only these names (the facts a caller supplies); values are not typed."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)

    def check_name(self, name: str, path: str) -> None:
        if name not in self.names:
            raise ConditionError(path, f"dữ kiện '{name}' không có; dùng: {', '.join(sorted(self.names))}")


ANY_NAME = Vocabulary()


def compile_condition(raw: Any, vocabulary: Vocabulary = ANY_NAME, path: str = "$") -> Rule:
    """Check ``raw`` once and return the condition as a callable tree; ConditionError if broken."""
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError(path, f"điều kiện phải là một bảng khóa: giá trị, nhận được {raw!r}")
    logical = [key for key in LOGICAL_KEYS if key in raw]
    if logical:
        if len(raw) != 1:
            raise ConditionError(path, "một luật logic chỉ có đúng một khóa: all, any hoặc not")
        key = logical[0]
        if key == "not":
            return Not(compile_condition(raw["not"], vocabulary, f"{path}.not"))
        parts = raw[key]
        if not isinstance(parts, list) or not parts:
            raise ConditionError(f"{path}.{key}", "phải là danh sách điều kiện không rỗng")
        rules = tuple(compile_condition(part, vocabulary, f"{path}.{key}[{i}]") for i, part in enumerate(parts))
        return AllOf(rules) if key == "all" else AnyOf(rules)
    return _compare(raw, vocabulary, path)


def _compare(raw: Mapping, vocabulary: Vocabulary, path: str) -> Compare:
    keys = [key for key in SUBJECT_KEYS if key in raw]
    if len(keys) != 1 or not isinstance(raw[keys[0]], str):
        raise ConditionError(f"{path}.{keys[0] if keys else 'field'}",
                             f"điều kiện không hợp lệ {dict(raw)!r}: dùng all, any, not hoặc một so sánh "
                             f"có đúng một 'field' (hay 'fact') là tên một trường")
    key = keys[0]
    name = raw[key]
    vocabulary.check_name(name, f"{path}.{key}")
    ops = [op for op in raw if op != key]
    if len(ops) != 1:
        raise ConditionError(path, f"luật so sánh phải có đúng một toán tử bên cạnh '{key}'")
    op = ops[0]
    if op not in OPERATIONS:
        raise ConditionError(f"{path}.{op}", f"toán tử '{op}' không có; dùng: {', '.join(OPERATIONS)}")
    vocabulary.check_operator(name, op, f"{path}.{op}")
    return Compare(name, op, _operand(name, op, raw[op], vocabulary, f"{path}.{op}"))


def _operand(name: str, op: str, value: Any, vocabulary: Vocabulary, path: str) -> Any:
    if op in LIST_OPERATORS:
        if not isinstance(value, list) or not value:
            raise ConditionError(path, f"toán tử '{op}' cần một danh sách giá trị không rỗng")
        for index, item in enumerate(value):
            vocabulary.check_value(name, op, item, f"{path}[{index}]")
        return tuple(value)
    if op in ORDER_OPERATORS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConditionError(path, f"toán tử '{op}' cần một số nguyên")
        return value
    if op in MOMENT_OPERATORS:
        try:
            return parse_moment(value)
        except ValueError as error:
            raise ConditionError(path, str(error)) from None
    if op == "is" and value not in (True, False, None):
        raise ConditionError(path, "'is' chỉ so với true, false hoặc null")
    vocabulary.check_value(name, op, value, path)
    return value


def parse_moment(value: Any) -> date | datetime:
    """A date ('2026-07-01') or an aware moment ('2026-07-01T00:00:00+07:00')."""
    if isinstance(value, str) and _DATE_ONLY.fullmatch(value):
        return date.fromisoformat(value)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' không phải ngày hoặc thời điểm ISO-8601") from None
    if not isinstance(value, (date, datetime)):
        raise ValueError(f"'{value}' không phải ngày hoặc thời điểm ISO-8601")
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"thời điểm '{value}' phải ghi múi giờ (ví dụ +07:00)")
    return value


def _moment_of(actual: Any, bound: date | datetime, name: str) -> date | datetime:
    """The value of ``name`` as a moment of the same kind as ``bound`` (a date, or an aware time)."""
    if isinstance(actual, str):
        actual = parse_moment(actual)
    if isinstance(actual, datetime) != isinstance(bound, datetime):
        raise ValueError(f"không so sánh được '{name}' (ngày) với thời điểm: ghi cả hai cùng kiểu")
    if isinstance(actual, datetime) and actual.tzinfo is None:
        raise ValueError(f"'{name}' phải là thời điểm có múi giờ")
    return actual


def validate_condition(raw: Any, names: Iterable[str] | None = None) -> None:
    """Raise ValueError unless ``raw`` is a well-formed condition (None = always true) over ``names``."""
    if raw is not None:
        compile_condition(raw, ANY_NAME if names is None else KnownNames(names))
