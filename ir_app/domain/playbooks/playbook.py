"""Incident response as data: playbooks, the incident lifecycle and the reporting clocks.

Pure rules over plain dicts (already parsed from YAML by ``ir_app.datafiles.playbooks``):
standard library only. Every ``build_*`` function checks meaning, not just shape, and reports
problems as ``PlaybookError(source, where, reason)`` with a Vietnamese reason, because the
people who edit these files are commune admins.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

APP_ROLES = ("admin", "officer", "staff", "appraiser", "approver", "auditor", "overseer")
DUE_ANCHORS = ("detection", "discovery", "phase_start")
STEP_LINKS = ("backups", "emergency_contacts")
PLAYBOOK_STATUSES = ("draft", "active", "retired")
CLOCK_STARTS = ("detected_at", "discovered_at", "resolved_at")
CLOCK_KINDS = ("initial_notice", "report", "update", "final_report", "pdp_notice", "subject_notice")
# Facts the clock arithmetic itself supplies; conditions may always refer to them.
TIME_FACTS = CLOCK_STARTS

_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
# semver.org's reference pattern (MAJOR.MINOR.PATCH[-pre][+build]).
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)
_WEEKS = re.compile(r"P(?P<weeks>\d+)W")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------- errors

class PlaybookError(ValueError):
    """A problem in a data file: which file, where in it (step id or field), and why."""

    def __init__(self, source: object, where: str, reason: str, *, step: str | None = None):
        self.source = str(source)
        self.where = where
        self.reason = reason
        self.step = step
        super().__init__(self.source, where, reason)

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.reason}"


class TransitionError(Exception):
    """An incident action refused; ``reason`` is shown to the user as is (Vietnamese).

    ``code`` lets the service pick the status: ``forbidden`` → 403, the others → 409/400.
    """

    def __init__(self, code: str, reason: str, *, failed_guards: Sequence[str] = ()):
        self.code = code
        self.reason = reason
        self.failed_guards = tuple(failed_guards)
        super().__init__(reason)


class _Problems:
    """Collects every problem in one file, so an editor can fix them all in one pass."""

    def __init__(self, source: object):
        self.source = source
        self.errors: list[PlaybookError] = []

    def add(self, where: str, reason: str, *, step: str | None = None) -> None:
        self.errors.append(PlaybookError(self.source, where, reason, step=step))

    def raise_first(self) -> None:
        if self.errors:
            raise self.errors[0]


class _StepProblems(_Problems):
    """Tags every problem found while reading a step with that step's id (shares the list)."""

    def __init__(self, parent: _Problems, step_id: str):
        super().__init__(parent.source)
        self.errors = parent.errors
        self.step_id = step_id

    def add(self, where: str, reason: str, *, step: str | None = None) -> None:
        super().add(where, reason, step=self.step_id)


def _field(name: str) -> str:
    return f"trường '{name}'"


def _at_step(step_id: str, name: str | None = None) -> str:
    return f"bước '{step_id}'" + (f", trường '{name}'" if name else "")


# --------------------------------------------------------------------------- durations

def parse_iso_duration(text: str) -> timedelta:
    """ISO-8601 duration → timedelta (PnYnMnDTnHnMnS or PnW; a month is 30 days, a year 365).

    Calendar-exact months do not matter here: durations are deadlines and review intervals,
    and a fixed length keeps them comparable and testable.
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} không phải chuỗi khoảng thời gian ISO-8601 (ví dụ PT72H, P7D, P12M)")
    weeks = _WEEKS.fullmatch(text)
    if weeks:
        return timedelta(weeks=int(weeks["weeks"]))
    match = _DURATION.fullmatch(text)
    parts = match.groupdict() if match else {}
    if not match or text.endswith("T") or not any(parts.values()):
        raise ValueError(
            f"'{text}' không phải khoảng thời gian ISO-8601 hợp lệ (ví dụ PT0H, PT24H, P5D, P12M, P2W)")
    number = {key: float((value or "0").replace(",", ".")) for key, value in parts.items()}
    return timedelta(
        days=number["years"] * 365 + number["months"] * 30 + number["days"],
        hours=number["hours"], minutes=number["minutes"], seconds=number["seconds"],
    )


_CALENDAR_MONTHS = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?")


def calendar_months(text: str) -> int | None:
    """P1Y → 12, P6M → 6, P1Y6M → 18; None for durations with days or times (counted exactly)."""
    match = _CALENDAR_MONTHS.fullmatch(text or "")
    if match is None or not any(match.groups()):
        return None
    years, months = (int(group or 0) for group in match.groups())
    return 12 * years + months


def _months_later(day: date, months: int) -> date:
    """31/01 + 1 month = 28/02 (or 29/02). Kept here: this module imports only the standard library."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(year=year, month=month_index + 1,
                       day=min(day.day, calendar.monthrange(year, month_index + 1)[1]))


