"""Build the level check from raw data: input fields, their conditions, rules and criteria."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ir_app.domain.conditions import ConditionError, Rule, compile_condition
from ir_app.domain.regimes.model import (
    FIELD_TYPES,
    LEVELS,
    Choice,
    Condition,
    ConsistencyWarning,
    Criterion,
    InputField,
    ProcedureLevel,
    Undetermined,
)
from ir_app.domain.regimes.reader import _ARTICLE, _CRITERION_ID, _NAME, _Reader
from ir_app.domain.regimes.rules import FieldVocabulary, check_scalar

_FIELD_KEYS = ("name", "type", "label", "label_en", "step", "help", "help_en", "choices", "minimum", "maximum",
               "min_items", "required", "default", "applies", "ask_when", "required_when",
               "only_when")


def _input_fields(r: _Reader, raw: Mapping, step_ids: set[str]) -> dict[str, InputField]:
    # Two passes: declare every field first, so conditions may refer to any of them.
    declared: dict[str, InputField] = {}
    items = r.items(raw, "input_fields", "$")
    for index, item in enumerate(items):
        path = f"$.input_fields[{index}]"
        field = _input_field(r, r.mapping(item, path, _FIELD_KEYS), path, step_ids)
        if field.name in declared:
            r.fail(f"{path}.name", f"trường '{field.name}' bị khai báo hai lần")
        declared[field.name] = field
    for index, item in enumerate(items):
        path = f"$.input_fields[{index}]"
        name = item["name"]
        declared[name] = _with_conditions(r, item, path, declared[name], declared)
    return declared


def _input_field(r: _Reader, item: Mapping, path: str, step_ids: set[str]) -> InputField:
    name = r.text(item, "name", path)
    if not _NAME.match(name):
        r.fail(f"{path}.name", "chỉ gồm chữ thường, số và dấu gạch dưới")
    kind = r.choice(item, "type", path, FIELD_TYPES)
    step = r.text(item, "step", path)
    if step not in step_ids:
        r.fail(f"{path}.step", f"bước '{step}' chưa được khai báo trong wizard_steps")
    field = InputField(
        name=name, type=kind, label=r.text(item, "label", path), step=step,
        help=r.text(item, "help", path, required=False),
        label_en=r.text(item, "label_en", path, required=False),
        help_en=r.text(item, "help_en", path, required=False),
        choices=_choices(r, item, path, kind),
        minimum=r.integer(item, "minimum", path, required=False),
        maximum=r.integer(item, "maximum", path, required=False),
        min_items=r.integer(item, "min_items", path, required=False) or 0,
        required=r.flag(item, "required", path),
        applies=r.flag(item, "applies", path, default=True))
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        r.fail(f"{path}.maximum", "phải lớn hơn hoặc bằng minimum")
    if field.type in ("enum", "nullable_enum", "enum_list") and not field.choices:
        r.fail(f"{path}.choices", "trường kiểu liệt kê phải có danh sách giá trị")
    return _with_default(r, item, path, field)


def _choices(r: _Reader, item: Mapping, path: str, kind: str) -> tuple[Choice, ...]:
    expected = int if kind in ("int", "nullable_int") else str
    choices = []
    for index, entry in enumerate(r.items(item, "choices", path, required=False)):
        where = f"{path}.choices[{index}]"
        if kind == "bool":
            r.fail(where, "trường đúng/sai không khai báo choices")
        r.mapping(entry, where, ("value", "label", "label_en"))
        value = r.value(entry, "value", where, (expected,), "giá trị đúng kiểu của trường")
        if any(c.value == value for c in choices):
            r.fail(f"{where}.value", f"giá trị '{value}' bị lặp")
        choices.append(Choice(value, r.text(entry, "label", where),
                              r.text(entry, "label_en", where, required=False)))
    return tuple(choices)


def _with_default(r: _Reader, item: Mapping, path: str, field: InputField) -> InputField:
    if field.required:
        if item.get("default") is not None:
            r.fail(f"{path}.default", "trường bắt buộc không có giá trị mặc định")
        return field
    if "default" not in item:
        r.fail(f"{path}.default", "trường không bắt buộc phải có giá trị mặc định")
    default = item["default"]
    if field.type == "enum_list":
        if not isinstance(default, list):
            r.fail(f"{path}.default", "phải là một danh sách")
        for value in default:
            check_scalar(r, field, value, f"{path}.default", allow_null=False)
        default = tuple(default)
    else:
        check_scalar(r, field, default, f"{path}.default", allow_null=True)
    return replace(field, default=default)


def _with_conditions(r: _Reader, item: Mapping, path: str, field: InputField,
                     fields: Mapping[str, InputField]) -> InputField:
    ask_when = None
    if item.get("ask_when") is not None:
        ask_when = _rule(r, item["ask_when"], f"{path}.ask_when", fields, applying_only=False)
    return replace(field, ask_when=ask_when,
                    required_when=_condition(r, item, "required_when", path, fields),
                    only_when=_condition(r, item, "only_when", path, fields))


def _condition(r: _Reader, item: Mapping, key: str, path: str,
               fields: Mapping[str, InputField]) -> Condition | None:
    raw = item.get(key)
    if raw is None:
        return None
    where = f"{path}.{key}"
    r.mapping(raw, where, ("rule", "message", "message_en"))
    if "rule" not in raw:
        r.fail(f"{where}.rule", "thiếu giá trị bắt buộc")
    rule = _rule(r, raw["rule"], f"{where}.rule", fields, applying_only=False)
    return Condition(rule, r.text(raw, "message", where), r.text(raw, "message_en", where, required=False))


def _rule(r: _Reader, raw: Any, path: str, fields: Mapping[str, InputField],
          applying_only: bool) -> Rule:
    """Compile one rule (domain.conditions) over this regime's input fields."""
    try:
        return compile_condition(raw, FieldVocabulary(r, fields, applying_only), path)
    except ConditionError as error:
        r.fail(error.path, error.message)


