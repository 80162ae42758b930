"""Legal regimes as data: level criteria, authority, deadlines, forms of one decree.

A regime file (level_dossiers/regimes/*.yaml) is read and schema-checked in ``ir_app.datafiles``;
``build_regime`` gets the plain dict and checks what a JSON Schema cannot: unique ids, every
level covered, rules that name declared input fields with operators and values fitting the
field's type. Criteria carry a small declarative rule (never code), so editing the law never
means editing Python. Standard library only.

Rule language (a rule is one mapping):
    {all: [rule, ...]}   {any: [rule, ...]}   {not: rule}
    {field: NAME, OP: VALUE} with OP by field type:
        enum, nullable_enum, int, nullable_int: eq, ne, in, not_in
        int, nullable_int (also):               gt, gte, lt, lte   (false when the value is null)
        bool:                                   is
        enum_list:                              contains, contains_any, contains_all,
                                                contains_none, contains_only
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NoReturn, Union

LEVELS = (1, 2, 3, 4, 5)
FIELD_TYPES = ("enum", "enum_list", "int", "bool", "nullable_enum", "nullable_int")
PARTY_KEYS = ("specialised_unit", "owner", "ministry_of_public_security", "prime_minister")
APPROVAL_SUBJECTS = ("level", "protection_plan", "national_list")
DEADLINE_KEYS = ("validity_check", "appraisal", "approval")
DEADLINE_UNITS = ("working_days", "calendar_days")
DOCUMENT_KINDS = ("dossier", "attachment", "prerequisite", "request", "opinion", "submission",
                  "decision", "report")

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CRITERION_ID = re.compile(r"^[a-z0-9]+\.l([1-5])\.[a-z0-9_]+$")
_ARTICLE = re.compile(r"^Đ[0-9]+(\.[0-9]+)?(\.[a-zđ])?$")
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
# Vietnamese order for the lettered points of a clause (a, b, c, d, đ, e, g, ...).
_VN_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"


class RegimeError(ValueError):
    """A regime file is unusable; names the file, the field (JSON path) and the reason."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        super().__init__(f"{source}: {field}: {reason}")


# --------------------------------------------------------------------------- rules

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


# --------------------------------------------------------------------------- regime parts

@dataclass(frozen=True)
class Choice:
    value: Any
    label: str


@dataclass(frozen=True)
class Condition:
    """A rule plus the Vietnamese message shown when an input breaks it."""

    rule: Rule
    message: str


@dataclass(frozen=True)
class InputField:
    """One key of the level-check input (DESIGN.md §5), with what the wizard needs to ask it."""

    name: str
    type: str
    label: str
    step: str
    help: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    min_items: int = 0
    required: bool = False
    default: Any = None
    applies: bool = True  # false: accepted for a shared input, ignored by this regime's criteria
    ask_when: Rule | None = None  # wizard hint: ask only when the earlier answers satisfy this
    required_when: Condition | None = None  # must not be null when the rule holds
    only_when: Condition | None = None  # a non-default value is allowed only when the rule holds

    @property
    def values(self) -> tuple[Any, ...]:
        return tuple(choice.value for choice in self.choices)

    @property
    def nullable(self) -> bool:
        return self.type.startswith("nullable_")

    def label_of(self, value: Any) -> str:
        return next((c.label for c in self.choices if c.value == value), str(value))


@dataclass(frozen=True)
class WizardStep:
    id: str
    title: str
    help: str = ""


@dataclass(frozen=True)
class Criterion:
    id: str
    level: int
    article: str
    question: str
    help: str
    text: str
    rule: Rule
    note: str = ""

    def is_met(self, values: Mapping[str, Any]) -> bool:
        return self.rule.evaluate(values)


@dataclass(frozen=True)
class Undetermined:
    """What to ask for when no criterion is met (the decree leaves that case to a risk assessment)."""

    field: str
    article: str
    message: str


@dataclass(frozen=True)
class Party:
    key: str
    text: str


@dataclass(frozen=True)
class Approval:
    key: str
    text: str
    subject: str  # level | protection_plan | national_list


@dataclass(frozen=True)
class Authority:
    level: int
    appraiser: Party
    approvers: tuple[Approval, ...]
    expert_opinion: Party | None
    article: str
    note: str = ""

    @property
    def expert_opinion_required(self) -> bool:
        return self.expert_opinion is not None