def _duration(value: Any, problems: _Problems, where: str) -> tuple[timedelta, str]:
    try:
        return parse_iso_duration(value), value
    except ValueError as error:
        problems.add(where, str(error))
        return timedelta(0), str(value)


# --------------------------------------------------------------------------- field readers

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


# --------------------------------------------------------------------------- lifecycle

@dataclass(frozen=True)
class Phase:
    """A response activity (NĐ 333/2026 Đ9.2); it starts when the incident enters ``starts_on``."""

    id: str
    title: str
    article: str
    starts_on: str


@dataclass(frozen=True)
class State:
    id: str
    title: str
    phase: str | None
    terminal: bool


@dataclass(frozen=True)
class Guard:
    """A named precondition the server evaluates (e.g. all required tasks done)."""

    id: str
    title: str


@dataclass(frozen=True)
class Transition:
    """One action: from any of ``from_states`` (empty = creates the incident) to ``to``."""

    action: str
    from_states: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    comment_required: bool
    guards: tuple[str, ...]
    label: str

    @property
    def creates(self) -> bool:
        return not self.from_states


@dataclass(frozen=True)
class Lifecycle:
    initial_state: str
    phases: tuple[Phase, ...]
    states: tuple[State, ...]
    guards: tuple[Guard, ...]
    transitions: tuple[Transition, ...]
    source: str = ""

    @property
    def phase_ids(self) -> tuple[str, ...]:
        return tuple(phase.id for phase in self.phases)

    @property
    def state_ids(self) -> tuple[str, ...]:
        return tuple(state.id for state in self.states)

    def state(self, state_id: str) -> State:
        return _by_id(self.states, state_id, "trạng thái")

    def phase(self, phase_id: str) -> Phase:
        return _by_id(self.phases, phase_id, "giai đoạn")

    def guard(self, guard_id: str) -> Guard:
        return _by_id(self.guards, guard_id, "điều kiện")

    def action(self, action: str) -> Transition | None:
        return next((rule for rule in self.transitions if rule.action == action), None)


def _by_id(items: Iterable[Any], wanted: str, what: str) -> Any:
    for item in items:
        if item.id == wanted:
            return item
    raise KeyError(f"Không có {what} '{wanted}'")


def build_lifecycle(raw: Any, source: object, roles: Sequence[str] = APP_ROLES) -> Lifecycle:
    raw = _mapping(raw, source, "lifecycle")
    problems = _Problems(source)
    phases = tuple(_phase(item, problems) for item in _items(raw, "phases", problems, _field("phases")))
    states = tuple(_state(item, problems) for item in _items(raw, "states", problems, _field("states")))
    guards = tuple(_guard(item, problems) for item in _items(raw, "guards", problems, _field("guards")))
    transitions = tuple(
        _transition(item, problems) for item in _items(raw, "transitions", problems, _field("transitions")))
    lifecycle = Lifecycle(
        initial_state=_ident(raw, "initial_state", problems, _field("initial_state")),
        phases=phases, states=states, guards=guards, transitions=transitions, source=str(source),
    )
    if not problems.errors:
        _check_lifecycle(lifecycle, set(roles), problems)
    problems.raise_first()
    return lifecycle


def _phase(raw: Mapping, problems: _Problems) -> Phase:
    where = f"giai đoạn '{raw.get('id')}'"
    return Phase(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        article=_text(raw, "article", problems, where, required=False),
        starts_on=_ident(raw, "starts_on", problems, where),
    )


