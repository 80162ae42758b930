"""People beside the systems (round 12): each commune's response team in call order, and its
security training — one course a year with a session most people attended, some missing on purpose
so that coverage and reminders have work to show."""
from __future__ import annotations

from datetime import timedelta

from ir_app.models import ResponseTeamMember, TrainingAttendance, TrainingCourse, TrainingSession
from ir_app.seed.synthetic.operations import HANOI
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder

TEAM = (("officer", "leader"), ("staff", "technical"), ("approver", "deputy"))
COURSE = ("Tập huấn nhận diện thư giả mạo và ứng cứu sự cố", ["incident-response", "awareness"])


def add_teams(seed: Seeder, commune: CommuneRef) -> None:
    rng = seed.rng("teams", commune.index)
    _add_response_team(seed, commune)
    _add_training(seed, commune, rng)


def _add_response_team(seed: Seeder, commune: CommuneRef) -> None:
    rows = [{"commune_id": commune.id, "user_id": commune.user(key).id, "contact_id": None,
             "name": commune.user(key).name, "team_role": role, "phone": "", "email": "",
             "on_call_order": order, "is_active": True, "version": 1}
            for order, (key, role) in enumerate(TEAM, start=1)]
    ids = seed.insert_ids(ResponseTeamMember, rows)
    officer = commune.user("officer")
    for member_id, row in zip(ids, rows):
        seed.audit(seed.now - timedelta(days=200), officer.actor, "create", "response_team_member", member_id,
                   commune.id, f"{row['name']} ({row['team_role']})")


def _add_training(seed: Seeder, commune: CommuneRef, rng) -> None:
    """A course this year; four communes in five held its session, where the officer and staff
    attended and the approver sometimes did not."""
    created = seed.now - timedelta(days=rng.randint(40, 300))
    title, topics = COURSE
    [course_id] = seed.insert_ids(TrainingCourse, [{
        "commune_id": commune.id, "title": title, "organiser_kind": "province", "organiser": "Công an tỉnh",
        "topics": topics, "content": "Nhận diện thư giả mạo; quy trình báo cáo và ứng cứu sự cố", "hours": 4,
        "created_at": created, "version": 1}])
    if rng.random() < 0.2:
        return
    held = created + timedelta(days=rng.randint(1, 30))
    [session_id] = seed.insert_ids(TrainingSession, [{
        "course_id": course_id, "commune_id": commune.id, "held_on": held.astimezone(HANOI).date(),
        "place": "Hội trường UBND xã", "hours": 4, "content": "", "certificate_id": None,
        "attendance_sheet_id": None, "created_at": held, "version": 1}])
    present = ["officer", "staff"] + (["approver"] if rng.random() < 0.5 else [])
    seed.insert(TrainingAttendance, [{
        "session_id": session_id, "commune_id": commune.id, "person_key": f"user:{commune.user(key).id}",
        "user_id": commune.user(key).id, "person_name": commune.user(key).name, "person_role": "",
        "position": "", "passed": True, "certificate_number": "", "recorded_at": held,
        "recorded_by_id": commune.user("officer").id} for key in present])
    seed.audit(held, commune.user("officer").actor, "attendance", "training_session", session_id, commune.id,
               f"{title}: {len(present)} người")
