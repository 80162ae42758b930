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


class CommuneMeasures:
    """The plan progress of many dossiers of one commune (a province overview derives ~30 000 rows).

    Same result as `covering` + `row_status` for every row, but each row is a lookup: the measures
    serving every system at a level are tallied once per level, those chosen for some systems once
    per dossier. A tally is (measures, in place, in place or partly), which is all `derived_status`
    looks at.
    """

    def __init__(self, measures: Iterable[MeasureFacts]):
        self.measures = list(measures)
        self._shared: dict[int, dict[str, list[int]]] = {}
        self._chosen: dict[int, list[MeasureFacts]] = {}

    @staticmethod
    def _serves_every_system(measure: MeasureFacts) -> bool:
        return measure.scope == "commune" or (measure.scope != "system" and not measure.system_ids)

    def _tally(self, measures: Iterable[MeasureFacts]) -> dict[str, list[int]]:
        tally: dict[str, list[int]] = {}
        for measure in measures:
            in_place, moving = measure.status == "in_place", measure.status in ("in_place", "partly")
            for requirement_id in measure.requirement_ids:
                counts = tally.setdefault(requirement_id, [0, 0, 0])
                counts[0] += 1
                counts[1] += in_place
                counts[2] += moving
        return tally

    def progress(self, requirement_ids: Iterable[str], system_id: int, level: int,
                 overrides: dict[str, str]) -> Progress:
        if level not in self._shared:
            at_level = [m for m in self.measures if level in m.levels]
            self._shared[level] = self._tally(m for m in at_level if self._serves_every_system(m))
            self._chosen[level] = [m for m in at_level if not self._serves_every_system(m)]
        shared = self._shared[level]
        own = self._tally(m for m in self._chosen[level] if serves(m, system_id, level))
        counts = {"met": 0, "partly": 0, "not_applicable": 0, GAP: 0}
        total = 0
        for requirement_id in requirement_ids:
            total += 1
            override = overrides.get(requirement_id)
            if override is not None:
                counts[row_status((), override)] += 1
                continue
            found, in_place, moving = shared.get(requirement_id, (0, 0, 0))
            extra = own.get(requirement_id)
            if extra:
                found, in_place, moving = found + extra[0], in_place + extra[1], moving + extra[2]
            counts["met" if found and in_place == found else "partly" if moving else GAP] += 1
        return Progress(total, counts["met"], counts["partly"], counts["not_applicable"])
