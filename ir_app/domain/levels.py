"""Level determination: validate the level-check input (DESIGN.md §5), apply a regime's criteria.

Every criterion is evaluated; the level is the highest level met (NĐ 331 Đ8.2, NĐ 85 Đ5.2) and
the reasons list every criterion met, so the wizard and the dossier can explain the answer.
When no criterion is met the decree leaves the level to a risk assessment or a decision of the
competent authority, so instead of guessing level 1 we ask for it (``LevelUndetermined``).
Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ir_app.domain.regimes import (
    LEVELS,
    InputField,
    ProcedureLevel,
    Regime,
    Rule,
    article_sort_key,
)

REGIME_KEY = "regime"


class LevelInputError(ValueError):
    """Bad level-check input: every problem as a (field, Vietnamese message) pair."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{name}: {message.rstrip('.')}"
                                   for name, message in self.problems))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for name, _ in self.problems))

    @property
    def errors(self) -> dict[str, str]:
        """One message per field (joined), for putting next to form fields."""
        joined: dict[str, list[str]] = {}
        for name, message in self.problems:
            joined.setdefault(name, []).append(message)
        return {name: " ".join(messages) for name, messages in joined.items()}


class LevelUndetermined(LevelInputError):
    """The answers meet no criterion: the regime names the field to fill in (and why)."""

    def __init__(self, field_name: str, message: str, article: str) -> None:
        self.article = article
        super().__init__([(field_name, message)])


@dataclass(frozen=True)
class LevelInput:
    """Validated input: every declared field present, defaults filled, lists as tuples."""

    regime: str
    values: Mapping[str, Any] = field(hash=False)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {REGIME_KEY: self.regime}
        for name, value in self.values.items():
            data[name] = list(value) if isinstance(value, tuple) else value
        return data


@dataclass(frozen=True)
class Reason:
    level: int
    article: str
    text: str
    criterion_id: str

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "article": self.article, "text": self.text}


@dataclass(frozen=True)
class AnswerWarning:
    """A consistency warning that holds for these answers, its message filled in."""

    id: str
    article: str
    message: str
    message_en: str = ""  # for English pages; the JSON output and documents keep the Vietnamese

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "article": self.article, "message": self.message}


@dataclass(frozen=True)
class LevelDecision:
    level: int
    regime: str
    reasons: tuple[Reason, ...]
    input: LevelInput
    procedure: tuple[ProcedureLevel, ...] = ()   # rules that make the system follow a higher procedure
    warnings: tuple[AnswerWarning, ...] = ()

    @property
    def decisive_reasons(self) -> tuple[Reason, ...]:
        """The reasons that set the level (those at the highest level)."""
        return tuple(reason for reason in self.reasons if reason.level == self.level)

    @property
    def procedure_level(self) -> int:
        """The level whose procedure applies: the level itself unless a rule raises it (NĐ 331 Đ20.4)."""
        return max([self.level, *(rule.level for rule in self.procedure)])

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md §5 contract; `procedure_level` and `warnings` appear only when they say something."""
        data: dict[str, Any] = {"level": self.level, "regime": self.regime,
                                "reasons": [reason.to_json() for reason in self.reasons]}
        if self.procedure_level != self.level:
            data["procedure_level"] = self.procedure_level
            data["procedure_reasons"] = [{"level": rule.level, "article": rule.article, "text": rule.text}
                                         for rule in self.procedure]
        if self.warnings:
            data["warnings"] = [warning.to_json() for warning in self.warnings]
        return data


# --------------------------------------------------------------------------- validation

def validate_input(raw: Any, regime: Regime) -> LevelInput:
    """Check ``raw`` against the regime's declared input; raise ``LevelInputError`` listing all."""
    if not isinstance(raw, Mapping):
        raise LevelInputError([("$", "Dữ liệu phải là một đối tượng JSON gồm các cặp tên: giá trị.")])
    problems: list[tuple[str, str]] = []
    declared = {f.name: f for f in regime.input_fields}
    for key in raw:
        if key != REGIME_KEY and key not in declared:
            problems.append((str(key), "Trường không thuộc dữ liệu kiểm tra cấp độ; "
                                       "hãy kiểm tra lại tên trường."))
    if REGIME_KEY in raw and raw[REGIME_KEY] != regime.id:
        problems.append((REGIME_KEY, f"Chế độ pháp lý {_describe(raw[REGIME_KEY])} không khớp "
                                     f"với chế độ đang áp dụng '{regime.id}'."))
    values: dict[str, Any] = {}
    bad: set[str] = set()
    for name, spec in declared.items():
        if name not in raw:
            if spec.required:
                problems.append((name, "Bắt buộc phải khai báo."))
                bad.add(name)
            else:
                values[name] = spec.default
            continue
        value, messages = _coerce(spec, raw[name])
        if messages:
            problems.extend((name, message) for message in messages)
            bad.add(name)
        else:
            values[name] = value
    problems.extend(_condition_problems(regime.input_fields, values, bad))
    if problems:
        raise LevelInputError(problems)
    return LevelInput(regime.id, MappingProxyType(values))


