"""The starter library (level_dossiers/measures/) and a commune adopting it.

Adopting copies the library's measures into the commune (status "planned", owner to set), once:
each copy remembers the library id, measure id and version it came from, so a later library
version can be offered as a difference instead of overwriting what the commune edited.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.datafiles.measures import MEASURES_FOLDER, THREATS_FOLDER, load_measure_library, load_threat_catalogue
from ir_app.domain.measures import Measure as LibraryMeasure
from ir_app.domain.measures import MeasureLibrary
from ir_app.domain.requirements import Catalogue
from ir_app.models import InformationSystem, Measure, MeasureRequirement, MeasureSystem, Organisation
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed

STARTER_LIBRARY = "commune-starter"


_LOADED: dict[tuple[str, str], MeasureLibrary] = {}


def load_starter_library(folder: Path | str, catalogue: Catalogue) -> MeasureLibrary:
    """The starter library of a level_dossiers folder, checked against the requirement catalogue
    (loaded once per folder and catalogue)."""
    key = (str(folder), catalogue.id)
    if key not in _LOADED:
        root = Path(folder)
        threats = load_threat_catalogue(root / THREATS_FOLDER / "commune-threats.yaml")
        _LOADED[key] = load_measure_library(root / MEASURES_FOLDER / f"{STARTER_LIBRARY}.yaml", catalogue, threats)
    return _LOADED[key]


def adopted_ids(session: Session, commune_id: int, library_id: str) -> set[str]:
    """Library measure ids this commune already has (whatever it did to them since)."""
    return set(session.scalars(select(Measure.library_measure_id).where(
        Measure.commune_id == commune_id, Measure.library_id == library_id)))


def adopt_library(session: Session, actor: Actor, commune: Organisation, library: MeasureLibrary,
                  now: datetime) -> list[Measure]:
    """Create the commune's measures from the library; measures adopted before are left alone."""
    have = adopted_ids(session, commune.id, library.id)
    created = [_copy(session, commune.id, library, item, now, actor) for item in library.measures
               if item.id not in have]
    session.flush()
    audit.record(session, actor, "adopt", now=now, object_type="measure_library", object_id=library.id,
                 commune_id=commune.id,
                 summary=f"Áp dụng {library.title} (phiên bản {library.version}): {len(created)} biện pháp mới",
                 changes={"measures": [len(have), len(have) + len(created)]})
    return created


def adopt_one(session: Session, actor: Actor, commune_id: int, library: MeasureLibrary, measure_id: str,
              now: datetime, system: InformationSystem | None = None) -> Measure:
    """Adopt one library measure (from a plan gap); a system-scoped one applies to ``system``."""
    try:
        item = library.measure(measure_id)
    except KeyError:
        raise ValidationFailed({"library_measure_id": "Biện pháp mẫu không có trong thư viện."}) from None
    existing = session.scalar(select(Measure).where(Measure.commune_id == commune_id,
                                                    Measure.library_id == library.id,
                                                    Measure.library_measure_id == item.id))
    measure = existing or _copy(session, commune_id, library, item, now, actor)
    if system is not None and measure.scope != "commune" and system.id not in measure.system_ids \
            and (measure.scope == "system" or measure.system_ids):
        measure.system_links.append(MeasureSystem(system_id=system.id))
    session.flush()
    audit.record(session, actor, "adopt" if existing is None else "update", now=now, object_type="measure",
                 object_id=measure.id, commune_id=commune_id, summary=f"{item.id}: {measure.title}",
                 changes={"system_ids": [None, measure.system_ids]})
    return measure


def _copy(session: Session, commune_id: int, library: MeasureLibrary, item: LibraryMeasure, now: datetime,
          actor: Actor) -> Measure:
    measure = Measure(
        commune_id=commune_id, title=item.title, description=item.text, category=item.category, scope=item.scope,
        provider_name=item.provider or "", status="planned", levels=list(item.levels),
        library_id=library.id, library_measure_id=item.id, library_version=library.version,
        created_at=now, updated_at=now, created_by_id=actor.user_id,
        requirement_links=[MeasureRequirement(requirement_id=req) for req in item.requirements])
    session.add(measure)
    return measure


def proposals(library: MeasureLibrary, requirement_id: str, level: int) -> tuple[LibraryMeasure, ...]:
    """Library measures written for this level that answer the requirement."""
    return library.answering(requirement_id, level)
