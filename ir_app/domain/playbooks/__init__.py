"""Incident response as data: playbooks, the incident lifecycle and the reporting clocks.

Pure rules over plain dicts (already parsed from YAML by ``ir_app.datafiles.playbooks``):
standard library only. Every ``build_*`` function checks meaning, not just shape, and reports
problems as ``PlaybookError(source, where, reason)`` with a Vietnamese reason, because the
people who edit these files are commune admins.

One module per responsibility; import from this package, which re-exports the public names:
``errors`` (PlaybookError), ``readers`` (raw-dict fields), ``durations``,
``lifecycle`` (the incident lifecycle, a ``domain.state_machine.StateMachine``), ``categories``, ``playbook``, ``clocks`` (reporting
deadlines). The clock rules' ``applies_when`` is written in the one condition language
(``domain.conditions``), compiled when the file is loaded.
"""
from __future__ import annotations

from ir_app.domain.conditions import validate_condition
from ir_app.domain.playbooks.categories import (
    Catalogue,
    Category,
    Flag,
    Severity,
    SeverityCriteria,
    build_categories,
)
from ir_app.domain.playbooks.clocks import (
    CLOCK_KINDS,
    CLOCK_STARTS,
    TIME_FACTS,
    ClockRule,
    build_clock_rules,
    due_clocks,
)
from ir_app.domain.playbooks.durations import calendar_months, parse_iso_duration
from ir_app.domain.playbooks.errors import PlaybookError
from ir_app.domain.playbooks.lifecycle import (
    APP_ROLES,
    Guard,
    Lifecycle,
    Phase,
    State,
    Transition,
    available_actions,
    build_lifecycle,
    transition,
)
from ir_app.domain.playbooks.playbook import (
    DUE_ANCHORS,
    PLAYBOOK_STATUSES,
    STEP_LINKS,
    Due,
    Playbook,
    Step,
    build_playbook,
    check_playbook,
    find_cycle,
)
from ir_app.domain.state_machine import TransitionRefused

__all__ = [
    "APP_ROLES",
    "CLOCK_KINDS",
    "CLOCK_STARTS",
    "DUE_ANCHORS",
    "PLAYBOOK_STATUSES",
    "STEP_LINKS",
    "TIME_FACTS",
    "Catalogue",
    "Category",
    "ClockRule",
    "Due",
    "Flag",
    "Guard",
    "Lifecycle",
    "Phase",
    "Playbook",
    "PlaybookError",
    "Severity",
    "SeverityCriteria",
    "State",
    "Step",
    "Transition",
    "TransitionRefused",
    "available_actions",
    "build_categories",
    "build_clock_rules",
    "build_lifecycle",
    "build_playbook",
    "calendar_months",
    "check_playbook",
    "due_clocks",
    "find_cycle",
    "parse_iso_duration",
    "transition",
    "validate_condition",
]
