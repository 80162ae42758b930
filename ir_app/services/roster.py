"""Tổ ứng cứu sự cố: the commune's response team and its on-call order ("who to call").

A member is one of the commune's users, one of its emergency contacts, or a person named here;
the number to call is read from the account or contact unless one is typed for the team."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ir_app.i18n_markers import N_
from ir_app.models import EmergencyContact, Organisation, User
from ir_app.models.roster import ResponseTeamMember
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.records import check_version, save_record

F = FieldSpec

TEAM_ROLES = (
    ("leader", N_("Tổ trưởng")),
    ("deputy", N_("Tổ phó")),
    ("technical", N_("Kỹ thuật")),
    ("legal_media", N_("Pháp chế, truyền thông")),
    ("member", N_("Thành viên")),
)
TEAM_ROLE_LABELS = dict(TEAM_ROLES)

# The account and contact choices are the commune's own: `member_fields` fills them per commune.
MEMBER_FIELDS: list[FieldSpec] = [
    F("user_id", N_("Tài khoản trong hệ thống"), "choice",
      help=N_("Chọn một người dùng của xã, hoặc một liên hệ khẩn cấp, hoặc ghi họ tên bên dưới.")),
    F("contact_id", N_("Hoặc liên hệ trong danh bạ khẩn cấp"), "choice"),
    F("name", N_("Họ và tên"), max_length=200, help=N_("Để trống để dùng tên của tài khoản hoặc liên hệ đã chọn.")),
    F("team_role", N_("Vai trò trong tổ"), "choice", required=True, choices=TEAM_ROLES),
    F("phone", N_("Điện thoại"), max_length=50,
      help=N_("Để trống để dùng số của tài khoản hoặc liên hệ đã chọn.")),
    F("email", N_("E-mail"), "email", max_length=200),
    F("on_call_order", N_("Thứ tự gọi"), "int", minimum=1, maximum=999,
      help=N_("1 là người gọi đầu tiên; để trống để xếp cuối danh sách.")),
    F("is_active", N_("Đang trực"), "bool", default=True),
]


def member_fields(users: list[User], contacts: list[EmergencyContact]) -> list[FieldSpec]:
    choices = {"user_id": tuple((str(user.id), user.name) for user in users),
               "contact_id": tuple((str(contact.id), f"{contact.name} · {contact.phone}") for contact in contacts)}
    return [replace(spec, choices=choices[spec.name]) if spec.name in choices else spec for spec in MEMBER_FIELDS]


def team_of(session: Session, commune_id: int, active_only: bool = False) -> list[ResponseTeamMember]:
    """The team in on-call order (one statement for the members, one each for accounts and contacts)."""
    query = (select(ResponseTeamMember).where(ResponseTeamMember.commune_id == commune_id)
             .options(selectinload(ResponseTeamMember.user), selectinload(ResponseTeamMember.contact))
             .order_by(ResponseTeamMember.on_call_order, ResponseTeamMember.id))
    if active_only:
        query = query.where(ResponseTeamMember.is_active.is_(True))
    return list(session.scalars(query))


def on_call(session: Session, commune_id: int) -> list[ResponseTeamMember]:
    """Who to call, first to last: the active members that have a number."""
    return [member for member in team_of(session, commune_id, active_only=True) if member.call_phone]


def candidates(session: Session, commune_id: int) -> tuple[list[User], list[EmergencyContact]]:
    users = session.scalars(select(User).where(User.organisation_id == commune_id, User.is_active.is_(True))
                            .order_by(User.name))
    contacts = session.scalars(select(EmergencyContact).where(EmergencyContact.commune_id == commune_id)
                               .order_by(EmergencyContact.sort_order, EmergencyContact.name))
    return list(users), list(contacts)


def save_member(session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any], now: datetime,
                member: ResponseTeamMember | None = None,
                expected_version: int | None = None) -> ResponseTeamMember:
    users, contacts = candidates(session, commune.id)
    values, errors = parse_record(member_fields(users, contacts), raw)
    if errors:
        raise ValidationFailed(errors)
    values = _resolve_links(values, {user.id: user for user in users},
                            {contact.id: contact for contact in contacts})
    if not values["on_call_order"]:
        values["on_call_order"] = _next_order(session, commune.id, member)
    return save_record(session, actor, member or ResponseTeamMember(commune_id=commune.id), values,
                       object_type="response_team_member", commune_id=commune.id, now=now,
                       expected_version=expected_version)


def _resolve_links(values: dict[str, Any], users: dict[int, User],
                   contacts: dict[int, EmergencyContact]) -> dict[str, Any]:
    """Links as ids; the name from the link when none is typed; a number to call is required."""
    user = users.get(int(values["user_id"])) if values["user_id"] else None
    contact = contacts.get(int(values["contact_id"])) if values["contact_id"] else None
    errors = {}
    if user is not None and contact is not None:
        errors["contact_id"] = "Chọn tài khoản hoặc liên hệ, không chọn cả hai."
    linked = user or contact
    name = values["name"] or (linked.name if linked is not None else "")
    if not name:
        errors["name"] = "Bắt buộc nhập khi không chọn tài khoản hoặc liên hệ."
    if not (values["phone"] or (linked.phone if linked is not None else "")):
        errors["phone"] = "Cần một số điện thoại để gọi (tài khoản hoặc liên hệ đã chọn chưa có số)."
    if errors:
        raise ValidationFailed(errors)
    return {**values, "name": name, "user_id": user.id if user else None,
            "contact_id": contact.id if contact else None}


def _next_order(session: Session, commune_id: int, member: ResponseTeamMember | None) -> int:
    if member is not None and member.on_call_order:
        return member.on_call_order
    highest = session.scalar(select(func.max(ResponseTeamMember.on_call_order))
                             .where(ResponseTeamMember.commune_id == commune_id))
    return (highest or 0) + 1


def move(session: Session, actor: Actor, member: ResponseTeamMember, direction: str, now: datetime,
         expected_version: int | None = None) -> ResponseTeamMember:
    """One place up or down the call list: the order is renumbered 1..n, then two neighbours swap."""
    check_version(member, expected_version)
    team = team_of(session, member.commune_id)
    index = team.index(member)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(team):
        return member
    team[index], team[other] = team[other], team[index]
    for position, each in enumerate(team, start=1):
        each.on_call_order = position
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="response_team_member", object_id=member.id,
                 commune_id=member.commune_id, summary=f"{member.name}: thứ tự gọi {member.on_call_order}",
                 changes={"on_call_order": [index + 1, member.on_call_order]})
    return member


def delete_member(session: Session, actor: Actor, member: ResponseTeamMember, now: datetime,
                  expected_version: int | None = None) -> None:
    check_version(member, expected_version)
    audit.record(session, actor, "delete", now=now, object_type="response_team_member", object_id=member.id,
                 commune_id=member.commune_id, summary=member.name)
    session.delete(member)
    session.flush()


def keep_contact_details(session: Session, contact: EmergencyContact) -> None:
    """Before an emergency contact is deleted: members who were that contact keep its number."""
    for member in session.scalars(select(ResponseTeamMember).where(ResponseTeamMember.contact_id == contact.id)):
        member.phone = member.phone or contact.phone
        member.email = member.email or contact.email
        member.contact_id = None