def _state(raw: Mapping, problems: _Problems) -> State:
    where = f"trạng thái '{raw.get('id')}'"
    phase = raw.get("phase")
    if phase is not None and not (isinstance(phase, str) and _ID.fullmatch(phase)):
        problems.add(where, "phase phải là mã giai đoạn hoặc null")
        phase = None
    return State(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        phase=phase, terminal=_flag(raw, "terminal", problems, where),
    )


def _guard(raw: Mapping, problems: _Problems) -> Guard:
    where = f"điều kiện '{raw.get('id')}'"
    return Guard(id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where))


def _transition(raw: Mapping, problems: _Problems) -> Transition:
    where = f"thao tác '{raw.get('action')}'"
    if not isinstance(raw.get("from"), list):
        problems.add(where, "'from' phải là danh sách trạng thái ([] = thao tác tạo sự cố)")
    return Transition(
        action=_ident(raw, "action", problems, where),
        from_states=_texts(raw, "from", problems, where),
        to=_ident(raw, "to", problems, where),
        roles=_texts(raw, "roles", problems, where),
        comment_required=_flag(raw, "comment_required", problems, where),
        guards=_texts(raw, "guards", problems, where),
        label=_text(raw, "label", problems, where),
    )


def _check_lifecycle(lifecycle: Lifecycle, roles: set[str], problems: _Problems) -> None:
    states, phases = set(lifecycle.state_ids), set(lifecycle.phase_ids)
    guards = {guard.id for guard in lifecycle.guards}
    _unique(lifecycle.phase_ids, problems, _field("phases"), "giai đoạn")
    _unique(lifecycle.state_ids, problems, _field("states"), "trạng thái")
    _unique(guards, problems, _field("guards"), "điều kiện")
    _unique((rule.action for rule in lifecycle.transitions), problems, _field("transitions"), "thao tác")
    if lifecycle.initial_state not in states:
        problems.add(_field("initial_state"), f"không có trạng thái '{lifecycle.initial_state}'")
    for phase in lifecycle.phases:
        if phase.starts_on not in states:
            problems.add(f"giai đoạn '{phase.id}'", f"starts_on: không có trạng thái '{phase.starts_on}'")
    for state in lifecycle.states:
        if state.phase is not None and state.phase not in phases:
            problems.add(f"trạng thái '{state.id}'", f"không có giai đoạn '{state.phase}'")
    for rule in lifecycle.transitions:
        _check_transition(rule, lifecycle, states, guards, roles, problems)
    _check_reachability(lifecycle, problems)


def _check_transition(rule: Transition, lifecycle: Lifecycle, states: set[str], guards: set[str],
                      roles: set[str], problems: _Problems) -> None:
    where = f"thao tác '{rule.action}'"
    for state in (*rule.from_states, rule.to):
        if state not in states:
            problems.add(where, f"không có trạng thái '{state}'")
    if rule.creates and rule.to != lifecycle.initial_state:
        problems.add(where, f"thao tác tạo sự cố phải dẫn tới trạng thái đầu '{lifecycle.initial_state}'")
    if not rule.roles:
        problems.add(where, "phải cho phép ít nhất một vai trò")
    for role in rule.roles:
        if role not in roles:
            problems.add(where, f"không có vai trò '{role}' (có: {', '.join(sorted(roles))})")
    for guard in rule.guards:
        if guard not in guards:
            problems.add(where, f"điều kiện '{guard}' chưa được khai báo trong 'guards'")


def _check_reachability(lifecycle: Lifecycle, problems: _Problems) -> None:
    """Every state reachable from the start; every non-terminal state has a way out."""
    reached, frontier = {lifecycle.initial_state}, [lifecycle.initial_state]
    while frontier:
        current = frontier.pop()
        for rule in lifecycle.transitions:
            if current in rule.from_states and rule.to not in reached:
                reached.add(rule.to)
                frontier.append(rule.to)
    for state in lifecycle.states:
        if state.id not in reached:
            problems.add(f"trạng thái '{state.id}'", "không thể đi tới từ trạng thái đầu")
        leaves = any(state.id in rule.from_states for rule in lifecycle.transitions)
        if not state.terminal and not leaves:
            problems.add(f"trạng thái '{state.id}'",
                         "không phải trạng thái kết thúc nhưng không có thao tác nào đi ra")


