"""What the pages read: a commune's advisories, one advisory's copies, and the province matrix."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ir_app.domain.advisories import recipient_status
from ir_app.models import Organisation
from ir_app.models.advisories import Advisory, AdvisoryRecipient, AdvisoryResponse
from ir_app.services.advisories.issue import issued_by_province, province_communes


def status_of(recipient: AdvisoryRecipient, today: date) -> str:
    return recipient_status(recipient.acknowledged_at, recipient.completed_at, recipient.advisory.deadline, today)


def received_by(session: Session, commune_id: int) -> list[AdvisoryRecipient]:
    """The commune's copies, newest advisory first (two statements)."""
    return list(session.scalars(
        select(AdvisoryRecipient).join(Advisory).where(AdvisoryRecipient.commune_id == commune_id)
        .options(joinedload(AdvisoryRecipient.advisory).selectinload(Advisory.actions))
        .order_by(Advisory.issued_at.desc(), Advisory.id.desc())))


def copy_for(session: Session, advisory: Advisory, commune_id: int) -> AdvisoryRecipient | None:
    return session.scalar(select(AdvisoryRecipient).where(
        AdvisoryRecipient.advisory_id == advisory.id, AdvisoryRecipient.commune_id == commune_id)
        .options(selectinload(AdvisoryRecipient.responses).joinedload(AdvisoryResponse.evidence)))


def copies_of(session: Session, advisory: Advisory) -> list[AdvisoryRecipient]:
    return list(session.scalars(
        select(AdvisoryRecipient).join(Organisation, Organisation.id == AdvisoryRecipient.commune_id)
        .where(AdvisoryRecipient.advisory_id == advisory.id)
        .options(joinedload(AdvisoryRecipient.commune), selectinload(AdvisoryRecipient.responses))
        .order_by(Organisation.name)))


@dataclass(frozen=True)
class Matrix:
    """Communes (rows) × advisories (columns): each cell a status, or None when not sent there."""

    advisories: list[Advisory]
    communes: list[Organisation]
    cells: dict[tuple[int, int], str]   # (commune id, advisory id) → status

    def cell(self, commune: Organisation, advisory: Advisory) -> str | None:
        return self.cells.get((commune.id, advisory.id))

    def count(self, advisory: Advisory, status: str) -> int:
        return sum(1 for commune in self.communes if self.cells.get((commune.id, advisory.id)) == status)


def province_matrix(session: Session, province_id: int, today: date) -> Matrix:
    """Three statements whatever the number of communes and advisories."""
    advisories = issued_by_province(session, province_id)
    rows = session.execute(
        select(AdvisoryRecipient.commune_id, AdvisoryRecipient.advisory_id, AdvisoryRecipient.acknowledged_at,
               AdvisoryRecipient.completed_at, Advisory.deadline).join(Advisory)
        .where(Advisory.province_id == province_id))
    cells = {(row.commune_id, row.advisory_id): recipient_status(row.acknowledged_at, row.completed_at,
                                                                  row.deadline, today) for row in rows}
    return Matrix(advisories, province_communes(session, province_id), cells)
