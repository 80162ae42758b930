"""A dossier step given to a named person instead of every holder of the role (the default).

Who may assign: whoever may take the step themselves, and the commune's officers (Công an xã
follows every dossier up) and admins. The assignee must be an active user of the dossier's
commune holding a role that may take the step. Every change is audited and the assignee told.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import Dossier, Role, User, UserRole
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import PermissionDenied, ValidationFailed
from ir_app.services.lawdata import LawData
from ir_app.services.records import check_version
from ir_app.services.work import handoff
from ir_app.services.work.steps import next_roles, step_task

FOLLOW_UP_ROLES = frozenset({Role.OFFICER, Role.ADMIN})


def candidates(session: Session, dossier: Dossier, law: LawData) -> list[User]:
    """Active users of the dossier's commune who may take its current step (one statement)."""
    roles = next_roles(dossier, law)
    if not roles or law.workflow.state(dossier.state).terminal:
        return []
    query = (select(User).join(UserRole).where(User.organisation_id == dossier.commune_id,
                                               User.is_active.is_(True), UserRole.role.in_(sorted(roles)))
             .order_by(User.name, User.id))
    return list(session.scalars(query).unique())


def may_assign(user: User, dossier: Dossier, law: LawData) -> bool:
    if Role.ADMIN in user.roles:
        return True
    if user.organisation_id != dossier.commune_id:
        return False
    return bool(user.roles & FOLLOW_UP_ROLES) or bool({r.value for r in user.roles} & next_roles(dossier, law))


def assign_step(session: Session, user: User, actor: Actor, dossier: Dossier, assignee_id: int | None,
                law: LawData, now: datetime, expected_version: int | None = None) -> Dossier:
    """Give the current step to `assignee_id` (None: back to the role). Audited; the assignee is told."""
    if not may_assign(user, dossier, law):
        raise PermissionDenied("Bạn không được giao bước này của hồ sơ cho người khác.")
    check_version(dossier, expected_version)
    assignee = None
    if assignee_id is not None:
        assignee = next((person for person in candidates(session, dossier, law) if person.id == assignee_id), None)
        if assignee is None:
            raise ValidationFailed({"assignee_id": "Hãy chọn một người trong danh sách: người đó phải có vai trò "
                                                   "được thực hiện bước này ở xã của hồ sơ."})
    before = dossier.step_assignee_id
    if before == assignee_id:
        return dossier
    dossier.step_assignee_id = assignee_id
    dossier.updated_at = now
    session.flush()
    who = assignee.name if assignee else "theo vai trò"
    audit.record(session, actor, "assign", now=now, object_type="dossier", object_id=dossier.id,
                 commune_id=dossier.commune_id,
                 summary=f"{step_task(dossier, law)} «{dossier.system.name}»: giao cho {who}",
                 changes={"step_assignee_id": [before, assignee_id]})
    handoff.dossier_assigned(session, actor, dossier, assignee, law, now)
    return dossier
