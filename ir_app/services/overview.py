"""Per-commune figures for the overview page: a fixed number of grouped queries, whatever the size."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ir_app.domain.regimes import Regime, Transition
from ir_app.i18n_markers import N_
from ir_app.domain.requirements import Catalogue
from ir_app.models import Dossier, InformationSystem
from ir_app.services.measures.plan import DossierKey
from ir_app.services.measures.stored_progress import progress_of

LEGACY_REGIME = "nd85-2016"


@dataclass
class CommuneFigures:
    systems_by_level: dict[int | None, int] = field(default_factory=dict)
    dossiers_by_state: dict[str, int] = field(default_factory=dict)
    steps_due_soon: int = 0
    steps_overdue: int = 0
    plan_total: int = 0
    plan_done: int = 0
    transition_legacy: int = 0            # approved under NĐ 85: meet NĐ 331 by 01/07/2027
    transition_under_investment: int = 0  # under investment on 01/07/2026: finish by 01/01/2027

    @property
    def systems(self) -> int:
        return sum(self.systems_by_level.values())

    @property
    def plan_percent(self) -> int | None:
        return round(100 * self.plan_done / self.plan_total) if self.plan_total else None


def _restrict(query, column, commune_ids):
    return query if commune_ids is None else query.where(column.in_(commune_ids))


def _plan_figures(session: Session, figures: dict[int, CommuneFigures], commune_ids, catalogue: Catalogue) -> None:
    """Protection-plan progress of the dossiers in force (stored; derived from the measures when stale)."""
    level = func.coalesce(Dossier.proposed_level, Dossier.determined_level)
    rows = session.execute(_restrict(select(Dossier.id, Dossier.commune_id, Dossier.system_id, level)
                                     .where(Dossier.state.in_(("approved", "protecting", "operating"))),
                                     Dossier.commune_id, commune_ids)).all()
    keys = [DossierKey(*row) for row in rows]
    progress = progress_of(session, keys, catalogue)
    for key in keys:
        if key.id in progress:
            figures[key.commune_id].plan_total += progress[key.id].total
            figures[key.commune_id].plan_done += progress[key.id].done


def commune_figures(session: Session, commune_ids, today: date, soon_days: int = 7,
                    catalogue: Catalogue | None = None,
                    transition: Transition | None = None) -> dict[int, CommuneFigures]:
    """``transition`` (the default regime's) decides which systems under investment still finish
    under NĐ 85 (NĐ 331 Đ39.1); without it none are counted. ``catalogue`` gives the plan figures."""
    figures: dict[int, CommuneFigures] = defaultdict(CommuneFigures)
    systems = _restrict(select(InformationSystem.commune_id, InformationSystem.approved_level, func.count())
                        .where(InformationSystem.status != "retired")
                        .group_by(InformationSystem.commune_id, InformationSystem.approved_level),
                        InformationSystem.commune_id, commune_ids)
    for commune_id, level, count in session.execute(systems):
        figures[commune_id].systems_by_level[level] = count
    dossiers = _restrict(select(Dossier.commune_id, Dossier.state, func.count(),
                                func.sum(case((Dossier.step_due_on < today, 1), else_=0)),
                                func.sum(case((Dossier.step_due_on.between(today, today + timedelta(days=soon_days)), 1),
                                              else_=0)))
                         .where(Dossier.state != "superseded").group_by(Dossier.commune_id, Dossier.state),
                         Dossier.commune_id, commune_ids)
    for commune_id, state, count, overdue, soon in session.execute(dossiers):
        row = figures[commune_id]
        row.dossiers_by_state[state] = count
        row.steps_overdue += overdue or 0
        row.steps_due_soon += soon or 0
    if catalogue is not None:
        _plan_figures(session, figures, commune_ids, catalogue)
    cutoff = transition.new_regime_effective if transition else date.min
    investing = ((InformationSystem.status == "under_investment") & InformationSystem.approved_level.is_(None)
                 & (InformationSystem.investment_approved_on < cutoff))  # NĐ 331 Đ39.1
    transition = _restrict(select(InformationSystem.commune_id,
                                  func.sum(case((InformationSystem.approval_regime == LEGACY_REGIME, 1), else_=0)),
                                  func.sum(case((investing, 1), else_=0)))
                           .group_by(InformationSystem.commune_id), InformationSystem.commune_id, commune_ids)
    for commune_id, legacy, investing in session.execute(transition):
        figures[commune_id].transition_legacy = legacy or 0
        figures[commune_id].transition_under_investment = investing or 0
    return figures


def transition_deadline(system: InformationSystem, regime: Regime) -> tuple[date, str] | None:
    """The transition deadline a system carries (Luật 116 Đ45.1; NĐ 331 Đ39), with what it asks."""
    rules = regime.transition
    if system.approval_regime == LEGACY_REGIME and system.approved_level:
        return rules.existing_systems_deadline, N_(
            "đáp ứng yêu cầu bảo vệ theo NĐ 331/2026 (hệ thống đã được phê duyệt theo NĐ 85/2016)")
    if rules.finishes_under_old_regime(system.status == "under_investment", system.investment_approved_on,
                                       system.approved_level):
        return rules.under_investment_deadline, N_(
            "hoàn thành thẩm định, phê duyệt cấp độ (hệ thống đang đầu tư xây dựng)")
    return None