@dataclass(frozen=True)
class Deadline:
    key: str  # validity_check | appraisal | approval
    level: int
    days: int | None  # None: the text sets no time limit (see note)
    unit: str  # working_days | calendar_days
    article: str
    note: str = ""


@dataclass(frozen=True)
class ReviewInterval:
    level: int
    months: int
    external_assessment: bool
    article: str
    note: str = ""


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    title: str
    form: str | None
    article: str
    kind: str
    note: str = ""


@dataclass(frozen=True)
class LegalDocument:
    code: str
    title: str
    issued: date | None
    effective: date | None


@dataclass(frozen=True)
class Transition:
    new_regime_effective: date
    under_investment_deadline: date
    existing_systems_deadline: date
    article: str
    note: str = ""


@dataclass(frozen=True, order=True)
class MonthDay:
    month: int
    day: int

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class AnnualReport:
    period_start: MonthDay
    period_end: MonthDay
    units_to_owner_by: MonthDay
    owner_to_ministry_by: MonthDay
    deadline_semantics: str  # "before": submit strictly before the named day ("trước ngày")
    recipient: str
    form: str | None
    article: str
    note: str = ""

    def period(self, year: int) -> tuple[date, date]:
        """Data period of the report for ``year`` (15/12 of the year before to 14/12)."""
        start_year = year - 1 if self.period_start > self.period_end else year
        return self.period_start.in_year(start_year), self.period_end.in_year(year)


@dataclass(frozen=True)
class Regime:
    id: str
    title: str
    short_title: str
    citation_prefix: str
    legal_basis: tuple[LegalDocument, ...]
    valid_from: date
    valid_until: date | None
    is_default: bool
    wizard_steps: tuple[WizardStep, ...]
    input_fields: tuple[InputField, ...]
    criteria: tuple[Criterion, ...]
    undetermined: Undetermined
    authority: tuple[Authority, ...]
    deadlines: tuple[Deadline, ...]
    review_intervals: tuple[ReviewInterval, ...]
    documents: tuple[DocumentSpec, ...]
    level_documents: tuple[tuple[int, tuple[str, ...]], ...]
    transition: Transition
    annual_report: AnnualReport
    notes: tuple[str, ...] = ()
    source: str = ""

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.input_fields)

    def field(self, name: str) -> InputField:
        return _find(self.input_fields, lambda f: f.name == name, name)

    def criteria_for(self, level: int) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.level == level)

    def criterion(self, criterion_id: str) -> Criterion:
        return _find(self.criteria, lambda c: c.id == criterion_id, criterion_id)

    def authority_for(self, level: int) -> Authority:
        return _find(self.authority, lambda a: a.level == level, level)

    def deadline(self, key: str, level: int) -> Deadline:
        return _find(self.deadlines, lambda d: d.key == key and d.level == level, (key, level))

    def review_interval(self, level: int) -> ReviewInterval:
        return _find(self.review_intervals, lambda r: r.level == level, level)

    def document(self, key: str) -> DocumentSpec:
        return _find(self.documents, lambda d: d.key == key, key)

    def documents_for(self, level: int) -> tuple[DocumentSpec, ...]:
        keys = _find(self.level_documents, lambda item: item[0] == level, level)[1]
        return tuple(self.document(key) for key in keys)

    def cite(self, article: str) -> str:
        """Full citation, e.g. "NĐ 331/2026 Đ13.2.b"."""
        return f"{self.citation_prefix} {article}"

    def is_in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


def _find(items: Iterable[Any], test: Callable[[Any], bool], key: Any) -> Any:
    for item in items:
        if test(item):
            return item
    raise KeyError(key)


def article_sort_key(article: str) -> tuple:
    """Natural order of "Đ13.2.b" style references: numbers numerically, letters Vietnamese-wise."""
    key = []
    for token in re.findall(r"[0-9]+|[^\W\d_]+", article.lower()):
        if token.isdigit():
            key.append((0, int(token), ()))
        else:
            key.append((1, 0, tuple(_VN_ALPHABET.find(ch) for ch in token)))
    return tuple(key)


# --------------------------------------------------------------------------- building

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


