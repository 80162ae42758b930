"""A newer starter library offered as a difference, never written over the commune's edits.

Each adopted measure remembers the library version it came from. When the library's version is
newer, every adopted measure whose content differs from the library's current text is listed
with the difference (title, text word by word, requirement ids, levels); the commune takes the
library's content or keeps its own, one measure at a time. Either way the measure is marked as
reviewed against the new version, so it is offered once. Measures whose content already equals
the library's are marked current together in one action; library measures not adopted yet are
offered for adoption; adopted ones the library dropped are kept as the commune's own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ir_app.domain.library_diff import ListChange, Piece, list_change, word_diff
from ir_app.domain.measures import Measure as LibraryMeasure
from ir_app.domain.measures import MeasureLibrary
from ir_app.models import Measure, MeasureRequirement, Organisation
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.records import check_version

CHOICES = ("take", "keep")


@dataclass(frozen=True)
class MeasureUpdate:
    measure: Measure
    item: LibraryMeasure
    title_changed: bool
    text: tuple[Piece, ...]
    requirements: ListChange
    levels: ListChange

    @property
    def text_changed(self) -> bool:
        return any(piece.kind != "same" for piece in self.text)


@dataclass
class LibraryUpdates:
    library: MeasureLibrary
    changed: list[MeasureUpdate] = field(default_factory=list)    # behind, content differs: choose
    current: list[Measure] = field(default_factory=list)          # behind, same content: mark current
    new_items: list[LibraryMeasure] = field(default_factory=list)  # in the library, not adopted
    dropped: list[Measure] = field(default_factory=list)          # adopted, no longer in the library

    @property
    def pending(self) -> int:
        return len(self.changed) + len(self.current) + len(self.new_items)


def _adopted(session: Session, commune_id: int, library_id: str) -> list[Measure]:
    return list(session.scalars(select(Measure).where(Measure.commune_id == commune_id,
                                                      Measure.library_id == library_id)
                                .order_by(Measure.id).options(selectinload(Measure.requirement_links))))


def _compare(measure: Measure, item: LibraryMeasure) -> MeasureUpdate:
    return MeasureUpdate(
        measure, item, title_changed=measure.title != item.title, text=word_diff(measure.description, item.text),
        requirements=list_change(measure.requirement_ids, item.requirements),
        levels=list_change([str(n) for n in measure.levels or []], [str(n) for n in item.levels]))


def _differs(update: MeasureUpdate) -> bool:
    return update.title_changed or update.text_changed or update.requirements.changed or update.levels.changed


def pending_updates(session: Session, commune_id: int, library: MeasureLibrary) -> LibraryUpdates:
    updates = LibraryUpdates(library)
    adopted = _adopted(session, commune_id, library.id)
    have = {measure.library_measure_id for measure in adopted}
    updates.new_items = [item for item in library.measures if item.id not in have]
    for measure in adopted:
        try:
            item = library.measure(measure.library_measure_id or "")
        except KeyError:
            updates.dropped.append(measure)
            continue
        if (measure.library_version or 0) >= library.version:
            continue
        update = _compare(measure, item)
        (updates.changed.append(update) if _differs(update) else updates.current.append(measure))
    return updates


def resolve(session: Session, actor: Actor, measure: Measure, library: MeasureLibrary, choice: str, now: datetime,
            expected_version: int | None) -> Measure:
    """Take the library's content for this measure, or keep the commune's; either way it is now
    reviewed against this library version. Status, owner, dates, scope and evidence never change."""
    if choice not in CHOICES:
        raise ValidationFailed({"choice": "Chọn «Dùng nội dung mới của thư viện» hoặc «Giữ nội dung của xã»."})
    if measure.library_id != library.id:
        raise ValidationFailed({"choice": "Biện pháp này không lấy từ bộ biện pháp mẫu."})
    try:
        item = library.measure(measure.library_measure_id or "")
    except KeyError:
        raise ValidationFailed({"choice": "Thư viện không còn biện pháp này; nội dung của xã được giữ nguyên."}) \
            from None
    check_version(measure, expected_version)
    before = {"title": measure.title, "description": measure.description, "requirements": measure.requirement_ids,
              "levels": list(measure.levels or []), "library_version": measure.library_version}
    if choice == "take":
        measure.title, measure.description, measure.levels = item.title, item.text, list(item.levels)
        kept = {link.requirement_id: link for link in measure.requirement_links}
        measure.requirement_links = [kept.get(req) or MeasureRequirement(requirement_id=req)
                                     for req in item.requirements]
    measure.library_version = library.version
    measure.updated_at = now
    session.flush()
    after = {"title": measure.title, "description": measure.description, "requirements": measure.requirement_ids,
             "levels": list(measure.levels or []), "library_version": measure.library_version}
    summary = "Dùng nội dung thư viện" if choice == "take" else "Giữ nội dung của xã"
    audit.record(session, actor, "update", now=now, object_type="measure", object_id=measure.id,
                 commune_id=measure.commune_id,
                 summary=f"{summary} (phiên bản {library.version}): {measure.title[:150]}",
                 changes=audit.diff(before, after))
    return measure


def mark_current(session: Session, actor: Actor, commune: Organisation, library: MeasureLibrary,
                 now: datetime) -> int:
    """Measures whose content already equals the library's: mark them reviewed, in one action."""
    measures = pending_updates(session, commune.id, library).current
    for measure in measures:
        measure.library_version = library.version
        measure.updated_at = now
    session.flush()
    if measures:
        audit.record(session, actor, "update", now=now, object_type="measure_library", object_id=library.id,
                     commune_id=commune.id,
                     summary=f"{len(measures)} biện pháp không thay đổi: ghi nhận phiên bản {library.version}",
                     changes={"measure_ids": [None, [m.id for m in measures]]})
    return len(measures)