_CRITERION_KEYS = ("id", "level", "article", "question", "help", "text", "text_en", "rule", "note")


def _criteria(r: _Reader, raw: Mapping, fields: Mapping[str, InputField]) -> tuple[Criterion, ...]:
    criteria: dict[str, Criterion] = {}
    for index, item in enumerate(r.items(raw, "criteria", "$")):
        path = f"$.criteria[{index}]"
        r.mapping(item, path, _CRITERION_KEYS)
        criterion_id = r.text(item, "id", path)
        match = _CRITERION_ID.match(criterion_id)
        if not match:
            r.fail(f"{path}.id", "phải có dạng <chế độ>.l<cấp độ>.<tên>, ví dụ nd331.l3.admin_procedures")
        if criterion_id in criteria:
            r.fail(f"{path}.id", f"mã tiêu chí '{criterion_id}' bị lặp")
        level = r.integer(item, "level", path)
        if level not in LEVELS:
            r.fail(f"{path}.level", "cấp độ phải từ 1 đến 5")
        if int(match[1]) != level:
            r.fail(f"{path}.id", f"mã tiêu chí ghi cấp độ {match[1]} nhưng level là {level}")
        article = r.text(item, "article", path)
        if not _ARTICLE.match(article):
            r.fail(f"{path}.article", "phải có dạng Đ<điều>[.<khoản>][.<điểm>], ví dụ Đ13.2.b")
        if "rule" not in item:
            r.fail(f"{path}.rule", "thiếu giá trị bắt buộc")
        criteria[criterion_id] = Criterion(
            id=criterion_id, level=level, article=article,
            question=r.text(item, "question", path), help=r.text(item, "help", path),
            text=r.text(item, "text", path), text_en=r.text(item, "text_en", path, required=False),
            rule=_rule(r, item["rule"], f"{path}.rule", fields, applying_only=True),
            note=r.text(item, "note", path, required=False))
    for level in LEVELS:
        if not any(c.level == level for c in criteria.values()):
            r.fail("$.criteria", f"cấp độ {level} chưa có tiêu chí nào")
    return tuple(criteria.values())