_TOP_KEYS = ("id", "title", "short_title", "citation_prefix", "legal_basis", "valid_from",
             "valid_until", "is_default", "wizard_steps", "input_fields", "criteria",
             "undetermined", "authority", "deadlines", "review_interval_months", "documents",
             "transition", "annual_report", "notes")


def build_regime(raw: Mapping[str, Any], source: str) -> Regime:
    """Turn a parsed regime file into a ``Regime``; raise ``RegimeError`` on the first problem."""
    r = _Reader(source)
    r.mapping(raw, "$", _TOP_KEYS)
    regime_id = r.text(raw, "id", "$")
    if not _ID.match(regime_id):
        r.fail("$.id", "chỉ gồm chữ thường, số và dấu gạch ngang, ví dụ nd331-2026")
    valid_from = r.day(raw, "valid_from", "$")
    valid_until = r.day(raw, "valid_until", "$", required=False)
    if valid_until is not None and valid_until < valid_from:
        r.fail("$.valid_until", "phải sau valid_from")
    steps = _wizard_steps(r, raw)
    fields = _input_fields(r, raw, {s.id for s in steps})
    criteria = _criteria(r, raw, fields)
    undetermined = _undetermined(r, raw, fields)
    return Regime(
        id=regime_id,
        title=r.text(raw, "title", "$"),
        short_title=r.text(raw, "short_title", "$"),
        citation_prefix=r.text(raw, "citation_prefix", "$"),
        legal_basis=_legal_basis(r, raw),
        valid_from=valid_from,
        valid_until=valid_until,
        is_default=r.flag(raw, "is_default", "$"),
        wizard_steps=steps,
        input_fields=tuple(fields.values()),
        criteria=criteria,
        undetermined=undetermined,
        authority=_authority(r, raw),
        deadlines=_deadlines(r, raw),
        review_intervals=_review_intervals(r, raw),
        documents=_document_catalogue(r, raw),
        level_documents=_level_documents(r, raw),
        transition=_transition(r, raw),
        annual_report=_annual_report(r, raw),
        notes=tuple(_texts(r, raw, "notes", "$")),
        source=source,
    )


def _texts(r: _Reader, raw: Mapping, key: str, path: str) -> list[str]:
    values = r.items(raw, key, path, required=False)
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            r.fail(f"{path}.{key}[{index}]", "phải là chuỗi ký tự không rỗng")
    return values


def _legal_basis(r: _Reader, raw: Mapping) -> tuple[LegalDocument, ...]:
    documents = []
    for index, item in enumerate(r.items(raw, "legal_basis", "$")):
        path = f"$.legal_basis[{index}]"
        r.mapping(item, path, ("code", "title", "issued", "effective"))
        documents.append(LegalDocument(
            code=r.text(item, "code", path), title=r.text(item, "title", path),
            issued=r.day(item, "issued", path, required=False),
            effective=r.day(item, "effective", path, required=False)))
    return tuple(documents)


def _wizard_steps(r: _Reader, raw: Mapping) -> tuple[WizardStep, ...]:
    steps: dict[str, WizardStep] = {}
    for index, item in enumerate(r.items(raw, "wizard_steps", "$")):
        path = f"$.wizard_steps[{index}]"
        r.mapping(item, path, ("id", "title", "help"))
        step = WizardStep(r.text(item, "id", path), r.text(item, "title", path),
                          r.text(item, "help", path, required=False))
        if step.id in steps:
            r.fail(f"{path}.id", f"bước '{step.id}' bị lặp")
        steps[step.id] = step
    return tuple(steps.values())


