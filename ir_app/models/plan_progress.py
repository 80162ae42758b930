"""Stored protection-plan progress of each dossier, and the per-commune counter that keeps it honest.

A dossier's progress is derived from its commune's measures (services/measures/plan.py); the
province pages read hundreds of them per view, so the result is kept. A stored row is valid only
while it was computed at the commune's current `PlanProgressVersion`, for the dossier's current
level and system and the same requirement catalogue. Every flush that touches a measure, one of its
requirement or system links, a plan override or a system (deleting one drops its measure links by
ON DELETE CASCADE) bumps the version of the communes concerned, in the writer's own transaction:
whatever was stored before is stale the moment the change commits, and a reader that read the
measures before the commit recorded the older version with its row, so it cannot outlive it.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ForeignKey, Integer, String, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from ir_app.models.base import Base
from ir_app.models.dossiers import Dossier, PlanItem
from ir_app.models.inventory import InformationSystem
from ir_app.models.measures import Measure, MeasureRequirement, MeasureSystem


class PlanProgressVersion(Base):
    """Bumped by every change to a commune's plan inputs; no row yet means version 0."""

    __tablename__ = "plan_progress_versions"

    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class DossierPlanProgress(Base):
    """A dossier's plan progress as derived at `version` of its commune (see the module's docstring)."""

    __tablename__ = "dossier_plan_progress"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    commune_id: Mapped[int] = mapped_column(Integer)
    system_id: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    catalogue_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    met: Mapped[int] = mapped_column(Integer)
    partly: Mapped[int] = mapped_column(Integer)
    not_applicable: Mapped[int] = mapped_column(Integer)


def bump_versions(session: Session, commune_ids: Iterable[int]) -> None:
    """Make every stored progress of these communes stale, in the session's transaction. Call it
    after a bulk statement on the plan inputs, which the flush listener below does not see."""
    ids = sorted({commune_id for commune_id in commune_ids if commune_id is not None})
    if not ids:
        return
    table = PlanProgressVersion.__table__
    connection = session.connection()
    insert = sqlite_insert if connection.dialect.name == "sqlite" else postgresql_insert
    statement = insert(table).values([{"commune_id": commune_id, "version": 1} for commune_id in ids])
    connection.execute(statement.on_conflict_do_update(index_elements=["commune_id"],
                                                       set_={"version": table.c.version + 1}))


def _values(obj, name: str) -> set:
    """The attribute's value now and before this flush (a measure may move, a link be re-pointed)."""
    history = inspect(obj).attrs[name].history
    return {value for value in (*history.added, *history.unchanged, *history.deleted) if value is not None}


def _touched_communes(session: Session) -> set[int]:
    communes: set[int] = set()
    measure_ids: set[int] = set()
    dossier_ids: set[int] = set()
    changed = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in (*session.new, *changed, *session.deleted):
        if isinstance(obj, Measure):
            communes |= _values(obj, "commune_id")
        elif isinstance(obj, (MeasureRequirement, MeasureSystem)):
            measure_ids |= _values(obj, "measure_id")
        elif isinstance(obj, PlanItem):
            dossier_ids |= _values(obj, "dossier_id")
        elif isinstance(obj, InformationSystem) and obj in session.deleted:
            communes |= _values(obj, "commune_id")
    connection = session.connection()
    if measure_ids:
        communes |= set(connection.scalars(select(Measure.commune_id).where(Measure.id.in_(measure_ids))))
    if dossier_ids:
        communes |= set(connection.scalars(select(Dossier.commune_id).where(Dossier.id.in_(dossier_ids))))
    return communes


@event.listens_for(Session, "after_flush")
def _bump_on_flush(session: Session, _context) -> None:
    bump_versions(session, _touched_communes(session))
