"""Plan progress of many dossiers read from where it is kept, derived only where it is missing or stale.

Reading a province's progress is one statement; a dossier whose row is missing or stale (its
commune's plan inputs changed, its level or system changed, the requirement catalogue changed) is
derived by `plan.progress_by_dossier` and stored for the next view. Storing happens on a page view,
so it goes through its own short transaction: the page's session is never committed, two workers
storing at once both succeed (INSERT … ON CONFLICT), and a failure to store costs only the saving.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from sqlalchemy import Engine, event, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from ir_app.db import one_of
from ir_app.domain.plan import Progress
from ir_app.domain.requirements import Catalogue
from ir_app.models import DossierPlanProgress, PlanProgressVersion
from ir_app.services.measures.plan import DossierKey, progress_by_dossier

log = logging.getLogger(__name__)
WROTE = "ir_plan_progress_wrote"  # session.info: this transaction has written (see _store)


def catalogue_key(catalogue: Catalogue, level: int) -> str:
    """What a level's progress depends on in the catalogue: its requirement ids, in order."""
    ids = "\n".join(requirement.id for requirement in catalogue.for_level(level))
    return hashlib.sha256(f"{catalogue.id}\n{ids}".encode()).hexdigest()[:32]


def progress_of(session: Session, dossiers: Iterable[DossierKey], catalogue: Catalogue) -> dict[int, Progress]:
    """The same as `progress_by_dossier`, in one statement once stored."""
    dossiers = [dossier for dossier in dossiers if dossier.level]
    keys = {level: catalogue_key(catalogue, level) for level in {dossier.level for dossier in dossiers}}
    found = _valid_rows(session, dossiers, keys)
    missing = [dossier for dossier in dossiers if dossier.id not in found]
    if missing:
        # The versions first: a change committed while the measures are read moves the version
        # past the one stored with the row, which is then derived again on the next view.
        versions = _versions(session, {dossier.commune_id for dossier in missing})
        derived = progress_by_dossier(session, missing, catalogue)
        _store(session, missing, derived, versions, keys)
        found.update(derived)
    return found


def _valid_rows(session: Session, dossiers: list[DossierKey], keys: dict[int, str]) -> dict[int, Progress]:
    """Even for no dossier: a page issues the same statements whatever the data."""
    stored, versions = DossierPlanProgress, PlanProgressVersion
    rows = session.execute(
        select(stored.dossier_id, stored.commune_id, stored.system_id, stored.level, stored.catalogue_key,
               stored.total, stored.met, stored.partly, stored.not_applicable)
        .outerjoin(versions, versions.commune_id == stored.commune_id)
        .where(one_of(session, stored.dossier_id, [dossier.id for dossier in dossiers]),
               stored.version == func.coalesce(versions.version, 0)))
    wanted = {dossier.id: dossier for dossier in dossiers}
    found = {}
    for dossier_id, commune_id, system_id, level, key, *counts in rows:
        dossier = wanted[dossier_id]
        if (commune_id, system_id, level, key) == (dossier.commune_id, dossier.system_id, dossier.level,
                                                   keys[dossier.level]):
            found[dossier_id] = Progress(*counts)
    return found


def _versions(session: Session, commune_ids: set[int]) -> dict[int, int]:
    return dict(session.execute(select(PlanProgressVersion.commune_id, PlanProgressVersion.version)
                                .where(one_of(session, PlanProgressVersion.commune_id, commune_ids))).all())


def _store(session: Session, dossiers: list[DossierKey], derived: dict[int, Progress], versions: dict[int, int],
           keys: dict[int, str]) -> None:
    """Keep what was derived, unless it may rest on this transaction's uncommitted writes (they could
    still be rolled back; and on SQLite a second connection would wait for this one's lock)."""
    engine = session.get_bind()
    if session.info.get(WROTE) or not isinstance(engine, Engine):
        return
    rows = [{"dossier_id": dossier.id, "commune_id": dossier.commune_id, "system_id": dossier.system_id,
             "level": dossier.level, "catalogue_key": keys[dossier.level],
             "version": versions.get(dossier.commune_id, 0), "total": found.total, "met": found.met,
             "partly": found.partly, "not_applicable": found.not_applicable}
            for dossier in sorted(dossiers, key=lambda dossier: dossier.id) if (found := derived.get(dossier.id))]
    if not rows:
        return
    insert = sqlite_insert if engine.dialect.name == "sqlite" else postgresql_insert
    statement = insert(DossierPlanProgress.__table__).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["dossier_id"], set_={name: statement.excluded[name] for name in rows[0] if name != "dossier_id"})
    try:
        with engine.begin() as connection:
            connection.execute(statement)
    except DBAPIError as error:  # e.g. a dossier deleted meanwhile: derived again next time
        log.warning("plan progress not stored: %s", error.__class__.__name__)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)
