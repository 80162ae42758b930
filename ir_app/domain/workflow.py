"""State machines declared as data: states, guarded transitions, roles per transition.

Used for level dossiers (level_dossiers/workflow.yaml); roles may be written as `@key` tokens
that the caller expands (e.g. `@approves` → the roles that approve at this dossier's level).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping


class WorkflowError(ValueError):
    """A broken workflow file: names the file, the field and the reason."""

    def __init__(self, source: object, where: str, reason: str):
        self.source, self.where, self.reason = str(source), where, reason
        super().__init__(f"{source}: {where}: {reason}")


class TransitionRefused(Exception):
    """An action that may not happen now; `reason` is shown to the user as is."""

    def __init__(self, code: str, reason: str, failed_guards: tuple[str, ...] = ()):
        super().__init__(reason)
        self.code, self.reason, self.failed_guards = code, reason, failed_guards


@dataclass(frozen=True)
class State:
    id: str
    title: str
    terminal: bool = False
    deadline: str | None = None   # key of a regime deadline that runs while in this state
    # The deadline counts from the last entry into this other state rather than from entering this
    # one (NĐ 331 Đ23.3: appraisal runs from receipt of the valid dossier, not from "accept").
    deadline_from: str | None = None


@dataclass(frozen=True)
class Guard:
    id: str
    title: str
    filled_by_form: bool = False  # the action's own form supplies it: never grey out the button for it


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    from_states: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    comment_required: bool = False
    guards: tuple[str, ...] = ()
    style: str = ""


@dataclass(frozen=True)
class Workflow:
    id: str
    subject: str                  # "hồ sơ", used in messages
    initial_state: str
    states: tuple[State, ...]
    guards: tuple[Guard, ...]
    rules: tuple[Rule, ...]

    def state(self, state_id: str) -> State:
        for state in self.states:
            if state.id == state_id:
                return state
        raise KeyError(state_id)

    def guard_title(self, guard_id: str) -> str:
        return next((g.title for g in self.guards if g.id == guard_id), guard_id)

    def rule(self, action: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.action == action), None)


def _need(raw: Mapping[str, Any], key: str, source: object, where: str) -> Any:
    if key not in raw or raw[key] in (None, ""):
        raise WorkflowError(source, f"{where}.{key}", "thiếu giá trị bắt buộc")
    return raw[key]


def build_workflow(raw: Mapping[str, Any], source: object, known_roles: Iterable[str]) -> Workflow:
    roles = set(known_roles)
    states = tuple(State(str(_need(s, "id", source, f"states[{i}]")), str(_need(s, "title", source, f"states[{i}]")),
                         bool(s.get("terminal", False)), s.get("deadline"), s.get("deadline_from"))
                   for i, s in enumerate(_need(raw, "states", source, "")))
    guards = tuple(Guard(str(g["id"]), str(g["title"]), bool(g.get("filled_by_form", False)))
                   for g in raw.get("guards", []))
    rules = tuple(_rule(r, source, f"transitions[{i}]") for i, r in enumerate(_need(raw, "transitions", source, "")))
    workflow = Workflow(str(_need(raw, "id", source, "")), str(raw.get("subject", "hồ sơ")),
                        str(_need(raw, "initial_state", source, "")), states, guards, rules)
    _check(workflow, roles, source)
    return workflow


def _rule(raw: Mapping[str, Any], source: object, where: str) -> Rule:
    return Rule(
        action=str(_need(raw, "action", source, where)), label=str(_need(raw, "label", source, where)),
        from_states=tuple(_need(raw, "from", source, where)), to=str(_need(raw, "to", source, where)),
        roles=tuple(_need(raw, "roles", source, where)), comment_required=bool(raw.get("comment_required")),
        guards=tuple(raw.get("guards", ())), style=str(raw.get("style", "")),
    )


def _check(workflow: Workflow, roles: set[str], source: object) -> None:
    state_ids = [s.id for s in workflow.states]
    if len(set(state_ids)) != len(state_ids):
        raise WorkflowError(source, "states", "mã trạng thái bị trùng")
    if workflow.initial_state not in state_ids:
        raise WorkflowError(source, "initial_state", f"trạng thái «{workflow.initial_state}» không tồn tại")
    for state in workflow.states:
        if state.deadline_from is not None and (state.deadline is None or state.deadline_from not in state_ids):
            raise WorkflowError(source, f"states[{state.id}].deadline_from",
                                "phải là một trạng thái có trong quy trình và đi cùng deadline")
    guard_ids = {g.id for g in workflow.guards}
    actions = [r.action for r in workflow.rules]
    if len(set(actions)) != len(actions):
        raise WorkflowError(source, "transitions", "mã thao tác bị trùng")
    for rule in workflow.rules:
        where = f"transitions[{rule.action}]"
        for state in (*rule.from_states, rule.to):
            if state not in state_ids:
                raise WorkflowError(source, where, f"trạng thái «{state}» không tồn tại")
        for role in rule.roles:
            if not role.startswith("@") and role not in roles:
                raise WorkflowError(source, f"{where}.roles", f"vai trò «{role}» không tồn tại")
        for guard in rule.guards:
            if guard not in guard_ids:
                raise WorkflowError(source, f"{where}.guards", f"điều kiện «{guard}» chưa được khai báo")


def expand_roles(rule: Rule, aliases: Mapping[str, Iterable[str]]) -> frozenset[str]:
    expanded: set[str] = set()
    for role in rule.roles:
        expanded |= set(aliases.get(role, ())) if role.startswith("@") else {role}
    return frozenset(expanded)


def available_actions(workflow: Workflow, state: str, roles: Iterable[str],
                      aliases: Mapping[str, Iterable[str]] | None = None) -> list[Rule]:
    """Actions the user may try from `state`; guards are not evaluated here so a page can show
    a blocked action together with what is missing."""
    held = set(roles)
    return [rule for rule in workflow.rules
            if state in rule.from_states and held & expand_roles(rule, aliases or {})]


def apply_action(workflow: Workflow, state: str, action: str, roles: Iterable[str], *,
                 guard_failures: Mapping[str, str | None], comment: str = "",
                 aliases: Mapping[str, Iterable[str]] | None = None) -> Rule:
    """Check everything and return the rule to apply, or raise TransitionRefused.

    `guard_failures` maps each guard to None (met) or a reason; a guard left out counts as unmet,
    so the server must evaluate all of them.
    """
    rule = workflow.rule(action)
    subject = workflow.subject
    if rule is None:
        raise TransitionRefused("unknown_action", f"Thao tác «{action}» không có trong quy trình.")
    if state not in rule.from_states:
        title = workflow.state(state).title if state in {s.id for s in workflow.states} else state
        raise TransitionRefused("wrong_state", f"Không thể «{rule.label}» khi {subject} đang ở trạng thái «{title}».")
    if not set(roles) & expand_roles(rule, aliases or {}):
        raise TransitionRefused("forbidden", f"Vai trò của bạn không được phép «{rule.label}».")
    if rule.comment_required and not comment.strip():
        raise TransitionRefused("comment_required", f"Cần ghi lý do khi «{rule.label}».")
    failed = tuple(g for g in rule.guards if g not in guard_failures or guard_failures[g] is not None)
    if failed:
        reasons = "; ".join(guard_failures.get(g) or workflow.guard_title(g) for g in failed)
        raise TransitionRefused("guard_failed", f"Chưa thể «{rule.label}»: {reasons}.", failed)
    return rule
