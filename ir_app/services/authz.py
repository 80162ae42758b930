"""Authorisation in one place: role → permissions, plus commune scoping."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ir_app.models import Organisation, OrgKind, Role, User


class Permission(StrEnum):
    VIEW = "view"                          # read the commune's data
    EDIT_INVENTORY = "edit_inventory"      # systems, components, contacts
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"    # templates, checklists
    VIEW_AUDIT = "view_audit"
    DOWNLOAD = "download"                  # documents, exports, bundles
    EDIT_DOSSIER = "edit_dossier"          # wizard, submit, protection plan
    APPRAISE = "appraise"
    APPROVE = "approve"
    REPORT_INCIDENT = "report_incident"    # quick report
    HANDLE_INCIDENT = "handle_incident"    # classify, tasks, reports, close
    MANAGE_BACKUPS = "manage_backups"
    RECORD_CHECK = "record_check"          # morning infrastructure check
    RECORD_REVIEW = "record_review"        # periodic reviews
    ISSUE_ADVISORY = "issue_advisory"      # the province's advisories to its communes
    RESPOND_ADVISORY = "respond_advisory"  # acknowledge and answer an advisory
    VIEW_PROVINCE = "view_province"        # the province view: every commune of one province at once
    RECORD_TRAINING = "record_training"    # training courses, sessions and attendance of the commune


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OFFICER: frozenset({
        P.VIEW, P.EDIT_INVENTORY, P.DOWNLOAD, P.EDIT_DOSSIER, P.REPORT_INCIDENT,
        P.HANDLE_INCIDENT, P.MANAGE_BACKUPS, P.RECORD_CHECK, P.RECORD_REVIEW, P.RESPOND_ADVISORY,
        P.RECORD_TRAINING,
    }),
    Role.STAFF: frozenset({
        P.VIEW, P.EDIT_INVENTORY, P.DOWNLOAD, P.EDIT_DOSSIER, P.REPORT_INCIDENT,
        P.MANAGE_BACKUPS, P.RECORD_CHECK, P.RESPOND_ADVISORY, P.RECORD_TRAINING,
    }),
    Role.APPRAISER: frozenset({P.VIEW, P.DOWNLOAD, P.APPRAISE, P.REPORT_INCIDENT, P.RECORD_REVIEW}),
    Role.APPROVER: frozenset({P.VIEW, P.DOWNLOAD, P.APPROVE, P.REPORT_INCIDENT}),
    Role.AUDITOR: frozenset({P.VIEW, P.DOWNLOAD, P.VIEW_AUDIT}),
    Role.OVERSEER: frozenset({P.VIEW, P.DOWNLOAD, P.VIEW_AUDIT, P.VIEW_PROVINCE, P.ISSUE_ADVISORY}),
}

# Permissions an overseer may use outside their own organisation (read-only by design).
READ_ONLY = frozenset({P.VIEW, P.DOWNLOAD, P.VIEW_AUDIT})


def permissions_of(user: User) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in user.roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def has_permission(user: User, permission: Permission) -> bool:
    return user.is_active and permission in permissions_of(user)


def is_global(user: User) -> bool:
    return Role.ADMIN in user.roles


def province_id_of(user: User) -> int | None:
    org = user.organisation
    return org.id if org.kind == OrgKind.PROVINCE else org.parent_id


def can_reach_commune(user: User, commune: Organisation, permission: Permission) -> bool:
    """Commune scoping: own commune; an overseer reads the communes of their province."""
    if not has_permission(user, permission):
        return False
    if is_global(user) or commune.id == user.organisation_id:
        return True
    return (
        Role.OVERSEER in user.roles
        and permission in READ_ONLY
        and commune.parent_id == province_id_of(user)
    )


def visible_commune_ids(user: User) -> Select | None:
    """A sub-select of commune ids the user may read; None means every commune."""
    if is_global(user):
        return None
    if Role.OVERSEER in user.roles:
        return select(Organisation.id).where(
            (Organisation.parent_id == province_id_of(user)) | (Organisation.id == user.organisation_id)
        )
    return select(Organisation.id).where(Organisation.id == user.organisation_id)


def scope_query(query: Select, commune_column, user: User) -> Select:
    """Restrict a query on a commune-owned table to what the user may read."""
    visible = visible_commune_ids(user)
    return query if visible is None else query.where(commune_column.in_(visible))


def visible_communes(session: Session, user: User) -> list[Organisation]:
    query = select(Organisation).where(Organisation.kind == OrgKind.COMMUNE).order_by(Organisation.name)
    return list(session.scalars(scope_query(query, Organisation.id, user)))


def sees_own_organisation_only(user: User) -> bool:
    """True when the user reads only their own organisation's records: at most one commune, known
    without a statement (the same rule as ``visible_commune_ids``)."""
    return not is_global(user) and Role.OVERSEER not in user.roles


def visible_commune_count(session: Session, user: User) -> int:
    """How many communes ``user`` reads (no statement for a user who reads only their own organisation)."""
    if sees_own_organisation_only(user):
        return int(user.organisation.kind == OrgKind.COMMUNE)
    query = select(func.count()).select_from(Organisation).where(Organisation.kind == OrgKind.COMMUNE)
    return session.scalar(scope_query(query, Organisation.id, user)) or 0


def commune_choices(session: Session, user: User) -> list[Organisation]:
    """The communes a list page offers as a filter and column: none for a user who sees at most one
    (their own), so a commune's pages skip the statement."""
    return [] if sees_own_organisation_only(user) else visible_communes(session, user)
