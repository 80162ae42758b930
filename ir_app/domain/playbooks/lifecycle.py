"""The incident lifecycle: reads playbooks/lifecycle.yaml into the one ``StateMachine`` plus its phases."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ir_app.domain.playbooks.errors import _field, _Problems
from ir_app.domain.playbooks.readers import _ID, _flag, _ident, _items, _mapping, _text, _texts, _unique
from ir_app.domain.state_machine import Guard, State, StateMachine, Transition, _by_id

APP_ROLES = ("admin", "officer", "staff", "appraiser", "approver", "auditor", "overseer")


@dataclass(frozen=True)
class Phase:
    """A response activity (NĐ 333/2026 Đ9.2); it starts when the incident enters ``starts_on``."""

    id: str
    title: str
    article: str
    starts_on: str


@dataclass(frozen=True)
class Lifecycle(StateMachine):
    """The incident state machine, with the response phases its states start."""

    phases: tuple[Phase, ...] = ()

    @property
    def phase_ids(self) -> tuple[str, ...]:
        return tuple(phase.id for phase in self.phases)

    def phase(self, phase_id: str) -> Phase:
        return _by_id(self.phases, phase_id, "giai đoạn")


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
        subject="sự cố", process="quy trình xử lý sự cố", id="incident-lifecycle",
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
    _unique(lifecycle.phase_ids, problems, _field("phases"), "giai đoạn")
    for phase in lifecycle.phases:
        if phase.starts_on not in states:
            problems.add(f"giai đoạn '{phase.id}'", f"starts_on: không có trạng thái '{phase.starts_on}'")
    for state in lifecycle.states:
        if state.phase is not None and state.phase not in phases:
            problems.add(f"trạng thái '{state.id}'", f"không có giai đoạn '{state.phase}'")
    for where, reason in lifecycle.problems(roles):
        problems.add(where, reason)


def available_actions(lifecycle: Lifecycle, state: str | None, roles: Iterable[str]) -> list[Transition]:
    """Actions the user may try from ``state`` (None = not created yet); see StateMachine.available."""
    return lifecycle.available(state, roles)


def transition(lifecycle: Lifecycle, state: str | None, action: str, roles: Iterable[str],
               guard_results: Mapping[str, bool], comment: str | None) -> str:
    """Apply ``action`` to an incident in ``state`` and return the new state, or TransitionRefused.

    Guards are given as met (True) or not; only True passes, and a guard missing from
    ``guard_results`` counts as not met: the server must evaluate all.
    """
    met = {guard: None for guard, result in guard_results.items() if result is True}
    return lifecycle.allow(state, action, roles, unmet=met, comment=comment).to
