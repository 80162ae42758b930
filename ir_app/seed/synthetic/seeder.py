"""What every part of the synthetic province shares: the session, the spec, one random stream per
(topic, commune), bulk inserts, the audit trail and small stored files."""
from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Sequence

from sqlalchemy import Table
from sqlalchemy.orm import Session

from ir_app.models import StoredFile
from ir_app.seed.synthetic.bulk import BulkWriter
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.incidents.data import ResponseData
from ir_app.services.lawdata import LawData

# 09:00 on Thursday 26/11/2026 in Hanoi: the same "today" as the test suite's clock.
BASE_TIME = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class SyntheticSpec:
    province_code: str = "91"
    communes: int = 100
    systems_per_commune: int = 10
    incidents: int = 20000
    seed: int = 1
    now: datetime = BASE_TIME
    history_days: int = 3 * 365   # incidents reach back this far; backups and checks much less


@dataclass(frozen=True)
class UserRef:
    id: int
    name: str
    email: str

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.email)


@dataclass(frozen=True)
class FileRef:
    id: int
    sha256: str
    size: int


@dataclass
class SystemRef:
    id: int
    code: str
    name: str
    template: Any                 # inventory.SystemTemplate
    level: int                    # what the level rules give for its answers
    story: Any = None             # dossiers.Story


@dataclass
class CommuneRef:
    index: int
    id: int
    code: str
    slug: str
    name: str
    full_name: str
    users: dict[str, UserRef] = field(default_factory=dict)   # officer, staff, staff2, appraiser, …
    unit_ids: list[int] = field(default_factory=list)
    systems: list[SystemRef] = field(default_factory=list)
    # The commune's measures adopted from the starter library: library measure id → (row id, status).
    measures: dict[str, tuple[int, str]] = field(default_factory=dict)

    def user(self, key: str) -> UserRef:
        return self.users[key]


class Seeder:
    def __init__(self, session: Session, spec: SyntheticSpec, law: LawData, response: ResponseData,
                 password_hash: str, trusted: bool = False):
        self.session, self.spec, self.law, self.response = session, spec, law, response
        self.password_hash = password_hash
        self.now = spec.now
        self.counts: Counter[str] = Counter()
        self.audit_drafts: list[audit.Draft] = []
        self._cycles: Counter[str] = Counter()
        self._due_on: dict[tuple[date, Any], date | None] = {}
        self.writer = BulkWriter(session, trusted)

    # ------------------------------------------------------------------ randomness

    def rng(self, topic: str, index: int = 0) -> random.Random:
        """An independent, reproducible stream per topic and commune: changing one part of the
        generator never shifts the random choices of another."""
        # Not for secrets: synthetic data must come out the same for the same seed.
        return random.Random(f"{self.spec.seed}:{self.spec.province_code}:{topic}:{index}")  # noqa: S311

    def pick(self, kind: str, rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
        """The first picks of a kind walk through every value once (so even a tiny province has
        each state), then picks follow the weights."""
        turn = self._cycles[kind]
        self._cycles[kind] += 1
        if turn < len(weighted):
            return weighted[turn][0]
        values, weights = zip(*weighted)
        return rng.choices(values, weights)[0]

    def law_due_on(self, start: date, deadline) -> date | None:
        """Working-day deadlines, remembered: the holiday calendar is slow to build."""
        key = (start, deadline)
        if key not in self._due_on:
            self._due_on[key] = self.law.due_on(start, deadline)
        return self._due_on[key]

    # ------------------------------------------------------------------ writing

    def insert(self, model: type | Table, rows: list[dict[str, Any]]) -> None:
        table = model if isinstance(model, Table) else model.__table__
        self.writer.insert(table, rows)
        self.counts[table.name] += len(rows)

    def insert_ids(self, model: type, rows: list[dict[str, Any]]) -> list[int]:
        """Insert and return the new ids in the order of ``rows`` (for children to point at)."""
        table = model.__table__
        ids = self.writer.new_ids(table, len(rows))
        for row, new_id in zip(rows, ids):
            row["id"] = new_id
        self.insert(table, rows)
        return ids

    def add_file(self, commune_id: int, filename: str, text: str, at: datetime, by: UserRef | None,
                 content_type: str = "application/pdf") -> FileRef:
        """A small stored file: a minimal PDF (or plain text) naming what it stands for."""
        data = minimal_pdf(text) if content_type == "application/pdf" else text.encode("utf-8")
        sha256 = hashlib.sha256(data).hexdigest()
        file_id = self.insert_ids(StoredFile, [{
            "commune_id": commune_id, "filename": filename, "content_type": content_type, "size": len(data),
            "sha256": sha256, "data": data, "uploaded_at": at, "uploaded_by_id": by.id if by else None}])[0]
        return FileRef(file_id, sha256, len(data))

    # ------------------------------------------------------------------ audit

    def audit(self, at: datetime, actor: Actor, action: str, object_type: str, object_id: Any,
              commune_id: int | None, summary: str, changes: dict[str, Any] | None = None) -> None:
        self.audit_drafts.append(audit.Draft(at, actor, action, object_type, object_id, commune_id, summary,
                                             changes))

    def write_audit(self) -> int:
        """The whole trail in time order (as the app would have written it), then the chain."""
        self.audit_drafts.sort(key=lambda draft: draft.at)
        written = audit.record_many(self.session, self.audit_drafts, write=self.writer.insert)
        self.counts["audit_events"] += written
        self.audit_drafts.clear()
        return written


def minimal_pdf(text: str) -> bytes:
    """A tiny, valid-looking PDF: enough for the type sniffer and for a download to open."""
    body = text.encode("ascii", "replace")[:200]
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")

