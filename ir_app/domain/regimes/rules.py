"""What a regime's conditions may compare: its declared input fields, operators by field type.

The condition language itself (shape, operators, evaluation) is ``ir_app.domain.conditions``;
this module narrows it to a regime: a rule names a declared input field, with an operator that
fits the field's type and values the field can hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ir_app.domain.conditions import Vocabulary
from ir_app.domain.regimes.model import InputField
from ir_app.domain.regimes.reader import _Reader

_SCALAR_OPS = ("eq", "ne", "in", "not_in")
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "enum": _SCALAR_OPS,
    "nullable_enum": _SCALAR_OPS,
    "int": _SCALAR_OPS + ("gt", "gte", "lt", "lte"),
    "nullable_int": _SCALAR_OPS + ("gt", "gte", "lt", "lte"),
    "bool": ("is",),
    "enum_list": ("contains", "contains_any", "contains_all", "contains_none", "contains_only"),
}
_NULL_ALLOWED = ("eq", "ne", "in", "not_in")  # "is null" is written eq: null on a nullable field


class FieldVocabulary(Vocabulary):
    """Rules over the regime's input fields; ``applying_only`` refuses fields marked
    ``applies: false`` (the other regime's questions), as level criteria must."""

    def __init__(self, reader: _Reader, fields: Mapping[str, InputField], applying_only: bool):
        self.r, self.input_fields, self.applying_only = reader, fields, applying_only

    def check_name(self, name: str, path: str) -> None:
        if name not in self.input_fields:
            self.r.fail(path, f"trường '{name}' không được khai báo trong input_fields")
        if self.applying_only and not self.input_fields[name].applies:
            self.r.fail(path, f"trường '{name}' được đánh dấu applies: false trong chế độ này")

    def check_operator(self, name: str, op: str, path: str) -> None:
        field = self.input_fields[name]
        allowed = OPERATORS_BY_TYPE[field.type]
        if op not in allowed:
            self.r.fail(path, f"toán tử '{op}' không dùng được cho trường '{name}' "
                              f"kiểu {field.type}; dùng: {', '.join(allowed)}")

    def check_value(self, name: str, op: str, value: Any, path: str) -> None:
        check_scalar(self.r, self.input_fields[name], value, path, allow_null=op in _NULL_ALLOWED)


def check_scalar(r: _Reader, field: InputField, value: Any, path: str, allow_null: bool) -> None:
    """``value`` must be one value the field can hold (an element, for an enum list)."""
    if value is None:
        if allow_null and field.nullable:
            return
        r.fail(path, f"trường '{field.name}' không nhận giá trị null")
    if field.type == "bool":
        if not isinstance(value, bool):
            r.fail(path, f"trường '{field.name}' chỉ nhận true hoặc false")
        return
    if field.type in ("int", "nullable_int"):
        if isinstance(value, bool) or not isinstance(value, int):
            r.fail(path, f"trường '{field.name}' chỉ nhận số nguyên")
        if field.choices and value not in field.values:
            r.fail(path, f"{value} không thuộc các giá trị của trường '{field.name}'")
        return
    if not isinstance(value, str) or value not in field.values:
        r.fail(path, f"'{value}' không thuộc các giá trị của trường '{field.name}': "
                     f"{', '.join(map(str, field.values))}")