_FIELD_KEYS = ("name", "type", "label", "step", "help", "choices", "minimum", "maximum",
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
        r.mapping(entry, where, ("value", "label"))
        value = r.value(entry, "value", where, (expected,), "giá trị đúng kiểu của trường")
        if any(c.value == value for c in choices):
            r.fail(f"{where}.value", f"giá trị '{value}' bị lặp")
        choices.append(Choice(value, r.text(entry, "label", where)))
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
            _check_scalar(r, field, value, f"{path}.default", allow_null=False)
        default = tuple(default)
    else:
        _check_scalar(r, field, default, f"{path}.default", allow_null=True)
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
    r.mapping(raw, where, ("rule", "message"))
    if "rule" not in raw:
        r.fail(f"{where}.rule", "thiếu giá trị bắt buộc")
    rule = _rule(r, raw["rule"], f"{where}.rule", fields, applying_only=False)
    return Condition(rule, r.text(raw, "message", where))


def _check_scalar(r: _Reader, field: InputField, value: Any, path: str, allow_null: bool) -> None:
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


def _rule(r: _Reader, raw: Any, path: str, fields: Mapping[str, InputField],
          applying_only: bool) -> Rule:
    r.mapping(raw, path)
    logical = [key for key in ("all", "any", "not") if key in raw]
    if logical:
        if len(raw) != 1:
            r.fail(path, "một luật logic chỉ có đúng một khóa: all, any hoặc not")
        key = logical[0]
        if key == "not":
            return Not(_rule(r, raw["not"], f"{path}.not", fields, applying_only))
        parts = raw[key]
        if not isinstance(parts, list) or not parts:
            r.fail(f"{path}.{key}", "phải là danh sách luật không rỗng")
        rules = tuple(_rule(r, part, f"{path}.{key}[{i}]", fields, applying_only)
                      for i, part in enumerate(parts))
        return AllOf(rules) if key == "all" else AnyOf(rules)
    return _compare(r, raw, path, fields, applying_only)


def _compare(r: _Reader, raw: Mapping, path: str, fields: Mapping[str, InputField],
             applying_only: bool) -> Compare:
    name = raw.get("field")
    if not isinstance(name, str):
        r.fail(f"{path}.field", "luật so sánh phải có 'field' là tên một trường đầu vào")
    if name not in fields:
        r.fail(f"{path}.field", f"trường '{name}' không được khai báo trong input_fields")
    field = fields[name]
    if applying_only and not field.applies:
        r.fail(f"{path}.field", f"trường '{name}' được đánh dấu applies: false trong chế độ này")
    ops = [key for key in raw if key != "field"]
    if len(ops) != 1:
        r.fail(path, "luật so sánh phải có đúng một toán tử bên cạnh 'field'")
    op = ops[0]
    allowed = OPERATORS_BY_TYPE[field.type]
    if op not in allowed:
        r.fail(f"{path}.{op}", f"toán tử '{op}' không dùng được cho trường '{name}' "
                               f"kiểu {field.type}; dùng: {', '.join(allowed)}")
    return Compare(name, op, _operand(r, field, op, raw[op], f"{path}.{op}"))


def _operand(r: _Reader, field: InputField, op: str, value: Any, path: str) -> Any:
    if op in _LIST_OPS:
        if not isinstance(value, list) or not value:
            r.fail(path, f"toán tử '{op}' cần một danh sách giá trị không rỗng")
        for index, item in enumerate(value):
            _check_scalar(r, field, item, f"{path}[{index}]", allow_null=op in ("in", "not_in"))
        return tuple(value)
    if op in ("gt", "gte", "lt", "lte"):
        if isinstance(value, bool) or not isinstance(value, int):
            r.fail(path, f"toán tử '{op}' cần một số nguyên")
        return value
    _check_scalar(r, field, value, path, allow_null=op in ("eq", "ne"))
    return value


_CRITERION_KEYS = ("id", "level", "article", "question", "help", "text", "rule", "note")


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
            text=r.text(item, "text", path),
            rule=_rule(r, item["rule"], f"{path}.rule", fields, applying_only=True),
            note=r.text(item, "note", path, required=False))
    for level in LEVELS:
        if not any(c.level == level for c in criteria.values()):
            r.fail("$.criteria", f"cấp độ {level} chưa có tiêu chí nào")
    return tuple(criteria.values())


def _undetermined(r: _Reader, raw: Mapping, fields: Mapping[str, InputField]) -> Undetermined:
    item = r.mapping(r.value(raw, "undetermined", "$", (Mapping,), "một đối tượng"),
                     "$.undetermined", ("field", "article", "message"))
    name = r.text(item, "field", "$.undetermined")
    if name not in fields:
        r.fail("$.undetermined.field", f"trường '{name}' không được khai báo trong input_fields")
    return Undetermined(name, r.text(item, "article", "$.undetermined"),
                        r.text(item, "message", "$.undetermined"))


