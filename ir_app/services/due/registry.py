"""The one list of due-item providers.

Each provider is tagged with the group of the job that sweeps it (ir_app/jobs/registry.py):

| group             | job id                      | how often                        |
|-------------------|-----------------------------|----------------------------------|
| `incident_clocks` | `reminders.incident_clocks` | every 15 minutes                 |
| `morning_check`   | `reminders.morning_check`   | 07:30 (and each hour until 11:30)|
| `backups`         | `reminders.backups`         | every hour                       |
| `daily`           | `reminders.deadlines`       | every hour 07:00–17:00           |

A provider must be a pure reader: `collect(ctx) -> Iterable[Deadline]`. Sweeping often is safe
because reminders are keyed `<uid>:<threshold>` and inserted once per recipient.
The calendar feed reads every provider (whatever its group) for the deadlines it shows.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ir_app.services.advisories.due import open_advisories
from ir_app.services.drill_due import drill_plans
from ir_app.services.due import providers
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.risks.due import accepted_risks
from ir_app.services.training.due import training_gaps


@dataclass(frozen=True)
class Provider:
    name: str
    group: str
    collect: Callable[[DueContext], Iterable[Deadline]]


PROVIDERS: tuple[Provider, ...] = (
    Provider("dossier_steps", "daily", providers.dossier_steps),
    Provider("periodic_reviews", "daily", providers.periodic_reviews),
    Provider("annual_report", "daily", providers.annual_report),
    Provider("transition", "daily", providers.transition),
    Provider("playbook_reviews", "daily", providers.playbook_reviews),
    Provider("advisories", "daily", open_advisories),
    Provider("accepted_risks", "daily", accepted_risks),
    Provider("drill_plans", "daily", drill_plans),
    Provider("training", "daily", training_gaps),
    Provider("backups", "backups", providers.backups),
    Provider("morning_check", "morning_check", providers.morning_check),
    Provider("incident_clocks", "incident_clocks", providers.incident_clocks),
)
GROUPS = tuple(dict.fromkeys(provider.group for provider in PROVIDERS))


def collect(ctx: DueContext, group: str | None = None) -> list[Deadline]:
    """Every deadline from the providers of `group` (all providers when None)."""
    deadlines: list[Deadline] = []
    for provider in PROVIDERS:
        if group is None or provider.group == group:
            deadlines.extend(provider.collect(ctx))
    return deadlines
