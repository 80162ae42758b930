"""The one state-machine model: states, guarded transitions, the roles allowed each, and refusals.

Both processes the law gives a commune are declared as data and run by this class: the level-dossier
workflow (level_dossiers/workflow.yaml, read by ``domain.workflow``) and the incident lifecycle
(playbooks/lifecycle.yaml, read by ``domain.playbooks.lifecycle``). The readers turn their file into
a ``StateMachine``; what is allowed, and the Vietnamese reason when it is not, is decided here only.

Roles may be written as ``@key`` tokens that the caller expands per object (``aliases``), e.g.
``@approves`` → the roles that approve at this dossier's level.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class TransitionRefused(Exception):
    """An action that may not happen now; ``reason`` is shown to the user as is (Vietnamese).

    ``code`` lets the caller pick the answer: ``forbidden`` → 403, the others → 409/400.
    """

    def __init__(self, code: str, reason: str, failed_guards: Iterable[str] = ()):
        super().__init__(reason)
        self.code, self.reason, self.failed_guards = code, reason, tuple(failed_guards)


@dataclass(frozen=True)
class State:
    id: str
    title: str
    terminal: bool = False
    phase: str | None = None        # incidents: the response phase this state belongs to
    deadline: str | None = None     # dossiers: key of a regime deadline that runs while in this state
    # The deadline counts from the last entry into this other state rather than from entering this
    # one (NĐ 331 Đ23.3: appraisal runs from receipt of the valid dossier, not from "accept").
    deadline_from: str | None = None


@dataclass(frozen=True)
class Guard:
    """A named precondition the server evaluates (e.g. all required tasks done)."""

    id: str
    title: str
    filled_by_form: bool = False  # the action's own form supplies it: never grey out the button for it


@dataclass(frozen=True)
class Transition:
    """One action: from any of ``from_states`` (empty = creates the object) to ``to``."""

    action: str
    label: str
    from_states: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    comment_required: bool = False
    guards: tuple[str, ...] = ()
    style: str = ""

    @property
    def creates(self) -> bool:
        return not self.from_states


def expand_roles(transition: Transition, aliases: Mapping[str, Iterable[str]] | None = None) -> frozenset[str]:
    """The roles allowed ``transition``, with ``@key`` tokens replaced by ``aliases[@key]``."""
    expanded: set[str] = set()
    for role in transition.roles:
        expanded |= set((aliases or {}).get(role, ())) if role.startswith("@") else {role}
    return frozenset(expanded)


@dataclass(frozen=True)
class StateMachine:
    initial_state: str
    states: tuple[State, ...]
    guards: tuple[Guard, ...]
    transitions: tuple[Transition, ...]
    subject: str = "hồ sơ"          # what moves, in messages: "hồ sơ", "sự cố"
    process: str = "quy trình"      # the process's name in messages
    id: str = ""
    source: str = ""

    @property
    def state_ids(self) -> tuple[str, ...]:
        return tuple(state.id for state in self.states)

    def state(self, state_id: str) -> State:
        return _by_id(self.states, state_id, "trạng thái")

    def guard(self, guard_id: str) -> Guard:
        return _by_id(self.guards, guard_id, "điều kiện")

    def guard_title(self, guard_id: str) -> str:
        return next((guard.title for guard in self.guards if guard.id == guard_id), guard_id)

    def action(self, action: str) -> Transition | None:
        return next((rule for rule in self.transitions if rule.action == action), None)

    def available(self, state: str | None, roles: Iterable[str],
                  aliases: Mapping[str, Iterable[str]] | None = None) -> list[Transition]:
        """Actions the user may try from ``state`` (None = not created yet); guards are not
        evaluated here, so a page can show a blocked action together with what is missing."""
        held = set(roles)
        return [rule for rule in self.transitions if _leaves(rule, state) and held & expand_roles(rule, aliases)]

    def allow(self, state: str | None, action: str, roles: Iterable[str], *,
              unmet: Mapping[str, str | None], comment: str | None = "",
              aliases: Mapping[str, Iterable[str]] | None = None) -> Transition:
        """The transition to apply, or TransitionRefused with the reason.

        ``unmet`` maps each guard to None (met) or why it is not; a guard left out counts as not
        met, so the server must evaluate all of them. Checked in this order: the action exists, the
        state allows it, the role, the comment, the guards.
        """
        rule = self.action(action)
        if rule is None:
            raise TransitionRefused("unknown_action", f"Thao tác «{action}» không có trong {self.process}.")
        if state is not None and state not in self.state_ids:
            raise TransitionRefused("unknown_state", f"Trạng thái «{state}» không có trong {self.process}.")
        if not _leaves(rule, state):
            where = f"{self.subject} chưa được tạo" if state is None else \
                f"{self.subject} đang ở trạng thái «{self.state(state).title}»"
            raise TransitionRefused("wrong_state", f"Không thể «{rule.label}» khi {where}.")
        if not set(roles) & expand_roles(rule, aliases):
            raise TransitionRefused("forbidden", f"Vai trò của bạn không được phép «{rule.label}».")
        if rule.comment_required and not (comment or "").strip():
            raise TransitionRefused("comment_required", f"Cần ghi lý do khi «{rule.label}».")
        failed = tuple(guard for guard in rule.guards if guard not in unmet or unmet[guard] is not None)
        if failed:
            reasons = "; ".join(unmet.get(guard) or self.guard_title(guard) for guard in failed)
            raise TransitionRefused("guard_failed", f"Chưa thể «{rule.label}»: {reasons}.", failed)
        return rule

    def problems(self, known_roles: Iterable[str], *, closed: bool = True) -> list[tuple[str, str]]:
        """What is wrong with this machine as declared: (where, reason) pairs, in Vietnamese.

        ``closed``: only actions move the object, so every state must be reachable from the start
        and every non-terminal state must have a way out.
        """
        roles, states, guards = set(known_roles), set(self.state_ids), {guard.id for guard in self.guards}
        found = _duplicates(self.state_ids, "states", "trạng thái")
        found += _duplicates((guard.id for guard in self.guards), "guards", "điều kiện")
        found += _duplicates((rule.action for rule in self.transitions), "transitions", "thao tác")
        if self.initial_state not in states:
            found.append(("trường 'initial_state'", f"không có trạng thái '{self.initial_state}'"))
        for state in self.states:
            if state.deadline_from is not None and (state.deadline is None or state.deadline_from not in states):
                found.append((f"trạng thái '{state.id}'",
                               "deadline_from phải là một trạng thái có trong quy trình và đi cùng deadline"))
        for rule in self.transitions:
            found += self._transition_problems(rule, states, guards, roles)
        return found + (self._reachability_problems() if closed else [])

    def _transition_problems(self, rule: Transition, states: set[str], guards: set[str],
                             roles: set[str]) -> list[tuple[str, str]]:
        where = f"thao tác '{rule.action}'"
        found = [(where, f"không có trạng thái '{state}'") for state in (*rule.from_states, rule.to)
                 if state not in states]
        if rule.creates and rule.to != self.initial_state:
            found.append((where, f"thao tác tạo {self.subject} phải dẫn tới trạng thái đầu '{self.initial_state}'"))
        if not rule.roles:
            found.append((where, "phải cho phép ít nhất một vai trò"))
        found += [(where, f"không có vai trò '{role}' (có: {', '.join(sorted(roles))})")
                  for role in rule.roles if not role.startswith("@") and role not in roles]
        found += [(where, f"điều kiện '{guard}' chưa được khai báo trong 'guards'")
                  for guard in rule.guards if guard not in guards]
        return found

    def _reachability_problems(self) -> list[tuple[str, str]]:
        """Every state reachable from the start; every non-terminal state has a way out."""
        reached, frontier = {self.initial_state}, [self.initial_state]
        while frontier:
            current = frontier.pop()
            for rule in self.transitions:
                if current in rule.from_states and rule.to not in reached:
                    reached.add(rule.to)
                    frontier.append(rule.to)
        found = []
        for state in self.states:
            if state.id not in reached:
                found.append((f"trạng thái '{state.id}'", "không thể đi tới từ trạng thái đầu"))
            if not state.terminal and not any(state.id in rule.from_states for rule in self.transitions):
                found.append((f"trạng thái '{state.id}'",
                              "không phải trạng thái kết thúc nhưng không có thao tác nào đi ra"))
        return found


def _leaves(rule: Transition, state: str | None) -> bool:
    return rule.creates if state is None else state in rule.from_states


def _by_id(items: Iterable[Any], wanted: str, what: str) -> Any:
    for item in items:
        if item.id == wanted:
            return item
    raise KeyError(f"Không có {what} '{wanted}'")


def _duplicates(ids: Iterable[str], field: str, what: str) -> list[tuple[str, str]]:
    seen: set[str] = set()
    found = []
    for item in ids:
        if item in seen:
            found.append((f"trường '{field}'", f"{what} '{item}' bị trùng"))
        seen.add(item)
    return found
