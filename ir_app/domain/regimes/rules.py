"""The rule language of criteria and conditions: operators by field type, rule evaluation."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    # An unanswered number (null) satisfies no threshold.
    return lambda actual, expected: actual is not None and compare(actual, expected)


_OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
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
}
_SCALAR_OPS = ("eq", "ne", "in", "not_in")
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "enum": _SCALAR_OPS,
    "nullable_enum": _SCALAR_OPS,
    "int": _SCALAR_OPS + ("gt", "gte", "lt", "lte"),
    "nullable_int": _SCALAR_OPS + ("gt", "gte", "lt", "lte"),
    "bool": ("is",),
    "enum_list": ("contains", "contains_any", "contains_all", "contains_none", "contains_only"),
}
_LIST_OPS = {"in", "not_in", "contains_any", "contains_all", "contains_none", "contains_only"}


@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    value: Any

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return _OPERATIONS[self.op](values[self.field], self.value)

    def fields(self) -> frozenset[str]:
        return frozenset((self.field,))


@dataclass(frozen=True)
class AllOf:
    rules: tuple[Rule, ...]

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return all(rule.evaluate(values) for rule in self.rules)

    def fields(self) -> frozenset[str]:
        return frozenset().union(*(rule.fields() for rule in self.rules))


@dataclass(frozen=True)
class AnyOf:
    rules: tuple[Rule, ...]

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return any(rule.evaluate(values) for rule in self.rules)

    def fields(self) -> frozenset[str]:
        return frozenset().union(*(rule.fields() for rule in self.rules))


@dataclass(frozen=True)
class Not:
    rule: Rule

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return not self.rule.evaluate(values)

    def fields(self) -> frozenset[str]:
        return self.rule.fields()


Rule = Union[Compare, AllOf, AnyOf, Not]