def _party(r: _Reader, raw: Any, path: str, extra: tuple[str, ...] = ()) -> Mapping:
    r.mapping(raw, path, ("key", "text") + extra)
    r.choice(raw, "key", path, PARTY_KEYS)
    r.text(raw, "text", path)
    return raw


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


def _authority(r: _Reader, raw: Mapping) -> tuple[Authority, ...]:
    result, entries = [], []
    for index, item in enumerate(r.items(raw, "authority", "$")):
        path = f"$.authority[{index}]"
        r.mapping(item, path, ("levels", "appraiser", "approvers", "expert_opinion", "article",
                               "note"))
        levels = r.levels(item, "levels", path)
        appraiser = _party(r, r.value(item, "appraiser", path, (Mapping,), "một đối tượng"),
                           f"{path}.appraiser")
        approvers = []
        for i, entry in enumerate(r.items(item, "approvers", path)):
            where = f"{path}.approvers[{i}]"
            _party(r, entry, where, ("subject",))
            approvers.append(Approval(entry["key"], entry["text"],
                                      r.choice(entry, "subject", where, APPROVAL_SUBJECTS)))
        expert = item.get("expert_opinion")
        if expert is not None:
            _party(r, expert, f"{path}.expert_opinion")
        article, note = r.text(item, "article", path), r.text(item, "note", path, required=False)
        entries.append((path, levels, ""))
        for level in levels:
            result.append(Authority(
                level=level, appraiser=Party(appraiser["key"], appraiser["text"]),
                approvers=tuple(approvers),
                expert_opinion=Party(expert["key"], expert["text"]) if expert else None,
                article=article, note=note))
    _per_level(r, entries, "cơ quan thẩm định, phê duyệt", "$.authority")
    return tuple(sorted(result, key=lambda a: a.level))


def _deadlines(r: _Reader, raw: Mapping) -> tuple[Deadline, ...]:
    result, entries = [], []
    for index, item in enumerate(r.items(raw, "deadlines", "$")):
        path = f"$.deadlines[{index}]"
        r.mapping(item, path, ("key", "levels", "days", "unit", "article", "note"))
        key = r.choice(item, "key", path, DEADLINE_KEYS)
        levels = r.levels(item, "levels", path)
        days = r.integer(item, "days", path, required=False)
        if days is not None and days <= 0:
            r.fail(f"{path}.days", "thời hạn phải là số ngày dương")
        note = r.text(item, "note", path, required=False)
        if days is None and not note:
            r.fail(f"{path}.note", "khi văn bản không quy định thời hạn (days: null) phải ghi chú lý do")
        unit = r.choice(item, "unit", path, DEADLINE_UNITS)
        article = r.text(item, "article", path)
        entries.append((path, levels, key))
        result.extend(Deadline(key, level, days, unit, article, note) for level in levels)
    _per_level(r, entries, "thời hạn", "$.deadlines")
    missing = set(DEADLINE_KEYS) - {d.key for d in result}
    if missing:
        r.fail("$.deadlines", f"thiếu thời hạn: {', '.join(sorted(missing))}")
    return tuple(sorted(result, key=lambda d: (DEADLINE_KEYS.index(d.key), d.level)))


def _review_intervals(r: _Reader, raw: Mapping) -> tuple[ReviewInterval, ...]:
    item = r.mapping(r.value(raw, "review_interval_months", "$", (Mapping,), "một đối tượng"),
                     "$.review_interval_months", ("article", "note", "by_level"))
    path = "$.review_interval_months"
    article, note = r.text(item, "article", path), r.text(item, "note", path, required=False)
    result, entries = [], []
    for index, entry in enumerate(r.items(item, "by_level", path)):
        where = f"{path}.by_level[{index}]"
        r.mapping(entry, where, ("level", "months", "external_assessment"))
        level = r.integer(entry, "level", where)
        if level not in LEVELS:
            r.fail(f"{where}.level", "cấp độ phải từ 1 đến 5")
        months = r.integer(entry, "months", where)
        if months <= 0:
            r.fail(f"{where}.months", "số tháng phải dương")
        entries.append((where, (level,), ""))
        result.append(ReviewInterval(level, months, r.flag(entry, "external_assessment", where),
                                     article, note))
    _per_level(r, entries, "chu kỳ kiểm tra, đánh giá", f"{path}.by_level")
    return tuple(sorted(result, key=lambda i: i.level))


