"""The law as data, loaded once per folder: regimes, requirement catalogue, dossier workflow,
Vietnamese working days. Loaded (and so validated) when the app is built."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path


from ir_app.datafiles.regimes import load_regimes, vn_holidays, vn_weekend_workdays
from ir_app.datafiles.requirements import load_catalogue
from ir_app.datafiles.workflow import FILE_NAME as WORKFLOW_FILE
from ir_app.datafiles.workflow import load_workflow
from ir_app.domain import workdays
from ir_app.domain.regimes import Deadline, Regime
from ir_app.domain.requirements import Catalogue, CatalogueError, unknown_criteria
from ir_app.domain.state_machine import StateMachine
from ir_app.models import Role

DEFAULT_CATALOGUE = "tt12-2022.yaml"


@dataclass(frozen=True)
class LawData:
    regimes: dict[str, Regime]
    catalogue: Catalogue
    workflow: StateMachine
    authority_roles: dict[str, tuple[str, ...]]
    folder: str | None = None  # the level_dossiers folder (its holidays.yaml corrects the calendar)

    @property
    def default_regime(self) -> Regime:
        return next(regime for regime in self.regimes.values() if regime.is_default)

    def regime(self, regime_id: str) -> Regime:
        return self.regimes[regime_id]

    def role_aliases(self, regime: Regime, level: int | None) -> dict[str, tuple[str, ...]]:
        """`@appraises` / `@approves` for a dossier at this level, from the regime's authority."""
        if level is None:
            return {}
        authority = regime.authority_for(level)
        approvers = [a.key for a in authority.approvers if a.subject == "level"] or \
                    [a.key for a in authority.approvers]
        return {
            "@appraises": self.authority_roles.get(authority.appraiser.key, ()),
            "@approves": tuple(role for key in approvers for role in self.authority_roles.get(key, ())),
        }

    def due_on(self, start: date, deadline: Deadline) -> date | None:
        years = range(start.year, start.year + 2)
        return workdays.due_date(start, deadline, vn_holidays(years, self.folder),
                                 extra_workdays=vn_weekend_workdays(years, self.folder))


@lru_cache(maxsize=8)
def load_law_data(folder: str, catalogue_file: str = DEFAULT_CATALOGUE) -> LawData:
    root = Path(folder)
    workflow, authority_roles = load_workflow(root / WORKFLOW_FILE, [role.value for role in Role])
    regimes = load_regimes(root / "regimes")
    catalogue = load_catalogue(root / "requirements" / catalogue_file)
    # Requirements keyed to level criteria must name criteria the regime files declare.
    problems = unknown_criteria(catalogue, {r.id: {c.id for c in r.criteria} for r in regimes.values()})
    if problems:
        raise CatalogueError(str(root / "requirements" / catalogue_file), "requirements[].criteria", problems[0])
    return LawData(
        regimes=regimes,
        catalogue=catalogue,
        workflow=workflow,
        authority_roles=authority_roles,
        folder=str(root),
    )