def available_actions(lifecycle: Lifecycle, state: str | None, roles: Iterable[str]) -> list[Transition]:
    """Actions the user may try from ``state`` (None = not created yet); guards are not evaluated,
    so the UI can show a disabled button with the missing condition."""
    held = set(roles)
    return [
        rule for rule in lifecycle.transitions
        if _leaves(rule, state) and held.intersection(rule.roles)
    ]


def _leaves(rule: Transition, state: str | None) -> bool:
    return rule.creates if state is None else state in rule.from_states


def transition(lifecycle: Lifecycle, state: str | None, action: str, roles: Iterable[str],
               guard_results: Mapping[str, bool], comment: str | None) -> str:
    """Apply ``action`` to an incident in ``state`` and return the new state, or refuse.

    A guard missing from ``guard_results`` counts as not met: the server must evaluate all.
    """
    rule = lifecycle.action(action)
    if rule is None:
        raise TransitionError("unknown_action", f"Thao tác «{action}» không có trong quy trình xử lý sự cố.")
    if state is not None and state not in lifecycle.state_ids:
        raise TransitionError("unknown_state", f"Trạng thái «{state}» không có trong quy trình xử lý sự cố.")
    if not _leaves(rule, state):
        where = "sự cố chưa được tạo" if state is None else \
            f"sự cố đang ở trạng thái «{lifecycle.state(state).title}»"
        raise TransitionError("wrong_state", f"Không thể «{rule.label}» khi {where}.")
    if not set(roles).intersection(rule.roles):
        raise TransitionError("forbidden", f"Vai trò của bạn không được phép «{rule.label}».")
    if rule.comment_required and not (comment or "").strip():
        raise TransitionError("comment_required", f"Cần ghi lý do khi «{rule.label}».")
    failed = [guard for guard in rule.guards if guard_results.get(guard) is not True]
    if failed:
        missing = "; ".join(lifecycle.guard(guard).title for guard in failed)
        raise TransitionError("guard_failed", f"Chưa thể «{rule.label}»: {missing}.", failed_guards=failed)
    return rule.to


# --------------------------------------------------------------------------- categories

@dataclass(frozen=True)
class Category:
    id: str
    title: str
    description: str
    # False where the category is usually not a "sự cố an ninh mạng" (Luật 116/2025 Đ2.17),
    # e.g. a power failure: the officer may still set the fact to true.
    cyber_incident: bool


@dataclass(frozen=True)
class Severity:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class SeverityCriteria:
    regime: str
    defined: bool
    article: str
    text: str


@dataclass(frozen=True)
class Flag:
    """A yes/no fact about an incident that reporting clocks depend on."""

    id: str
    title: str
    article: str
    description: str


@dataclass(frozen=True)
class Catalogue:
    categories: tuple[Category, ...]
    severities: tuple[Severity, ...]
    criteria: tuple[SeverityCriteria, ...]
    flags: tuple[Flag, ...]
    source: str = ""

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories)

    @property
    def fact_names(self) -> frozenset[str]:
        """Names a clock condition may use."""
        return frozenset({"severity", "category", *TIME_FACTS, *(flag.id for flag in self.flags)})


def build_categories(raw: Any, source: object) -> Catalogue:
    raw = _mapping(raw, source, "categories")
    problems = _Problems(source)
    severity = raw.get("severity") if isinstance(raw.get("severity"), Mapping) else {}
    if not severity:
        problems.add(_field("severity"), "thiếu thang mức độ (levels, criteria)")
    categories = tuple(_category(item, problems)
                       for item in _items(raw, "categories", problems, _field("categories")))
    levels = _items(severity, "levels", problems, "severity.levels") if severity else []
    severities = tuple(_severity(item, problems) for item in levels)
    rules = _items(severity, "criteria", problems, "severity.criteria") if severity else []
    criteria = tuple(_criteria(item, problems) for item in rules)
    flags = tuple(_flag_fact(item, problems) for item in _items(raw, "flags", problems, _field("flags")))
    _unique((item.id for item in categories), problems, _field("categories"), "loại sự cố")
    _unique((item.id for item in severities), problems, "severity.levels", "mức độ")
    _unique((item.id for item in flags), problems, _field("flags"), "dấu hiệu")
    problems.raise_first()
    return Catalogue(categories, severities, criteria, flags, source=str(source))


