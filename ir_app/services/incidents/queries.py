"""Who may read which incidents (confidential ones too), and the systems an incident can name."""
from __future__ import annotations


from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ir_app.models import Incident, InformationSystem, User
from ir_app.services.authz import Permission, has_permission


def incident_roles(user: User) -> set[str]:
    """The user's roles as the lifecycle sees them.

    Anyone the permission map lets report (REPORT_INCIDENT: appraisers and leaders too) files
    the quick report as "staff" does; lifecycle.yaml names only the roles that handle incidents.
    """
    roles = {role.value for role in user.roles}
    if has_permission(user, Permission.REPORT_INCIDENT):
        roles.add("staff")
    return roles


def may_read(user: User, incident: Incident) -> bool:
    """A confidential incident is read by its handlers, inspectors and the person who reported it."""
    if not incident.is_confidential or incident.reported_by_id == user.id:
        return True
    return has_permission(user, Permission.HANDLE_INCIDENT) or has_permission(user, Permission.VIEW_AUDIT)


def readable_filter(user: User):
    """The same rule as a WHERE clause for lists (None = no restriction)."""
    if has_permission(user, Permission.HANDLE_INCIDENT) or has_permission(user, Permission.VIEW_AUDIT):
        return None
    return or_(Incident.is_confidential.is_(False), Incident.reported_by_id == user.id)


def commune_systems(session: Session, commune_id: int) -> list[InformationSystem]:
    query = select(InformationSystem).where(InformationSystem.commune_id == commune_id).order_by(
        InformationSystem.code)
    return list(session.scalars(query))
