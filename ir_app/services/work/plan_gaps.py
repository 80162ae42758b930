"""The protection-plan gaps of a commune's dossiers in force, for the work queue, from plain columns.

The same rows as the plan page (`services/measures/plan.derive`), but the queue only needs, per
dossier, how many rows are gaps and the earliest date planned for the measures in them: no ORM
measure with its owner, evidence and links, only the few columns the rules read (four statements,
whatever the number of dossiers and measures).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.domain import plan as rules
from ir_app.domain.requirements import Catalogue
from ir_app.models import Dossier, InformationSystem, Measure, MeasureRequirement, MeasureSystem, PlanItem


@dataclass(frozen=True)
class DossierGaps:
    dossier_id: int
    system_name: str
    gaps: int
    earliest_planned: date | None   # the earliest planned date of the measures in the gap rows


@dataclass(frozen=True)
class _Measure:
    facts: rules.MeasureFacts
    planned_on: date | None


def dossier_gaps(session: Session, commune_id: int, states: Iterable[str], catalogue: Catalogue) -> list[DossierGaps]:
    """Dossiers of the commune in these states whose plan has gaps, by dossier id. The same statements
    with no dossier in force (a page's count must not depend on the data)."""
    dossiers = session.execute(
        select(Dossier.id, Dossier.system_id, Dossier.proposed_level, Dossier.determined_level, InformationSystem.name)
        .join(InformationSystem, InformationSystem.id == Dossier.system_id)
        .where(Dossier.commune_id == commune_id, Dossier.state.in_(tuple(states))).order_by(Dossier.id)).all()
    dossiers = [(dossier_id, system_id, proposed or determined, name)
                for dossier_id, system_id, proposed, determined, name in dossiers if proposed or determined]
    by_requirement = _measures_by_requirement(session, commune_id)
    overrides = _overrides(session, [dossier_id for dossier_id, *_ in dossiers])
    result = []
    for dossier_id, system_id, level, name in dossiers:
        gaps, planned = 0, []
        for requirement in catalogue.for_level(level):
            serving = [m for m in by_requirement.get(requirement.id, ())
                       if rules.serves(m.facts, system_id, level)]
            override = overrides.get(dossier_id, {}).get(requirement.id)
            if rules.row_status((m.facts.status for m in serving), override) == rules.GAP:
                gaps += 1
                planned += [m.planned_on for m in serving if m.planned_on]
        if gaps:
            result.append(DossierGaps(dossier_id, name, gaps, min(planned, default=None)))
    return result


def _measures_by_requirement(session: Session, commune_id: int) -> dict[str, list[_Measure]]:
    """The commune's measures under each requirement they answer (one that answers none is in no row)."""
    ids = select(Measure.id).where(Measure.commune_id == commune_id)
    systems: dict[int, set[int]] = {}
    for measure_id, system_id in session.execute(select(MeasureSystem.measure_id, MeasureSystem.system_id)
                                                 .where(MeasureSystem.measure_id.in_(ids))):
        systems.setdefault(measure_id, set()).add(system_id)
    rows = session.execute(
        select(Measure.id, Measure.scope, Measure.status, Measure.levels, Measure.planned_on,
               MeasureRequirement.requirement_id)
        .join(MeasureRequirement, MeasureRequirement.measure_id == Measure.id)
        .where(Measure.commune_id == commune_id).order_by(Measure.id, MeasureRequirement.id)).all()
    requirements: dict[int, set[str]] = {}
    for measure_id, *_, requirement_id in rows:
        requirements.setdefault(measure_id, set()).add(requirement_id)
    by_requirement: dict[str, list[_Measure]] = {}
    made: dict[int, _Measure] = {}
    for measure_id, scope, status, levels, planned_on, requirement_id in rows:
        if measure_id not in made:
            made[measure_id] = _Measure(rules.MeasureFacts(measure_id, scope, status, tuple(levels or ()),
                                                           frozenset(systems.get(measure_id, ())),
                                                           frozenset(requirements[measure_id])), planned_on)
        by_requirement.setdefault(requirement_id, []).append(made[measure_id])
    return by_requirement


def _overrides(session: Session, dossier_ids: list[int]) -> dict[int, dict[str, str]]:
    overrides: dict[int, dict[str, str]] = {}
    for dossier_id, requirement_id, status in session.execute(
            select(PlanItem.dossier_id, PlanItem.requirement_id, PlanItem.override_status)
            .where(PlanItem.dossier_id.in_(dossier_ids), PlanItem.override_status.is_not(None))):
        overrides.setdefault(dossier_id, {})[requirement_id] = status
    return overrides