def _category(raw: Mapping, problems: _Problems) -> Category:
    where = f"loại sự cố '{raw.get('id')}'"
    return Category(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        description=_text(raw, "description", problems, where, required=False),
        cyber_incident=_flag(raw, "cyber_incident", problems, where, default=True),
    )


def _severity(raw: Mapping, problems: _Problems) -> Severity:
    where = f"mức độ '{raw.get('id')}'"
    return Severity(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        description=_text(raw, "description", problems, where, required=False),
    )


def _flag_fact(raw: Mapping, problems: _Problems) -> Flag:
    where = f"dấu hiệu '{raw.get('id')}'"
    return Flag(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        article=_text(raw, "article", problems, where, required=False),
        description=_text(raw, "description", problems, where, required=False),
    )


def _criteria(raw: Mapping, problems: _Problems) -> SeverityCriteria:
    where = f"severity.criteria '{raw.get('regime')}'"
    return SeverityCriteria(
        regime=_ident(raw, "regime", problems, where), defined=_flag(raw, "defined", problems, where),
        article=_text(raw, "article", problems, where, required=False),
        text=_text(raw, "text", problems, where),
    )


# --------------------------------------------------------------------------- playbooks

@dataclass(frozen=True)
class Due:
    """A task deadline: ``within`` after detection, discovery, or the start of its phase."""

    after: str
    within: timedelta
    within_text: str

    def due_at(self, anchor: datetime) -> datetime:
        return anchor + self.within


@dataclass(frozen=True)
class Step:
    id: str
    phase: str
    title: str
    role: str
    required: bool
    due: Due | None
    depends_on: tuple[str, ...]
    guidance: str
    evidence: tuple[str, ...]
    links: tuple[str, ...]
    continuity: bool
    # A reporting task names its clock rule: it is required only while that rule applies.
    clock: str | None


@dataclass(frozen=True)
class Playbook:
    id: str
    version: str
    status: str
    title: str
    categories: tuple[str, ...]
    review_interval: timedelta
    review_interval_text: str
    last_reviewed_on: date
    references: tuple[str, ...]
    summary: str
    phases: tuple[str, ...]
    steps: tuple[Step, ...]
    source: str = ""
    sha256: str = ""

    @property
    def next_review_on(self) -> date:
        """A yearly review (P12M, P1Y) falls on the same date a year later, not 360 days on."""
        months = calendar_months(self.review_interval_text)
        if months is not None:
            return _months_later(self.last_reviewed_on, months)
        return self.last_reviewed_on + self.review_interval

    def step(self, step_id: str) -> Step:
        return _by_id(self.steps, step_id, "bước")


def build_playbook(raw: Any, source: object, lifecycle: Lifecycle, category_ids: Iterable[str],
                   roles: Iterable[str] = APP_ROLES,
                   clock_rules: Sequence[ClockRule] | None = None) -> Playbook:
    """Build a playbook or raise the first ``PlaybookError`` (see ``check_playbook`` for all)."""
    playbook, problems = _parse_playbook(raw, source, lifecycle, category_ids, roles, clock_rules)
    problems.raise_first()
    return playbook


def check_playbook(raw: Any, source: object, lifecycle: Lifecycle, category_ids: Iterable[str],
                   roles: Iterable[str] = APP_ROLES,
                   clock_rules: Sequence[ClockRule] | None = None) -> list[PlaybookError]:
    """Every problem in one playbook, for ``ir-app playbooks validate``."""
    try:
        return _parse_playbook(raw, source, lifecycle, category_ids, roles, clock_rules)[1].errors
    except PlaybookError as error:
        return [error]


