"""The incident lifecycle state machine: phases, states, guards, transitions, and applying an action."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ir_app.domain.playbooks.errors import TransitionError, _field, _Problems
from ir_app.domain.playbooks.readers import _ID, _flag, _ident, _items, _mapping, _text, _texts, _unique

APP_ROLES = ("admin", "officer", "staff", "appraiser", "approver", "auditor", "overseer")


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