def _coerce(spec: InputField, value: Any) -> tuple[Any, list[str]]:
    """The normalised value and the problems with it (empty when fine)."""
    if value is None:
        if spec.nullable:
            return None, []
        return None, ["Không được để trống (null)."]
    if spec.type == "bool":
        if isinstance(value, bool):
            return value, []
        return None, [f"Phải là true hoặc false, nhận được {_describe(value)}."]
    if spec.type in ("int", "nullable_int"):
        return value, _int_problems(spec, value)
    if spec.type == "enum_list":
        return _coerce_list(spec, value)
    if isinstance(value, str) and value in spec.values:
        return value, []
    return None, [f"Giá trị {_describe(value)} không hợp lệ; {_allowed(spec)}."]


def _int_problems(spec: InputField, value: Any) -> list[str]:
    # bool is an int subclass in Python, but true is not a count.
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"Phải là số nguyên, nhận được {_describe(value)}."]
    if spec.choices and value not in spec.values:
        return [f"Giá trị {value} không hợp lệ; {_allowed(spec)}."]
    if spec.minimum is not None and value < spec.minimum:
        return ["Không được là số âm." if spec.minimum == 0
                else f"Không được nhỏ hơn {spec.minimum}."]
    if spec.maximum is not None and value > spec.maximum:
        return [f"Không được lớn hơn {spec.maximum}."]
    return []


def _coerce_list(spec: InputField, value: Any) -> tuple[Any, list[str]]:
    if not isinstance(value, (list, tuple)):
        return None, [f"Phải là danh sách (mảng JSON), nhận được {_describe(value)}."]
    messages = [f"Phần tử {_describe(item)} không hợp lệ; {_allowed(spec)}."
                for item in value if not isinstance(item, str) or item not in spec.values]
    if messages:
        return None, messages
    chosen = set(value)
    normalised = tuple(v for v in spec.values if v in chosen)  # declaration order, no repeats
    if len(normalised) < spec.min_items:
        return None, [f"Phải chọn ít nhất {spec.min_items} giá trị; {_allowed(spec)}."]
    return normalised, []


def _condition_problems(specs: Iterable[InputField], values: Mapping[str, Any],
                        bad: set[str]) -> list[tuple[str, str]]:
    """Cross-field checks, only where every field involved is itself valid."""
    problems = []
    for spec in specs:
        if spec.name in bad:
            continue
        value = values[spec.name]
        condition = spec.required_when
        if condition and value is None and _holds(condition.rule, values, bad):
            problems.append((spec.name, condition.message))
        condition = spec.only_when
        if condition and value != spec.default and not _holds(condition.rule, values, bad, True):
            problems.append((spec.name, condition.message))
    return problems


def _holds(rule: Rule, values: Mapping[str, Any], bad: set[str], unknown: bool = False) -> bool:
    if rule.fields() & bad:
        return unknown  # the other field already has its own error
    return rule.evaluate(values)