def _document_catalogue(r: _Reader, raw: Mapping) -> tuple[DocumentSpec, ...]:
    item = r.mapping(r.value(raw, "documents", "$", (Mapping,), "một đối tượng"),
                     "$.documents", ("catalogue", "by_level"))
    specs: dict[str, DocumentSpec] = {}
    for index, entry in enumerate(r.items(item, "catalogue", "$.documents")):
        where = f"$.documents.catalogue[{index}]"
        r.mapping(entry, where, ("key", "title", "form", "article", "kind", "note"))
        key = r.text(entry, "key", where)
        if not _NAME.match(key):
            r.fail(f"{where}.key", "chỉ gồm chữ thường, số và dấu gạch dưới")
        if key in specs:
            r.fail(f"{where}.key", f"tài liệu '{key}' bị lặp")
        specs[key] = DocumentSpec(
            key=key, title=r.text(entry, "title", where),
            form=r.text(entry, "form", where, required=False) or None,
            article=r.text(entry, "article", where),
            kind=r.choice(entry, "kind", where, DOCUMENT_KINDS),
            note=r.text(entry, "note", where, required=False))
    return tuple(specs.values())


def _level_documents(r: _Reader, raw: Mapping) -> tuple[tuple[int, tuple[str, ...]], ...]:
    item = raw["documents"]
    known = {entry["key"] for entry in item["catalogue"]}
    result, entries = [], []
    for index, entry in enumerate(r.items(item, "by_level", "$.documents")):
        where = f"$.documents.by_level[{index}]"
        r.mapping(entry, where, ("level", "documents"))
        level = r.integer(entry, "level", where)
        if level not in LEVELS:
            r.fail(f"{where}.level", "cấp độ phải từ 1 đến 5")
        keys = r.items(entry, "documents", where)
        for i, key in enumerate(keys):
            if key not in known:
                r.fail(f"{where}.documents[{i}]", f"tài liệu '{key}' không có trong catalogue")
        if len(set(keys)) != len(keys):
            r.fail(f"{where}.documents", "tài liệu bị lặp")
        entries.append((where, (level,), ""))
        result.append((level, tuple(keys)))
    _per_level(r, entries, "danh mục tài liệu", "$.documents.by_level")
    return tuple(sorted(result))


def _transition(r: _Reader, raw: Mapping) -> Transition:
    path = "$.transition"
    item = r.mapping(r.value(raw, "transition", "$", (Mapping,), "một đối tượng"), path,
                     ("new_regime_effective", "under_investment_deadline",
                      "existing_systems_deadline", "article", "note"))
    transition = Transition(
        new_regime_effective=r.day(item, "new_regime_effective", path),
        under_investment_deadline=r.day(item, "under_investment_deadline", path),
        existing_systems_deadline=r.day(item, "existing_systems_deadline", path),
        article=r.text(item, "article", path), note=r.text(item, "note", path, required=False))
    if not (transition.new_regime_effective < transition.under_investment_deadline
            <= transition.existing_systems_deadline):
        r.fail(path, "phải có new_regime_effective < under_investment_deadline "
                     "<= existing_systems_deadline")
    return transition


def _annual_report(r: _Reader, raw: Mapping) -> AnnualReport:
    path = "$.annual_report"
    item = r.mapping(r.value(raw, "annual_report", "$", (Mapping,), "một đối tượng"), path,
                     ("period_start", "period_end", "units_to_owner_by", "owner_to_ministry_by",
                      "deadline_semantics", "recipient", "form", "article", "note"))
    report = AnnualReport(
        period_start=r.month_day(item, "period_start", path),
        period_end=r.month_day(item, "period_end", path),
        units_to_owner_by=r.month_day(item, "units_to_owner_by", path),
        owner_to_ministry_by=r.month_day(item, "owner_to_ministry_by", path),
        deadline_semantics=r.choice(item, "deadline_semantics", path, ("before", "on_or_before")),
        recipient=r.text(item, "recipient", path),
        form=r.text(item, "form", path, required=False) or None,
        article=r.text(item, "article", path), note=r.text(item, "note", path, required=False))
    if report.units_to_owner_by > report.owner_to_ministry_by:
        r.fail(f"{path}.owner_to_ministry_by", "phải sau hạn đơn vị gửi chủ quản")
    return report
