"""The protection plan as a view over measures: which measures serve a system, and a row's status.

A plan row for requirement R of a system at level L holds the commune's measures that answer R,
are written for L and are in scope for the system (commune-wide, chosen for it, or inherited from
a provider). Its status is derived from theirs unless the dossier records an override (a
justified "not applicable" or an explicit status, each with a reason).

Standard library only.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROW_STATUSES = ("not_met", "partly", "met", "not_applicable")
DONE_STATUSES = ("met", "not_applicable")
GAP = "not_met"


@dataclass(frozen=True)
class MeasureFacts:
    """What the plan needs to know of one measure."""

    id: int
    scope: str                       # commune | system | inherited
    status: str                      # planned | partly | in_place
    levels: tuple[int, ...]
    system_ids: frozenset[int]
    requirement_ids: frozenset[str]


def serves(measure: MeasureFacts, system_id: int, level: int) -> bool:
    """Is the measure part of this system's plan at this level?"""
    if level not in measure.levels:
        return False
    if measure.scope == "commune":
        return True
    if measure.scope == "system":
        return system_id in measure.system_ids
    # Inherited: from a provider serving every system, unless limited to the chosen ones.
    return not measure.system_ids or system_id in measure.system_ids


def covering(measures: Iterable[MeasureFacts], requirement_id: str, system_id: int,
             level: int) -> list[MeasureFacts]:
    return [m for m in measures if requirement_id in m.requirement_ids and serves(m, system_id, level)]


def plan_progress(measures: Iterable[MeasureFacts], requirement_ids: Iterable[str], system_id: int, level: int,
                  overrides: dict[str, str]) -> "Progress":
    """The progress of one system's plan: the same rows as `covering` + `row_status` per requirement,
    but each measure of the commune is looked at once (a province overview derives ~30 000 rows)."""
    statuses: dict[str, list[str]] = {}
    for measure in measures:
        if serves(measure, system_id, level):
            for requirement_id in measure.requirement_ids:
                statuses.setdefault(requirement_id, []).append(measure.status)
    return progress(row_status(statuses.get(requirement_id, ()), overrides.get(requirement_id))
                    for requirement_id in requirement_ids)


def derived_status(measure_statuses: Iterable[str]) -> str:
    """All in place → met; some in place (or partly) → partly; none, or no measure → not met (a gap)."""
    statuses = list(measure_statuses)
    if not statuses:
        return GAP
    if all(status == "in_place" for status in statuses):
        return "met"
    if any(status in ("in_place", "partly") for status in statuses):
        return "partly"
    return GAP


def row_status(measure_statuses: Iterable[str], override: str | None) -> str:
    """The row's status: the recorded override wins over what the measures say."""
    if override is not None:
        if override not in ROW_STATUSES:
            raise ValueError(f"unknown plan status {override!r}")
        return override
    return derived_status(measure_statuses)


@dataclass(frozen=True)
class Progress:
    total: int
    met: int
    partly: int
    not_applicable: int

    @property
    def done(self) -> int:
        return self.met + self.not_applicable

    @property
    def gaps(self) -> int:
        return self.total - self.done - self.partly

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def deployment(self) -> str:
        """Mẫu 08 column (10): none, partial or full deployment of the plan."""
        if not self.total or not (self.done or self.partly):
            return "none"
        return "full" if self.done == self.total else "partial"


def progress(statuses: Iterable[str]) -> Progress:
    statuses = list(statuses)
    return Progress(len(statuses), statuses.count("met"), statuses.count("partly"),
                    statuses.count("not_applicable"))