def _parse_playbook(raw: Any, source: object, lifecycle: Lifecycle, category_ids: Iterable[str],
                    roles: Iterable[str], clock_rules: Sequence[ClockRule] | None,
                    ) -> tuple[Playbook, _Problems]:
    raw = _mapping(raw, source, "playbook")
    problems = _Problems(source)
    steps = tuple(_step(item, problems) for item in _items(raw, "steps", problems, _field("steps")))
    interval, interval_text = _duration(raw.get("review_interval"), problems, _field("review_interval"))
    playbook = Playbook(
        id=_ident(raw, "id", problems, _field("id")),
        version=_version(raw, problems),
        status=_choice(raw, "status", PLAYBOOK_STATUSES, problems),
        title=_text(raw, "title", problems, _field("title")),
        categories=_texts(raw, "categories", problems, _field("categories")),
        review_interval=interval, review_interval_text=interval_text,
        last_reviewed_on=_reviewed_on(raw, problems),
        references=_texts(raw, "references", problems, _field("references")),
        summary=_text(raw, "summary", problems, _field("summary")),
        phases=_texts(raw, "phases", problems, _field("phases")),
        steps=steps, source=str(source),
    )
    _check_playbook(playbook, lifecycle, set(category_ids), set(roles), clock_rules, problems)
    return playbook, problems


def _version(raw: Mapping, problems: _Problems) -> str:
    value = raw.get("version")
    if not isinstance(value, str) or not _SEMVER.fullmatch(value):
        problems.add(_field("version"),
                     f"'{value}' không phải phiên bản dạng MAJOR.MINOR.PATCH (ví dụ 1.0.0)")
        return str(value)
    return value


def _choice(raw: Mapping, key: str, allowed: Sequence[str], problems: _Problems) -> str:
    value = raw.get(key)
    if value not in allowed:
        problems.add(_field(key), f"'{value}' không hợp lệ; chọn một trong: {', '.join(allowed)}")
    return str(value)


def _reviewed_on(raw: Mapping, problems: _Problems) -> date:
    try:
        return _as_date(raw.get("last_reviewed_on"))
    except ValueError as error:
        problems.add(_field("last_reviewed_on"), str(error))
        return date.min


def _step(raw: Mapping, parent: _Problems) -> Step:
    step_id = raw.get("id") if isinstance(raw.get("id"), str) else "?"
    problems = _StepProblems(parent, step_id)

    def where(name: str | None = None) -> str:
        return _at_step(step_id, name)

    def add(name: str, reason: str) -> None:
        problems.add(where(name), reason)

    links = _texts(raw, "links", problems, where("links"))
    for link in links:
        if link not in STEP_LINKS:
            add("links", f"'{link}' không hợp lệ; chọn trong: {', '.join(STEP_LINKS)}")
    clock = raw.get("clock")
    if clock is not None and not isinstance(clock, str):
        add("clock", "phải là mã quy tắc báo cáo trong clocks.yaml")
        clock = None
    return Step(
        id=_ident(raw, "id", problems, where("id")), phase=_ident(raw, "phase", problems, where("phase")),
        title=_text(raw, "title", problems, where("title")),
        role=_ident(raw, "role", problems, where("role")),
        required=_flag(raw, "required", problems, where("required"), default=True),
        due=_due(raw.get("due"), step_id, problems),
        depends_on=_texts(raw, "depends_on", problems, where("depends_on")),
        guidance=_text(raw, "guidance", problems, where("guidance")),
        evidence=_texts(raw, "evidence", problems, where("evidence")),
        links=links, continuity=_flag(raw, "continuity", problems, where("continuity")), clock=clock,
    )


def _due(raw: Any, step_id: str, problems: _StepProblems) -> Due | None:
    if raw is None:
        return None
    where = _at_step(step_id, "due")
    if not isinstance(raw, Mapping):
        problems.add(where, "phải có dạng {after: ..., within: ...}")
        return None
    after = raw.get("after")
    if after not in DUE_ANCHORS:
        problems.add(where, f"after '{after}' không hợp lệ; chọn trong: {', '.join(DUE_ANCHORS)}")
    try:
        within = parse_iso_duration(raw.get("within"))
    except ValueError as error:
        problems.add(where, str(error))
        within = timedelta(0)
    return Due(after=str(after), within=within, within_text=str(raw.get("within")))


