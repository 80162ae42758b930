"""The navigation bar's figures, read in one statement on every page.

Besides the unread notifications it reads the id of the last audit event: every change to what a
work queue is built from (dossiers, incidents and their tasks, backups, checks, reviews, measures,
users and roles…) is audited, so a user's "Việc của tôi" count computed after that event stays
right until the next one — or until the clock moves on (see `web.work.work_count`).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BindParameter, ColumnElement, ScalarSelect, bindparam, func, select
from sqlalchemy.orm import Session

from ir_app.models import AuditEvent
from ir_app.models.notifications import Notification


@dataclass(frozen=True)
class MenuFigures:
    unread: int
    last_change: int | None   # the newest audit event's id (None: nothing audited yet)


USER_ID: BindParameter[int] = bindparam("menu_user_id")


def menu_columns(user_id: ColumnElement[int] = USER_ID) -> tuple[ScalarSelect, ScalarSelect]:
    """The unread count and the newest audit event's id, as two columns another statement can carry
    (the user's own load: see `web.access.load_user`). By default the user is the bound parameter
    `USER_ID`, so a statement built once serves every request."""
    unread = (select(func.count(Notification.id))
              .where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery())
    return unread, select(func.max(AuditEvent.id)).scalar_subquery()


def menu_figures(session: Session, user_id: int) -> MenuFigures:
    count, last = session.execute(select(*menu_columns()), {USER_ID.key: user_id}).one()
    return MenuFigures(count or 0, last)
