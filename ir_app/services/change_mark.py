"""The newest audited change a user can see, as one number.

Every change to what the overview, the province view and a work queue are computed from is audited
with the commune it belongs to (or none, for province- and nation-wide records such as advisories).
So a page computed after event N, for a user whose scope has seen no event after N, is still exact:
`change_mark` is that N, read in one statement from the audit log's (commune_id, id) index, one
backward probe per organisation in scope. What depends on the clock alone is not covered: callers
also key on the minute (see `web.page_cache`).
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ir_app.models import AuditEvent, AuditChainHead, Organisation, User
from ir_app.services.authz import visible_commune_ids


def change_mark(session: Session, user: User) -> int:
    """The id of the newest audit event of the user's communes, their own organisation, its parent
    (the province's advisories, its staff) or of no commune; 0 before any event."""
    scope = visible_commune_ids(user)
    if scope is None:  # the whole nation: the chain head holds the newest event's id
        return session.scalar(select(AuditChainHead.last_event_id)) or 0
    newest_of_org = (select(func.max(AuditEvent.id)).where(AuditEvent.commune_id == Organisation.id)
                     .correlate(Organisation).scalar_subquery())
    organisations = (select(func.max(newest_of_org))
                     .where(or_(Organisation.id.in_(scope), Organisation.id == user.organisation.parent_id))
                     .scalar_subquery())
    unowned = select(func.max(AuditEvent.id)).where(AuditEvent.commune_id.is_(None)).scalar_subquery()
    newest, newest_unowned = session.execute(select(organisations, unowned)).one()
    return max(newest or 0, newest_unowned or 0)