def _check_playbook(playbook: Playbook, lifecycle: Lifecycle, category_ids: set[str], roles: set[str],
                    clock_rules: Sequence[ClockRule] | None, problems: _Problems) -> None:
    for category in playbook.categories:
        if category not in category_ids:
            problems.add(_field("categories"), f"không có loại sự cố '{category}' trong categories.yaml")
    if not playbook.categories:
        problems.add(_field("categories"), "phải gắn với ít nhất một loại sự cố")
    known_phases = set(lifecycle.phase_ids)
    for phase in playbook.phases:
        if phase not in known_phases:
            problems.add(_field("phases"), f"không có giai đoạn '{phase}' trong lifecycle.yaml")
    _unique(playbook.phases, problems, _field("phases"), "giai đoạn")
    _unique((step.id for step in playbook.steps), problems, _field("steps"), "mã bước")
    clocks = None if clock_rules is None else {rule.id: rule for rule in clock_rules}
    for step in playbook.steps:
        _check_step(step, playbook, known_phases, roles, clocks, problems)
    used = {step.phase for step in playbook.steps}
    for phase in playbook.phases:
        if phase in known_phases and phase not in used:
            problems.add(_field("phases"), f"giai đoạn '{phase}' được khai báo nhưng không có bước nào")
    cycle = find_cycle({step.id: step.depends_on for step in playbook.steps})
    if cycle:
        problems.add(_at_step(cycle[0], "depends_on"),
                     "phụ thuộc vòng tròn: " + " → ".join(cycle), step=cycle[0])


def _check_step(step: Step, playbook: Playbook, phases: set[str], roles: set[str],
                clocks: Mapping[str, ClockRule] | None, problems: _Problems) -> None:
    def add(name: str, reason: str) -> None:
        problems.add(_at_step(step.id, name), reason, step=step.id)

    if not step.phase:
        pass  # already reported as missing
    elif step.phase not in phases:
        add("phase", f"không có giai đoạn '{step.phase}' trong lifecycle.yaml")
    elif step.phase not in playbook.phases:
        add("phase", f"giai đoạn '{step.phase}' chưa được liệt kê trong 'phases' của kịch bản")
    if step.role and step.role not in roles:
        add("role", f"không có vai trò '{step.role}' (có: {', '.join(sorted(roles))})")
    step_ids = {other.id for other in playbook.steps}
    for target in step.depends_on:
        if target not in step_ids:
            add("depends_on", f"không có bước '{target}' trong kịch bản")
    if step.clock is not None and clocks is not None:
        _check_step_clock(step, clocks, add)


def _check_step_clock(step: Step, clocks: Mapping[str, ClockRule], add) -> None:
    rule = clocks.get(step.clock)
    if rule is None:
        add("clock", f"không có quy tắc báo cáo '{step.clock}' trong clocks.yaml")
        return
    anchor = {"detected_at": "detection", "discovered_at": "discovery"}.get(rule.starts_at)
    if step.due and anchor and (step.due.after, step.due.within) != (anchor, rule.duration):
        add("due", f"phải khớp thời hạn luật định của '{rule.id}': "
                   f"{{after: {anchor}, within: {rule.duration_text}}}")


