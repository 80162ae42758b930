"""Who may read which incidents (confidential ones too), the filtered incident list, and the systems an
incident can name."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ir_app.domain.text import whole_number
from ir_app.models import Incident, InformationSystem, Organisation, User, UserRole
from ir_app.services.authz import Permission, has_permission, visible_commune_ids
from ir_app.services.incidents.clocks import overdue_incident_ids
from ir_app.services.incidents.data import ResponseData


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


def task_assignees(session: Session, commune_id: int) -> list[User]:
    """People a task can be given to: the commune's active officers and staff."""
    query = (select(User).join(UserRole).where(User.organisation_id == commune_id, User.is_active.is_(True),
                                               UserRole.role.in_(("officer", "staff"))).order_by(User.name))
    return list(session.scalars(query).unique())


def commune_systems(session: Session, commune_id: int) -> list[InformationSystem]:
    query = select(InformationSystem).where(InformationSystem.commune_id == commune_id).order_by(
        InformationSystem.code)
    return list(session.scalars(query))


@dataclass(frozen=True)
class IncidentFilters:
    """What the list page asks for; values outside the data's own lists are ignored, never an error."""
    commune_code: str = ""
    state: str = ""          # a lifecycle state, or "open"
    category: str = ""
    severity: str = ""
    overdue: bool = False
    text: str = ""           # words of the title, or a number such as SC-11017-2026-0007

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> IncidentFilters:
        """The filters of the list page's query string (?commune=&state=&category=&severity=&overdue=&q=)."""
        return cls(commune_code=args.get("commune", ""), state=args.get("state", ""),
                   category=args.get("category", ""), severity=args.get("severity", ""),
                   overdue=bool(args.get("overdue")), text=args.get("q", ""))


def incident_list_query(session: Session, user: User, filters: IncidentFilters, data: ResponseData, now: datetime,
                        with_commune: bool = True):
    """The incidents ``user`` may read, newest first, narrowed by ``filters`` (their reports loaded, and
    their communes unless ``with_commune`` is false)."""
    visible = visible_commune_ids(user)
    query = (select(Incident).options(selectinload(Incident.reports))
             .order_by(Incident.detected_at.desc(), Incident.id.desc()))
    if with_commune:  # joined, not a second SELECT: one commune per row, the LIMIT stays on the index scan
        query = query.options(joinedload(Incident.commune))
    if visible is not None:
        query = query.where(Incident.commune_id.in_(visible))
    readable = readable_filter(user)
    if readable is not None:
        query = query.where(readable)
    if filters.commune_code:
        query = query.where(Incident.commune.has(Organisation.code == filters.commune_code[:16]))
    if filters.state in data.lifecycle.state_ids:
        query = query.where(Incident.state == filters.state)
    elif filters.state == "open":
        query = query.where(Incident.state.not_in(data.terminal_states))
    if filters.category in data.catalogue.category_ids:
        query = query.where(Incident.category == filters.category)
    if filters.severity in [level.id for level in data.catalogue.severities]:
        query = query.where(Incident.severity == filters.severity)
    if filters.overdue:
        query = query.where(Incident.id.in_(overdue_incident_ids(session, now, visible, data)))
    text = filters.text.strip()[:100]
    if text:
        query = query.where(or_(func.lower(Incident.title).like(f"%{text.lower()}%"), *_number_match(text)))
    return query


def _number_match(text: str) -> list:
    """"SC-11017-2026-0001" (the commune's code in it) or "SC-2026-0001" (numbers issued before,
    and any commune's incident of that year and number in the user's scope)."""
    parts = text.upper().removeprefix("SC-").split("-")
    numbers = [whole_number(part) for part in parts]
    if None in numbers:
        return []
    if len(parts) == 2:
        return [(Incident.year == numbers[0]) & (Incident.number == numbers[1])]
    if len(parts) == 3:
        return [(Incident.commune_code == parts[0].strip()) & (Incident.year == numbers[1])
                & (Incident.number == numbers[2])]
    return []
