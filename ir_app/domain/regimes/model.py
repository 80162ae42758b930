"""The regime model: frozen dataclasses of one decree's criteria, authority, deadlines, forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from ir_app.domain.conditions import Rule

LEVELS = (1, 2, 3, 4, 5)
FIELD_TYPES = ("enum", "enum_list", "int", "bool", "nullable_enum", "nullable_int")
PARTY_KEYS = ("specialised_unit", "owner", "ministry_of_public_security", "prime_minister")
APPROVAL_SUBJECTS = ("level", "protection_plan", "national_list")
DEADLINE_KEYS = ("validity_check", "appraisal", "approval")
DEADLINE_UNITS = ("working_days", "calendar_days")
DOCUMENT_KINDS = ("dossier", "attachment", "prerequisite", "request", "opinion", "submission",
                  "decision", "report")


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    label_en: str = ""  # every `*_en` text: what an English page shows (empty: the Vietnamese)


@dataclass(frozen=True)
class Condition:
    """A rule plus the Vietnamese message shown when an input breaks it."""

    rule: Rule
    message: str
    message_en: str = ""


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
    label_en: str = ""
    help_en: str = ""

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
    title_en: str = ""
    help_en: str = ""


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
    text_en: str = ""

    def is_met(self, values: Mapping[str, Any]) -> bool:
        return self.rule.evaluate(values)


@dataclass(frozen=True)
class Undetermined:
    """What to ask for when no criterion is met (the decree leaves that case to a risk assessment)."""

    field: str
    article: str
    message: str
    message_en: str = ""


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
class Arrangement:
    """One way of appraising independently (NĐ 331 Đ18.4.a subordinate unit, Đ18.4.b council)."""

    key: str  # subordinate_unit | independent_council
    text: str
    members_required: bool = False


@dataclass(frozen=True)
class IndependentAppraisal:
    """When the appraising specialised unit also runs the system, one of these bodies appraises."""

    article: str
    arrangements: tuple[Arrangement, ...]
    note: str = ""

    def arrangement(self, key: str | None) -> Arrangement | None:
        return next((a for a in self.arrangements if a.key == key), None)


@dataclass(frozen=True)
class Authority:
    level: int
    appraiser: Party
    approvers: tuple[Approval, ...]
    expert_opinion: Party | None
    article: str
    note: str = ""
    independent_appraisal: IndependentAppraisal | None = None

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
class DrillDuty:
    """Diễn tập: the levels whose systems oblige their owner to drill, and how often.

    Periods follow the calendar (12 months: each calendar year; 6: each half-year), so a drill
    planned anywhere in the period counts, and the reminder comes `remind_days_before_end` days
    before the period ends if none is planned."""

    levels: tuple[int, ...]
    period_months: int
    remind_days_before_end: int
    article: str
    note: str = ""

    def period_of(self, day: date) -> tuple[date, date]:
        """The first and last day of the period that holds `day`."""
        first_month = (day.month - 1) // self.period_months * self.period_months + 1
        start = date(day.year, first_month, 1)
        following = first_month + self.period_months
        end = (date(day.year + 1, 1, 1) if following > 12 else date(day.year, following, 1)) - timedelta(days=1)
        return start, end


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
    cited_as: str = ""   # law | decree | circular: cited in the "Căn cứ …" lines of the documents
    citation: str = ""   # the words after "Căn cứ" (number, date, issuer, subject)


@dataclass(frozen=True)
class Transition:
    new_regime_effective: date
    under_investment_deadline: date
    existing_systems_deadline: date
    article: str
    note: str = ""

    def finishes_under_old_regime(self, under_investment: bool, investment_approved_on: date | None,
                                  approved_level: int | None) -> bool:
        """NĐ 331/2026 Đ39.1: a system under investment *before* the new regime took effect, not yet
        approved, completes appraisal and approval under the old decree by ``under_investment_deadline``."""
        return (under_investment and approved_level is None and investment_approved_on is not None
                and investment_approved_on < self.new_regime_effective)


@dataclass(frozen=True)
class ConsistencyWarning:
    """Answers the law allows but that rarely go together: shown, and confirmed by the proposer.

    ``message`` may name input fields in braces ({sensitive_data_subjects}); they are filled in."""

    id: str
    article: str
    rule: Rule
    message: str
    note: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class ProcedureLevel:
    """The system keeps its level but follows the procedure of ``level`` (NĐ 331 Đ20.4)."""

    id: str
    level: int
    article: str
    text: str
    rule: Rule
    note: str = ""
    text_en: str = ""


@dataclass(frozen=True)
class NewDossiers:
    """Who may still open a new dossier under a regime past its end (NĐ 331 Đ39.1)."""

    investment_approved_before: date
    article: str
    message: str
    note: str = ""


@dataclass(frozen=True)
class SecurityPolicyRule:
    """The Quy chế issued before approval (NĐ 331 Đ30.7): who is competent to issue it."""

    issuers: tuple[str, ...]
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
    security_policy: SecurityPolicyRule
    notes: tuple[str, ...] = ()
    source: str = ""
    warnings: tuple[ConsistencyWarning, ...] = ()
    procedure_levels: tuple[ProcedureLevel, ...] = ()
    new_dossiers: NewDossiers | None = None
    security_term: str = ""  # "an ninh mạng" / "an toàn thông tin": the words the documents use
    drills: DrillDuty | None = None  # None: the regime asks for no periodic drill

    def drill_duty(self, level: int | None) -> DrillDuty | None:
        """The drill duty a system of this level brings, or None."""
        return self.drills if self.drills is not None and level in self.drills.levels else None
    title_en: str = ""

    @property
    def cited(self) -> tuple[LegalDocument, ...]:
        """The laws, decrees and circulars the documents cite, in the file's order."""
        return tuple(document for document in self.legal_basis if document.citation)

    def citation_of(self, kind: str) -> str:
        return next((document.citation for document in self.cited if document.cited_as == kind), "")

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

    def english(self, text: str) -> str:
        """The English of one of this regime's Vietnamese texts (title, step, question, answer,
        condition message, criterion, …) for an English page; a text it does not know, as given."""
        return self._english.get(text, text)

    @cached_property
    def _english(self) -> dict[str, str]:
        pairs = [(self.title, self.title_en), (self.undetermined.message, self.undetermined.message_en)]
        pairs += [pair for step in self.wizard_steps for pair in ((step.title, step.title_en), (step.help, step.help_en))]
        for field in self.input_fields:
            pairs += [(field.label, field.label_en), (field.help, field.help_en)]
            pairs += [(choice.label, choice.label_en) for choice in field.choices]
            pairs += [(c.message, c.message_en) for c in (field.required_when, field.only_when) if c]
        pairs += [(criterion.text, criterion.text_en) for criterion in self.criteria]
        pairs += [(rule.text, rule.text_en) for rule in self.procedure_levels]
        return {vietnamese: english for vietnamese, english in pairs if vietnamese and english}

    def cite(self, article: str) -> str:
        """Full citation, e.g. "NĐ 331/2026 Đ13.2.b"; an article of another text ("TT 12/2022 Đ6") as is."""
        return f"{self.citation_prefix} {article}" if article.startswith("Đ") else article

    def is_in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    def new_dossier_refusal(self, on: date, investment_approved_on: date | None) -> str | None:
        """Why a new dossier may not be opened under this regime on ``on`` (None: it may).

        In force: anyone. Past its end: only systems whose investment was approved before the
        regime's cut-off (NĐ 331/2026 Đ39.1 keeps NĐ 85/2016 for them)."""
        if self.is_in_force(on):
            return None
        rule = self.new_dossiers
        if on < self.valid_from or rule is None:
            return f"{self.short_title} không áp dụng cho hồ sơ mới vào ngày {on:%d/%m/%Y}."
        if investment_approved_on is None:
            return f"{rule.message} Hệ thống chưa ghi ngày phê duyệt đầu tư."
        if investment_approved_on >= rule.investment_approved_before:
            return (f"{rule.message} Hệ thống được phê duyệt đầu tư ngày {investment_approved_on:%d/%m/%Y}, "
                    f"không trước ngày {rule.investment_approved_before:%d/%m/%Y}.")
        return None


def _find(items: Iterable[Any], test: Callable[[Any], bool], key: Any) -> Any:
    for item in items:
        if test(item):
            return item
    raise KeyError(key)


# Vietnamese order for the lettered points of a clause (a, b, c, d, đ, e, g, ...).
_VN_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"


def article_sort_key(article: str) -> tuple:
    """Natural order of "Đ13.2.b" style references: numbers numerically, letters Vietnamese-wise."""
    key = []
    for token in re.findall(r"[0-9]+|[^\W\d_]+", article.lower()):
        if token.isdigit():
            key.append((0, int(token), ()))
        else:
            key.append((1, 0, tuple(_VN_ALPHABET.find(ch) for ch in token)))
    return tuple(key)
