"""The round-12 forms for the round-trip and error-keeping tests (tests/web/test_form_round_trips.py):
the response team (new member, edit) and training (new course, new session, attendance). Records,
choices and rows carry the ids 2, 29 and 129, so that a form comparing ids as text shows up."""
from __future__ import annotations

from datetime import date, datetime, timezone

from ir_app.domain.training import name_key
from ir_app.models import EmergencyContact, Role, User
from ir_app.models.roster import ResponseTeamMember
from ir_app.models.training import TrainingAttendance, TrainingCourse, TrainingSession
from tests.web.form_support import EditCase, sync_sequences

UTC = timezone.utc
CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def _people(session, commune, make_user) -> dict[int, User]:
    """Accounts 2 (an officer, who edits), 29 and 129, and emergency contacts with the same ids."""
    people = {number: make_user(Role.OFFICER if number == 2 else Role.STAFF, organisation=commune, id=number,
                                name=f"Người {number}", phone=f"0912 000 {number:03d}") for number in (2, 29, 129)}
    session.add_all(EmergencyContact(id=number, commune_id=commune.id, name=f"Liên hệ {number}",
                                     phone=f"0203 800 {number:03d}", sort_order=number) for number in (2, 29, 129))
    session.commit()
    sync_sequences(session, User, EmergencyContact)
    return people


def roster_member_edit(session, commune, make_user, clock) -> EditCase:
    people = _people(session, commune, make_user)
    members = [ResponseTeamMember(id=number, commune_id=commune.id, user_id=number, name=f"Người {number}",
                                  team_role="technical", on_call_order=position, phone="", email="")
               for position, number in enumerate((2, 29, 129), start=1)]
    member = members[1]
    member.phone, member.email = "0987 000 029", "truc29@vinhlai.gov.vn"  # a duty phone typed for the team
    session.add_all(members)
    session.commit()
    sync_sequences(session, ResponseTeamMember)
    return EditCase("/roster/29/edit", people[2], member, ("email", "khong-phai-thu"))


def roster_member_new(session, commune, make_user, clock) -> EditCase:
    people = _people(session, commune, make_user)
    return EditCase(f"/roster/new?commune={commune.code}", people[2], None, ("email", "khong-phai-thu"),
                    filled={"contact_id": "29", "team_role": "legal_media", "phone": "0987 000 129",
                            "on_call_order": "2"})


def _course(session, commune) -> TrainingCourse:
    course = TrainingCourse(id=29, commune_id=commune.id, title="Tập huấn ứng cứu sự cố 2026",
                            organiser_kind="province", organiser="Công an tỉnh (PA05)",
                            topics=["incident-response"], content="Quy trình ứng cứu", hours=8, created_at=CREATED)
    session.add(course)
    session.commit()
    sync_sequences(session, TrainingCourse)
    return course


def training_course_new(session, commune, make_user, clock) -> EditCase:
    return EditCase(f"/training/?commune={commune.code}", make_user(Role.OFFICER, organisation=commune), None,
                    ("hours", "cả ngày"),
                    filled={"title": "Nhận diện lừa đảo", "organiser_kind": "other", "organiser": "VNPT tỉnh",
                            "topics": ["incident-response", "awareness"], "content": "Thư giả mạo\nTin nhắn lừa"})


def training_session_new(session, commune, make_user, clock) -> EditCase:
    _course(session, commune)
    return EditCase("/training/courses/29", make_user(Role.OFFICER, organisation=commune), None,
                    ("held_on", "31/02/2026"),
                    filled={"place": "Hội trường UBND xã", "hours": "4", "content": "Thực hành\ncô lập máy"})


def training_course_edit(session, commune, make_user, clock) -> EditCase:
    make_user(Role.OFFICER, organisation=commune, id=2)
    _course(session, commune)
    return EditCase("/training/courses/29/edit", session.get(User, 2), session.get(TrainingCourse, 29),
                    ("hours", "cả ngày"))


def training_session_edit(session, commune, make_user, clock) -> EditCase:
    make_user(Role.OFFICER, organisation=commune, id=2)
    item = TrainingSession(id=29, course=_course(session, commune), commune_id=commune.id, held_on=date(2026, 11, 20),
                           place="Hội trường", hours=4, content="Thực hành", created_at=CREATED)
    session.add(item)
    session.commit()
    sync_sequences(session, User, TrainingSession)
    return EditCase("/training/sessions/29/edit", session.get(User, 2), item, ("held_on", "31/02/2026"))


def training_attendance(session, commune, make_user, clock) -> EditCase:
    """Accounts 29 (passed) and 129 (not passed) and a person without an account attended session 29."""
    people = _people(session, commune, make_user)
    course = _course(session, commune)
    item = TrainingSession(id=29, course=course, commune_id=commune.id, held_on=date(2026, 11, 20),
                           place="Hội trường", hours=4, created_at=CREATED)
    rows = [TrainingAttendance(id=number, commune_id=commune.id, person_key=f"user:{number}", user_id=number,
                               person_name=people[number].name, passed=number == 29, recorded_at=CREATED,
                               recorded_by_id=2) for number in (29, 129)]
    rows.append(TrainingAttendance(id=2, commune_id=commune.id, person_key=name_key("Nguyễn Văn Thôn"),
                                   person_name="Nguyễn Văn Thôn", person_role="staff", position="Trưởng thôn",
                                   recorded_at=CREATED, recorded_by_id=2))
    item.attendees = rows
    session.add(item)
    session.commit()
    sync_sequences(session, TrainingSession, TrainingAttendance)
    return EditCase("/training/sessions/29", people[2], item, ("role_1", ""), child=rows[0],
                    # a person typed without a role is refused; the changed ticks and the typed row stay
                    filled={"attended": ["user:2", "user:29"], "passed": ["user:2"], "name_1": "Lê Văn Mới",
                            "position_1": "Công an viên"})


CASES = {
    "response team member": roster_member_edit, "new response team member": roster_member_new,
    "new training course": training_course_new, "new training session": training_session_new,
    "training attendance": training_attendance, "training course": training_course_edit,
    "training session": training_session_edit,
}