def _undetermined(r: _Reader, raw: Mapping, fields: Mapping[str, InputField]) -> Undetermined:
    item = r.mapping(r.value(raw, "undetermined", "$", (Mapping,), "một đối tượng"),
                     "$.undetermined", ("field", "article", "message", "message_en"))
    name = r.text(item, "field", "$.undetermined")
    if name not in fields:
        r.fail("$.undetermined.field", f"trường '{name}' không được khai báo trong input_fields")
    return Undetermined(name, r.text(item, "article", "$.undetermined"),
                        r.text(item, "message", "$.undetermined"),
                        r.text(item, "message_en", "$.undetermined", required=False))


def _warnings(r: _Reader, raw: Mapping, fields: Mapping[str, InputField]) -> tuple[ConsistencyWarning, ...]:
    warnings: dict[str, ConsistencyWarning] = {}
    for index, item in enumerate(r.items(raw, "warnings", "$", required=False)):
        path = f"$.warnings[{index}]"
        r.mapping(item, path, ("id", "article", "rule", "message", "message_en", "note"))
        warning_id = r.text(item, "id", path)
        if not _NAME.match(warning_id):
            r.fail(f"{path}.id", "chỉ gồm chữ thường, số và dấu gạch dưới")
        if warning_id in warnings:
            r.fail(f"{path}.id", f"cảnh báo '{warning_id}' bị lặp")
        if "rule" not in item:
            r.fail(f"{path}.rule", "thiếu giá trị bắt buộc")
        message = r.text(item, "message", path)
        message_en = r.text(item, "message_en", path, required=False)
        for key, text in (("message", message), ("message_en", message_en)):
            for _, name, _, _ in string.Formatter().parse(text):
                if name is not None and name not in fields:
                    r.fail(f"{path}.{key}", f"trường '{name}' không được khai báo trong input_fields")
        warnings[warning_id] = ConsistencyWarning(
            id=warning_id, article=r.text(item, "article", path),
            rule=_rule(r, item["rule"], f"{path}.rule", fields, applying_only=False),
            message=message, message_en=message_en, note=r.text(item, "note", path, required=False))
    return tuple(warnings.values())


def _procedure_levels(r: _Reader, raw: Mapping, fields: Mapping[str, InputField]) -> tuple[ProcedureLevel, ...]:
    result: dict[str, ProcedureLevel] = {}
    for index, item in enumerate(r.items(raw, "procedure_levels", "$", required=False)):
        path = f"$.procedure_levels[{index}]"
        r.mapping(item, path, ("id", "level", "article", "text", "text_en", "rule", "note"))
        rule_id = r.text(item, "id", path)
        if not _NAME.match(rule_id):
            r.fail(f"{path}.id", "chỉ gồm chữ thường, số và dấu gạch dưới")
        if rule_id in result:
            r.fail(f"{path}.id", f"quy tắc '{rule_id}' bị lặp")
        level = r.integer(item, "level", path)
        if level not in LEVELS:
            r.fail(f"{path}.level", "cấp độ phải từ 1 đến 5")
        article = r.text(item, "article", path)
        if not _ARTICLE.match(article):
            r.fail(f"{path}.article", "phải có dạng Đ<điều>[.<khoản>][.<điểm>], ví dụ Đ20.4")
        if "rule" not in item:
            r.fail(f"{path}.rule", "thiếu giá trị bắt buộc")
        result[rule_id] = ProcedureLevel(
            id=rule_id, level=level, article=article, text=r.text(item, "text", path),
            text_en=r.text(item, "text_en", path, required=False),
            rule=_rule(r, item["rule"], f"{path}.rule", fields, applying_only=True),
            note=r.text(item, "note", path, required=False))
    return tuple(result.values())
