"""Reads the level-dossier workflow (level_dossiers/workflow.yaml) into the one ``StateMachine``.

What the workflow allows is decided by ``domain.state_machine``; this module only turns the file
into that model and refuses a broken file with its name, the place and the reason.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ir_app.domain.state_machine import Guard, State, StateMachine, Transition


class WorkflowError(ValueError):
    """A broken workflow file: names the file, the field and the reason."""

    def __init__(self, source: object, where: str, reason: str):
        self.source, self.where, self.reason = str(source), where, reason
        super().__init__(f"{source}: {where}: {reason}")


def _need(raw: Mapping[str, Any], key: str, source: object, where: str) -> Any:
    if key not in raw or raw[key] in (None, ""):
        raise WorkflowError(source, f"{where}.{key}", "thiếu giá trị bắt buộc")
    return raw[key]


def build_workflow(raw: Mapping[str, Any], source: object, known_roles: Iterable[str]) -> StateMachine:
    states = tuple(State(str(_need(s, "id", source, f"states[{i}]")), str(_need(s, "title", source, f"states[{i}]")),
                         terminal=bool(s.get("terminal", False)), deadline=s.get("deadline"),
                         deadline_from=s.get("deadline_from"))
                   for i, s in enumerate(_need(raw, "states", source, "")))
    guards = tuple(Guard(str(g["id"]), str(g["title"]), bool(g.get("filled_by_form", False)))
                   for g in raw.get("guards", []))
    transitions = tuple(_transition(r, source, f"transitions[{i}]")
                        for i, r in enumerate(_need(raw, "transitions", source, "")))
    workflow = StateMachine(initial_state=str(_need(raw, "initial_state", source, "")), states=states,
                            guards=guards, transitions=transitions, subject=str(raw.get("subject", "hồ sơ")),
                            process="quy trình", id=str(_need(raw, "id", source, "")), source=str(source))
    # Not closed: a dossier leaves `operating` for `superseded` when a newer dossier of its system is
    # approved (services/dossiers), not by an action of its own.
    problems = workflow.problems(known_roles, closed=False)
    if problems:
        raise WorkflowError(source, *problems[0])
    return workflow


def _transition(raw: Mapping[str, Any], source: object, where: str) -> Transition:
    return Transition(
        action=str(_need(raw, "action", source, where)), label=str(_need(raw, "label", source, where)),
        from_states=tuple(_need(raw, "from", source, where)), to=str(_need(raw, "to", source, where)),
        roles=tuple(_need(raw, "roles", source, where)), comment_required=bool(raw.get("comment_required")),
        guards=tuple(raw.get("guards", ())), style=str(raw.get("style", "")),
    )
