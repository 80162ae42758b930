"""Playbooks: steps, task deadlines and review dates, checked against the lifecycle, categories and clocks."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ir_app.domain.dates import add_months
from ir_app.domain.playbooks.clocks import ClockRule
from ir_app.domain.playbooks.durations import _duration, calendar_months, parse_iso_duration
from ir_app.domain.playbooks.errors import PlaybookError, _at_step, _field, _Problems, _StepProblems
from ir_app.domain.playbooks.lifecycle import APP_ROLES, Lifecycle, _by_id
from ir_app.domain.playbooks.readers import _as_date, _flag, _ident, _items, _mapping, _text, _texts, _unique

DUE_ANCHORS = ("detection", "discovery", "phase_start")
STEP_LINKS = ("backups", "emergency_contacts")
PLAYBOOK_STATUSES = ("draft", "active", "retired")
# semver.org's reference pattern (MAJOR.MINOR.PATCH[-pre][+build]).
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)


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
            return add_months(self.last_reviewed_on, months)
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