def find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A dependency cycle as a path that returns to its start (a → b → a), or None."""
    colour: dict[str, int] = {}  # absent = unvisited, 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        path.append(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue  # reported separately as an unknown step
            if colour.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in colour and (found := visit(target)):
                return found
        path.pop()
        colour[node] = 2
        return None

    for node in graph:
        if node not in colour and (found := visit(node)):
            return found
    return None


# --------------------------------------------------------------------------- reporting clocks

@dataclass(frozen=True)
class ClockRule:
    """A legal (or commune-default) reporting deadline, applicable when ``applies_when`` holds."""

    id: str
    title: str
    recipient: str
    starts_at: str
    duration: timedelta
    duration_text: str
    applies_when: Any = field(hash=False)  # a condition (evaluate_condition); None = always
    regimes: tuple[str, ...]
    kind: str
    article: str
    statutory: bool = True  # False: no fixed legal deadline, the duration is the commune's default
    form: str = ""
    contents: tuple[str, ...] = ()
    note: str = ""


def build_clock_rules(raw: Any, source: object,
                      known_facts: Iterable[str] | None = None) -> tuple[ClockRule, ...]:
    raw = _mapping(raw, source, "clocks")
    problems = _Problems(source)
    regimes = raw.get("regimes")
    regime_ids = {item.get("id") for item in regimes if isinstance(item, Mapping)} \
        if isinstance(regimes, list) else set()
    if not regime_ids:
        problems.add(_field("regimes"), "phải khai báo danh sách chế độ báo cáo (id, title)")
    facts = None if known_facts is None else set(known_facts) | set(TIME_FACTS)
    rules = tuple(_clock_rule(item, regime_ids, facts, problems)
                  for item in _items(raw, "rules", problems, _field("rules")))
    _unique((rule.id for rule in rules), problems, _field("rules"), "quy tắc")
    problems.raise_first()
    return rules


def _clock_rule(raw: Mapping, regime_ids: set[str], facts: set[str] | None,
                problems: _Problems) -> ClockRule:
    where = f"quy tắc '{raw.get('id')}'"
    duration, duration_text = _duration(raw.get("duration"), problems, f"{where}, trường 'duration'")
    regimes = raw.get("regime")
    regimes = (regimes,) if isinstance(regimes, str) else \
        tuple(regimes) if isinstance(regimes, list) else ()
    for regime in regimes:
        if regime not in regime_ids:
            problems.add(where, f"chế độ '{regime}' chưa khai báo trong 'regimes'")
    if not regimes:
        problems.add(where, "thiếu 'regime'")
    for key, allowed in (("starts_at", CLOCK_STARTS), ("kind", CLOCK_KINDS)):
        if raw.get(key) not in allowed:
            problems.add(where, f"{key} '{raw.get(key)}' không hợp lệ; chọn trong: {', '.join(allowed)}")
    condition = raw.get("applies_when")
    try:
        validate_condition(condition, facts)
    except ValueError as error:
        problems.add(f"{where}, trường 'applies_when'", str(error))
    return ClockRule(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        recipient=_text(raw, "recipient", problems, where), starts_at=str(raw.get("starts_at")),
        duration=duration, duration_text=duration_text, applies_when=condition, regimes=regimes,
        kind=str(raw.get("kind")), article=_text(raw, "article", problems, where),
        statutory=_flag(raw, "statutory", problems, where, default=True),
        form=_text(raw, "form", problems, where, required=False),
        contents=_texts(raw, "contents", problems, where),
        note=_text(raw, "note", problems, where, required=False),
    )


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


def due_clocks(rules: Iterable[ClockRule], facts: Mapping[str, Any], detected_at: datetime,
               discovered_at: datetime | None = None, regime: str | None = None, *,
               resolved_at: datetime | None = None) -> list[tuple[ClockRule, datetime]]:
    """The reporting deadlines that apply to an incident, earliest first.

    ``discovered_at`` (when a personal-data breach was found) defaults to ``detected_at``;
    rules counted from ``resolved_at`` appear only once the incident is resolved.
    ``regime`` None lets the rules' own conditions (detection date) choose.
    """
    discovered_at = discovered_at or detected_at
    for name, moment in (("detected_at", detected_at), ("discovered_at", discovered_at),
                         ("resolved_at", resolved_at)):
        if moment is not None and moment.tzinfo is None:
            raise ValueError(f"{name} phải là thời điểm có múi giờ")
    starts = {"detected_at": detected_at, "discovered_at": discovered_at, "resolved_at": resolved_at}
    known = {**facts, **starts}
    found = [
        (rule, starts[rule.starts_at] + rule.duration)
        for rule in rules
        if (regime is None or regime in rule.regimes)
        and starts.get(rule.starts_at) is not None
        and (rule.applies_when is None or _evaluate(rule.applies_when, known))  # validated on load
    ]
    return sorted(found, key=lambda pair: pair[1])