def _allowed(spec: InputField) -> str:
    shown = ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in spec.values)
    return f"chọn một trong: {shown}" + (" hoặc null" if spec.nullable else "")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "giá trị đúng/sai " + ("true" if value else "false")
    if isinstance(value, str):
        return f'chuỗi ký tự "{value}"'
    if isinstance(value, float):
        return f"số thập phân {value}"
    if isinstance(value, (list, tuple)):
        return "một danh sách"
    if isinstance(value, Mapping):
        return "một đối tượng"
    return repr(value)


# --------------------------------------------------------------------------- determination

def determine(raw_or_input: Mapping[str, Any] | LevelInput, regime: Regime) -> LevelDecision:
    """Evaluate every criterion of ``regime``; the highest level met wins."""
    data = raw_or_input if isinstance(raw_or_input, LevelInput) \
        else validate_input(raw_or_input, regime)
    if data.regime != regime.id:
        raise LevelInputError([(REGIME_KEY, f"Dữ liệu đã kiểm tra theo chế độ '{data.regime}', "
                                            f"không dùng được cho '{regime.id}'.")])
    met = [c for c in regime.criteria if c.is_met(data.values)]
    if not met:
        gap = regime.undetermined
        raise LevelUndetermined(gap.field, gap.message, gap.article)
    reasons = sorted((Reason(c.level, c.article, c.text, c.id) for c in met),
                     key=lambda r: (-r.level, article_sort_key(r.article), r.criterion_id))
    procedure = tuple(rule for rule in regime.procedure_levels
                      if rule.rule.evaluate(data.values) and rule.level > reasons[0].level)
    return LevelDecision(level=reasons[0].level, regime=regime.id, reasons=tuple(reasons),
                         input=data, procedure=procedure,
                         warnings=consistency_warnings(data.values, regime))


def consistency_warnings(values: Mapping[str, Any], regime: Regime) -> tuple[AnswerWarning, ...]:
    """The regime's warnings that hold for these (validated) answers, messages filled in."""
    return tuple(AnswerWarning(warning.id, warning.article, _fill(warning.message, values),
                               _fill(warning.message_en, values, english=True) if warning.message_en else "")
                 for warning in regime.warnings if warning.rule.evaluate(values))


def _fill(message: str, values: Mapping[str, Any], english: bool = False) -> str:
    shown = {name: _shown(value, english) for name, value in values.items()}
    return message.format_map(shown)


def _shown(value: Any, english: bool = False) -> str:
    if isinstance(value, bool):
        return ("yes" if value else "no") if english else ("có" if value else "không")
    if isinstance(value, int):
        # Vietnamese thousands separator: 10.000; English: 10,000
        return f"{value:,}" if english else f"{value:,}".replace(",", ".")
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def regime_for(raw: Any, regimes: Mapping[str, Regime]) -> Regime:
    """The regime named by ``raw["regime"]``, or the default regime when the key is absent."""
    name = raw.get(REGIME_KEY) if isinstance(raw, Mapping) else None
    if name is None:
        defaults = [r for r in regimes.values() if r.is_default]
        if len(defaults) != 1:
            raise LevelInputError([(REGIME_KEY, "Chưa chọn chế độ pháp lý.")])
        return defaults[0]
    if not isinstance(name, str) or name not in regimes:
        known = ", ".join(f'"{key}"' for key in sorted(regimes))
        raise LevelInputError([(REGIME_KEY, f"Chế độ pháp lý {_describe(name)} không có; "
                                            f"chọn một trong: {known}.")])
    return regimes[name]


def highest_level(levels: Iterable[int]) -> int:
    """Level of a system made of parts: the highest level of its parts (NĐ 331 Đ8.2)."""
    found = list(levels)
    if not found:
        raise ValueError("Cần ít nhất một cấp độ của hệ thống thành phần.")
    for level in found:
        if isinstance(level, bool) or level not in LEVELS:
            raise ValueError(f"Cấp độ phải là số nguyên từ 1 đến 5, nhận được {level!r}.")
    return max(found)
