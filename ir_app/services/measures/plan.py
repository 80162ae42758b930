"""A dossier's protection plan as a view over the commune's measures.

Row R of a system's plan = the measures in scope for that system that answer R at the dossier's
level, their status, owner and evidence; the row's status is derived from them (domain.plan)
unless the dossier records an override. When the dossier is submitted the rows, as printed, are
frozen into the dossier version: what the appraiser read stays in that version's documents.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ir_app.domain import plan as rules
from ir_app.domain.measures import Measure as LibraryMeasure
from ir_app.domain.measures import MeasureLibrary
from ir_app.domain.requirements import Catalogue, PlanPart, Requirement
from ir_app.i18n_markers import N_
from ir_app.models import Dossier, Measure, MeasureEvidence, MeasureRequirement, MeasureSystem, PlanItem, User
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.inventory.systems import check_version

ROW_STATUS_CHOICES = (("not_met", N_("Chưa đáp ứng")), ("partly", N_("Đáp ứng một phần")), ("met", N_("Đã đáp ứng")),
                      ("not_applicable", N_("Không áp dụng")))
OPEN_OR_IN_FORCE = ("draft", "submitted", "returned", "accepted", "appraised", "pending_approval", "approved",
                    "protecting", "operating")
NO_MEASURE_TEXT = "Chưa có biện pháp — dự kiến xây dựng biện pháp đáp ứng yêu cầu này trong quá trình triển khai phương án."
UNASSIGNED = "Chưa phân công"


@dataclass
class PlanRow:
    requirement: Requirement
    measures: list[Measure]
    status: str
    override: PlanItem | None = None
    elsewhere: list[Measure] = field(default_factory=list)   # answer R but serve other systems
    proposals: tuple[LibraryMeasure, ...] = ()                 # library measures not adopted yet

    @property
    def is_gap(self) -> bool:
        return self.status == rules.GAP

    @property
    def override_status(self) -> str | None:
        return self.override.override_status if self.override else None


@dataclass
class PlanView:
    dossier: Dossier
    level: int
    rows: list[PlanRow]

    @property
    def gaps(self) -> list[PlanRow]:
        return [row for row in self.rows if row.is_gap]

    @property
    def progress(self) -> rules.Progress:
        return rules.progress(row.status for row in self.rows)

    def groups(self, catalogue: Catalogue) -> list[tuple[PlanPart, list[PlanRow], rules.Progress]]:
        """The rows by the seven parts of the plan (NĐ 331 Đ29), with progress per part."""
        result = []
        for part in catalogue.plan_parts:
            rows = [row for row in self.rows if row.requirement.plan_part == part.id]
            if rows:
                result.append((part, rows, rules.progress(row.status for row in rows)))
        return result

    def row(self, requirement_id: str) -> PlanRow | None:
        return next((row for row in self.rows if row.requirement.id == requirement_id), None)


# --------------------------------------------------------------------------- loading and deriving

def commune_measures(session: Session, commune_ids: Iterable[int]) -> dict[int, list[Measure]]:
    """Every measure of these communes with its links, in the same five statements whatever the data:
    each link table is read once by a sub-select (a relationship loader would add a statement per
    500 measures, or none at all when there are no measures)."""
    ids = set(commune_ids)
    measures = list(session.scalars(select(Measure).where(Measure.commune_id.in_(ids)).order_by(Measure.id)
                                    .options(joinedload(Measure.owner).lazyload(User.role_rows))))
    measure_ids = select(Measure.id).where(Measure.commune_id.in_(ids)).scalar_subquery()
    for attribute, link in ((Measure.requirement_links, MeasureRequirement), (Measure.system_links, MeasureSystem),
                            (Measure.evidence, MeasureEvidence)):
        children: dict[int, list] = {}
        for child in session.scalars(select(link).where(link.measure_id.in_(measure_ids)).order_by(link.id)):
            children.setdefault(child.measure_id, []).append(child)
        for measure in measures:
            set_committed_value(measure, attribute.key, children.get(measure.id, []))
    by_commune: dict[int, list[Measure]] = {}
    for measure in measures:
        by_commune.setdefault(measure.commune_id, []).append(measure)
    return by_commune


def facts(measure: Measure) -> rules.MeasureFacts:
    return rules.MeasureFacts(id=measure.id, scope=measure.scope, status=measure.status,
                              levels=tuple(measure.levels or ()), system_ids=frozenset(measure.system_ids),
                              requirement_ids=frozenset(measure.requirement_ids))


def _overrides(session: Session, dossier_ids: Iterable[int]) -> dict[int, dict[str, PlanItem]]:
    by_dossier: dict[int, dict[str, PlanItem]] = {}
    for item in session.scalars(select(PlanItem).where(PlanItem.dossier_id.in_(set(dossier_ids)))):
        by_dossier.setdefault(item.dossier_id, {})[item.requirement_id] = item
    return by_dossier


def derive(dossier: Dossier, level: int, measures: list[Measure], overrides: dict[str, PlanItem],
           catalogue: Catalogue, library: MeasureLibrary | None = None) -> PlanView:
    """The plan rows of one dossier from already loaded measures and overrides."""
    known = [(measure, facts(measure)) for measure in measures]
    adopted = {measure.library_measure_id for measure in measures if measure.library_measure_id}
    rows = []
    for requirement in catalogue.for_level(level):
        answering = [(m, f) for m, f in known if requirement.id in f.requirement_ids and level in f.levels]
        serving = [m for m, f in answering if rules.serves(f, dossier.system_id, level)]
        item = overrides.get(requirement.id)
        override = item.override_status if item is not None else None
        row = PlanRow(requirement, serving, rules.row_status((m.status for m in serving), override),
                      item if override is not None else None)
        if row.is_gap:
            row.elsewhere = [m for m, f in answering if m not in serving]
            if library is not None:
                row.proposals = tuple(p for p in library.answering(requirement.id, level) if p.id not in adopted)
        rows.append(row)
    return PlanView(dossier, level, rows)


def plan_view(session: Session, dossier: Dossier, catalogue: Catalogue,
              library: MeasureLibrary | None = None) -> PlanView | None:
    """The live plan of a dossier; None while its level is not known."""
    if not dossier.level:
        return None
    measures = commune_measures(session, [dossier.commune_id]).get(dossier.commune_id, [])
    return derive(dossier, dossier.level, measures, _overrides(session, [dossier.id]).get(dossier.id, {}),
                  catalogue, library)


def plan_views(session: Session, dossiers: list[Dossier], catalogue: Catalogue) -> dict[int, PlanView]:
    """Live plans of many dossiers (annual report, overview) in a fixed number of statements."""
    with_level = [dossier for dossier in dossiers if dossier.level]
    measures = commune_measures(session, {dossier.commune_id for dossier in with_level})
    overrides = _overrides(session, [dossier.id for dossier in with_level])
    return {dossier.id: derive(dossier, dossier.level, measures.get(dossier.commune_id, []),
                               overrides.get(dossier.id, {}), catalogue)
            for dossier in with_level}


@dataclass(frozen=True)
class DossierKey:
    """The columns of a dossier its plan progress needs (no ORM object: province-wide figures)."""

    id: int
    commune_id: int
    system_id: int
    level: int


@lru_cache(maxsize=256)
def _levels(text: str | None) -> tuple[int, ...]:
    return tuple(json.loads(text) or ()) if text else ()


def progress_by_dossier(session: Session, dossiers: Iterable[DossierKey],
                        catalogue: Catalogue) -> dict[int, rules.Progress]:
    """Derived plan progress of many dossiers from plain rows: four statements, whatever the count."""
    dossiers = [dossier for dossier in dossiers if dossier.level]
    communes = {dossier.commune_id for dossier in dossiers}
    # The levels as text: a province has thousands of measures and a handful of distinct level lists,
    # each parsed once (decoding every row's JSON was the overview's largest single cost).
    measure_rows = session.execute(select(Measure.id, Measure.commune_id, Measure.scope, Measure.status,
                                          cast(Measure.levels, Text)).where(Measure.commune_id.in_(communes))).all()
    ids = select(Measure.id).where(Measure.commune_id.in_(communes))
    requirements: dict[int, set[str]] = {}
    for measure_id, requirement_id in session.execute(select(MeasureRequirement.measure_id,
                                                             MeasureRequirement.requirement_id)
                                                      .where(MeasureRequirement.measure_id.in_(ids))):
        requirements.setdefault(measure_id, set()).add(requirement_id)
    systems: dict[int, set[int]] = {}
    for measure_id, system_id in session.execute(select(MeasureSystem.measure_id, MeasureSystem.system_id)
                                                 .where(MeasureSystem.measure_id.in_(ids))):
        systems.setdefault(measure_id, set()).add(system_id)
    by_commune: dict[int, list[rules.MeasureFacts]] = {}
    for measure_id, commune_id, scope, status, levels in measure_rows:
        by_commune.setdefault(commune_id, []).append(rules.MeasureFacts(
            measure_id, scope, status, _levels(levels), frozenset(systems.get(measure_id, ())),
            frozenset(requirements.get(measure_id, ()))))
    overrides: dict[int, dict[str, str]] = {}
    for dossier_id, requirement_id, status in session.execute(
            select(PlanItem.dossier_id, PlanItem.requirement_id, PlanItem.override_status)
            .where(PlanItem.override_status.is_not(None))
            .where(PlanItem.dossier_id.in_([dossier.id for dossier in dossiers]))):
        overrides.setdefault(dossier_id, {})[requirement_id] = status
    rows_of = {level: [requirement.id for requirement in catalogue.for_level(level)]
               for level in {dossier.level for dossier in dossiers}}
    communes = {commune_id: rules.CommuneMeasures(measures) for commune_id, measures in by_commune.items()}
    empty = rules.CommuneMeasures(())
    return {dossier.id: communes.get(dossier.commune_id, empty).progress(
                rows_of[dossier.level], dossier.system_id, dossier.level, overrides.get(dossier.id, {}))
            for dossier in dossiers}


# --------------------------------------------------------------------------- overrides

def set_override(session: Session, actor: Actor, dossier: Dossier, requirement_id: str, status: str | None,
                 reason: str, catalogue: Catalogue, now: datetime, expected_version: int | None = None) -> PlanItem:
    """Record "not applicable" or an explicit status for a row, with its reason; None = derive again."""
    requirement = _requirement(catalogue, dossier, requirement_id)
    if dossier.state == "superseded":
        raise ValidationFailed({"override_status": "Hồ sơ đã được thay thế: sửa phương án ở hồ sơ mới."})
    if status not in (None, *dict(ROW_STATUS_CHOICES)):
        raise ValidationFailed({"override_status": "Tình trạng không hợp lệ."})
    reason = (reason or "").strip()
    if status is not None and not reason:
        raise ValidationFailed({"override_reason": "Ghi lý do (vì sao không áp dụng, hoặc vì sao ghi đè tình trạng)."})
    if len(reason) > 2000:
        raise ValidationFailed({"override_reason": f"Tối đa 2000 ký tự (đang có {len(reason)})."})
    item = session.scalar(select(PlanItem).where(PlanItem.dossier_id == dossier.id,
                                                 PlanItem.requirement_id == requirement.id))
    if item is None:
        item = PlanItem(dossier_id=dossier.id, requirement_id=requirement.id, catalogue_id=catalogue.id,
                        position=catalogue.requirements.index(requirement), area=requirement.area,
                        plan_part=requirement.plan_part, title=requirement.title,
                        tcvn=requirement.tcvn_for(dossier.level) or "")
        session.add(item)
    else:
        check_version(item, expected_version)
    before = {"override_status": item.override_status, "override_reason": item.override_reason}
    after = {"override_status": status, "override_reason": reason if status else ""}
    changes = audit.diff(before, after)
    if item.id is not None and not changes:
        return item  # saved unchanged: no new time, no new version, nothing to audit
    item.override_status, item.override_reason = after["override_status"], after["override_reason"]
    item.updated_at = now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="plan_item", object_id=item.id,
                 commune_id=dossier.commune_id, summary=f"{requirement.id}: {requirement.title[:200]}",
                 changes=changes)
    return item


def reopen(session: Session, dossier: Dossier, requirement_id: str, reason: str, catalogue: Catalogue,
           now: datetime) -> None:
    """A failing review finding marks the row not met until someone decides otherwise."""
    try:
        requirement = catalogue.requirement(requirement_id)
    except KeyError:
        return
    if not dossier.level or not requirement.applies_to(dossier.level):
        return
    item = session.scalar(select(PlanItem).where(PlanItem.dossier_id == dossier.id,
                                                 PlanItem.requirement_id == requirement.id))
    if item is None:
        item = PlanItem(dossier_id=dossier.id, requirement_id=requirement.id, catalogue_id=catalogue.id,
                        position=catalogue.requirements.index(requirement), area=requirement.area,
                        plan_part=requirement.plan_part, title=requirement.title,
                        tcvn=requirement.tcvn_for(dossier.level) or "")
        session.add(item)
    item.override_status, item.override_reason, item.updated_at = "not_met", reason[:2000] or "Kiểm tra", now


def _requirement(catalogue: Catalogue, dossier: Dossier, requirement_id: str) -> Requirement:
    try:
        requirement = catalogue.requirement(requirement_id)
    except KeyError:
        raise ValidationFailed({"requirement_id": "Yêu cầu không có trong danh mục."}) from None
    if not dossier.level or not requirement.applies_to(dossier.level):
        raise ValidationFailed({"requirement_id": "Yêu cầu không thuộc phương án của cấp độ này."})
    return requirement


# --------------------------------------------------------------------------- what the documents print

def row_entry(row: PlanRow) -> dict[str, Any]:
    """One requirement row as the thuyết minh prints it: never an empty cell."""
    status, measures = row.status, row.measures
    if status == "not_applicable":
        reason = row.override.override_reason if row.override else ""
        return {"measure": reason, "status": status, "na_reason": reason,
                "responsible": _responsible(measures) or "—", "due_date": None}
    done = [m for m in measures if m.status in ("in_place", "partly")]
    planned = [m for m in measures if m.status == "planned"]
    paragraphs = [_paragraph(m) for m in done]
    if planned and done:
        paragraphs.append("Dự kiến bổ sung: " + "; ".join(_planned(m) for m in planned) + ".")
    elif planned:
        paragraphs.append("Chưa có biện pháp — dự kiến: " + " ".join(
            f"{_planned(m)}. {_paragraph(m)}" for m in planned))
    elif not measures:
        paragraphs.append(NO_MEASURE_TEXT)
    if row.override is not None:
        paragraphs.append(f"Ghi chú: {row.override.override_reason}")
    due = min((m.planned_on for m in measures if m.status != "in_place" and m.planned_on), default=None)
    return {"measure": "\n".join(paragraphs), "status": status, "na_reason": "",
            "responsible": _responsible(measures) or UNASSIGNED, "due_date": due if status != "met" else None}


def _paragraph(measure: Measure) -> str:
    text = (measure.description or measure.title).strip()
    if measure.scope == "inherited" and measure.provider_document:
        text += f" (Căn cứ: {measure.provider_document} của {measure.provider_name}.)"
    return text


def _planned(measure: Measure) -> str:
    when = f", hoàn thành trước ngày {measure.planned_on:%d/%m/%Y}" if measure.planned_on else ""
    return f"«{measure.title}»{when}"


def _responsible(measures: list[Measure]) -> str:
    names: list[str] = []
    for measure in measures:
        for name in (measure.provider_name if measure.scope == "inherited" else measure.responsible_unit,
                     measure.owner.name if measure.owner else ""):
            if name and name not in names:
                names.append(name)
    return "; ".join(names)


def document_entries(view: PlanView) -> dict[str, dict[str, Any]]:
    return {row.requirement.id: row_entry(row) for row in view.rows}


def freeze_plan(session: Session, dossier: Dossier, catalogue: Catalogue, now: datetime) -> None:
    """Keep the rows as submitted in the dossier version (called when the dossier is submitted)."""
    view = plan_view(session, dossier, catalogue)
    if view is None:
        return
    rows = {key: entry | {"due_date": entry["due_date"].isoformat() if entry["due_date"] else None}
            for key, entry in document_entries(view).items()}
    dossier.frozen_plan = {"level": view.level, "catalogue": catalogue.id, "rows": rows,
                           "measures": sorted({m.id for row in view.rows for m in row.measures})}
    dossier.plan_frozen_at = now


def entries_for_documents(session: Session, dossier: Dossier, catalogue: Catalogue,
                          live: bool = False) -> dict[str, dict[str, Any]]:
    """The frozen rows of a submitted version (unless ``live``), else the rows as they are now."""
    frozen = dossier.frozen_plan
    if not live and frozen and frozen.get("level") == dossier.level:
        return {key: entry | {"due_date": date.fromisoformat(entry["due_date"]) if entry.get("due_date") else None}
                for key, entry in frozen["rows"].items()}
    view = plan_view(session, dossier, catalogue)
    return document_entries(view) if view else {}


# --------------------------------------------------------------------------- work lists

@dataclass(frozen=True)
class PlanGap:
    dossier: Dossier
    requirement: Requirement
    measures: tuple[Measure, ...]


def plan_gaps_for(session: Session, user: User, catalogue: Catalogue) -> list[PlanGap]:
    """Plan gaps of the user's commune whose planned measures the user owns (for "Việc của tôi")."""
    dossiers = list(session.scalars(select(Dossier).where(Dossier.commune_id == user.organisation_id,
                                                          Dossier.state.in_(OPEN_OR_IN_FORCE))
                                    .order_by(Dossier.id)))
    gaps = []
    for view in plan_views(session, dossiers, catalogue).values():
        for row in view.gaps:
            mine = tuple(m for m in row.measures if m.owner_id == user.id)
            if mine:
                gaps.append(PlanGap(view.dossier, row.requirement, mine))
    return gaps
