"""Use cases of a system's design: read (the saved design, or the starter draft when none is saved),
adopt the starter in one action, save an edited design (version-checked), reset; every change audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.domain.text import clean_text
from ir_app.models import Dossier, InformationSystem, SystemDesign
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.design.diagram import render_png
from ir_app.services.design.model import Design, design_from_rows, parse_design
from ir_app.services.design.starter import starter_design
from ir_app.services.design.texts import logical_model, physical_model, system_subject
from ir_app.services.errors import ConflictError
from ir_app.services.records import check_version

OBJECT_TYPE = "system_design"


@dataclass(frozen=True)
class SystemDesignView:
    """What a page or a document shows: the design, whether it is saved, and its texts."""

    system_name: str
    design: Design
    saved: SystemDesign | None
    frozen: bool = False  # as kept in a submitted dossier version (store.dossier_design)

    @property
    def is_draft(self) -> bool:
        return self.saved is None and not self.frozen

    @property
    def logical(self) -> str:
        return logical_model(self.design, self.system_name)

    @property
    def physical(self) -> str:
        return physical_model(self.design, self.system_name)

    @property
    def title(self) -> str:
        return f"Hình 1. Sơ đồ mô hình {system_subject(self.system_name)}"

    def picture(self) -> bytes:
        return render_png(self.design, self.title.removeprefix("Hình 1. "))


def saved_design(session: Session, system: InformationSystem) -> SystemDesign | None:
    return session.scalar(select(SystemDesign).where(SystemDesign.system_id == system.id))


def _as_design(row: SystemDesign) -> Design:
    return design_from_rows(row.zones, row.nodes, row.links, row.logical_text, row.physical_text)


def view_of(session: Session, system: InformationSystem) -> SystemDesignView:
    """The saved design, or the starter draft from the inventory when nothing is saved yet (so the
    documents always have a model and a picture)."""
    row = saved_design(session, system)
    # Names typed before cleaning existed may hold control characters or decomposed letters: the
    # caption goes into the document as is, so it is cleaned here.
    return SystemDesignView(clean_text(system.name, multiline=False), _as_design(row) if row else
                            starter_design(system), row)


def _values(design: Design) -> dict[str, Any]:
    return design.as_rows() | {"logical_text": design.logical_text, "physical_text": design.physical_text}


def adopt_starter(session: Session, actor: Actor, system: InformationSystem, now: datetime, *,
                  replace: bool = False, expected_version: int | None = None) -> SystemDesign:
    """Save the starter design for the system. Idempotent: a saved design is kept unless
    ``replace`` (then it must still be the version the user saw)."""
    row = saved_design(session, system)
    if row is not None and not replace:
        return row
    return _store(session, actor, system, row, starter_design(system), now, expected_version, origin="starter")


def save_design(session: Session, actor: Actor, system: InformationSystem, zones: list[dict], nodes: list[dict],
                links: list[dict], logical_text: Any, physical_text: Any, now: datetime,
                expected_version: int | None) -> SystemDesign:
    """Save an edited design; raises ValidationFailed (per row and field) or ConflictError."""
    design = parse_design(zones, nodes, links, logical_text, physical_text)
    return _store(session, actor, system, saved_design(session, system), design, now, expected_version,
                  origin="edited")


def _store(session: Session, actor: Actor, system: InformationSystem, row: SystemDesign | None, design: Design,
           now: datetime, expected_version: int | None, origin: str) -> SystemDesign:
    values = _values(design)
    if row is None:
        if expected_version:  # the user edited a design someone else has deleted meanwhile
            raise ConflictError()
        row = SystemDesign(system_id=system.id, commune_id=system.commune_id, created_at=now, updated_at=now,
                           origin=origin, **values)
        session.add(row)
        session.flush()
        audit.record(session, actor, "create", now=now, object_type=OBJECT_TYPE, object_id=row.id,
                     commune_id=system.commune_id, summary=f"{system.name}: mô hình hệ thống",
                     changes=audit.diff({}, values))
        return row
    check_version(row, expected_version)
    before = {name: getattr(row, name) for name in values}
    changes = audit.diff(before, values)
    if not changes:
        return row  # saved unchanged: no new version to conflict with a colleague's edit
    for name, value in values.items():
        setattr(row, name, value)
    row.origin, row.updated_at = origin, now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type=OBJECT_TYPE, object_id=row.id,
                 commune_id=system.commune_id, summary=f"{system.name}: mô hình hệ thống", changes=changes)
    return row


def delete_design(session: Session, actor: Actor, system: InformationSystem, now: datetime,
                  expected_version: int | None) -> None:
    """Forget the saved design: the page and documents go back to the starter draft."""
    row = saved_design(session, system)
    if row is None:
        return
    check_version(row, expected_version)
    audit.record(session, actor, "delete", now=now, object_type=OBJECT_TYPE, object_id=row.id,
                 commune_id=system.commune_id, summary=f"{system.name}: mô hình hệ thống",
                 changes=audit.diff(_values(_as_design(row)), {}))
    session.delete(row)
    session.flush()


# --------------------------------------------------------------------------- the submitted version

FROZEN_KEY = "design"


def frozen_values(view: SystemDesignView) -> dict[str, Any]:
    """What a submitted version keeps of the design: the lists the picture is drawn from and the two
    paragraphs as printed (so neither a later edit nor a new wording of the generator changes them)."""
    return {"system_name": view.system_name, **view.design.as_rows(), "logical_text": view.logical,
            "physical_text": view.physical}


def freeze_design(session: Session, dossier: Dossier) -> None:
    """Keep the design beside the frozen plan and risk table (called when the dossier is submitted)."""
    if dossier.frozen_plan is None:
        return
    # A new dict, so the JSON column sees the change.
    dossier.frozen_plan = dossier.frozen_plan | {FROZEN_KEY: frozen_values(view_of(session, dossier.system))}


def dossier_design(session: Session, dossier: Dossier) -> SystemDesignView:
    """The design as the submitted version froze it (what the appraiser read), else as it is now."""
    kept = (dossier.frozen_plan or {}).get(FROZEN_KEY)
    if not kept:
        return view_of(session, dossier.system)
    design = design_from_rows(kept.get("zones", []), kept.get("nodes", []), kept.get("links", []),
                              kept.get("logical_text", ""), kept.get("physical_text", ""))
    return SystemDesignView(kept.get("system_name") or clean_text(dossier.system.name, multiline=False), design,
                            None, frozen=True)
