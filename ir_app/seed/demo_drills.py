"""Demo response teams for the demo communes and one past drill in Vĩnh Lại, built through the real
services: the drill was planned on a playbook, run as a practice incident whose tasks were ticked
at realistic times (some late against the playbook's targets), and closed with its results, so the
timings and the DOCX report are what the app itself computes. Idempotent."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import EmergencyContact, Organisation, OrgKind, User
from ir_app.models.drills import Drill
from ir_app.services import drills, roster
from ir_app.services.audit import Actor
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.tasks import update_task

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DRILL_TITLE = "Diễn tập ứng phó mã độc tống tiền trên máy trạm một cửa"
# Who is on each demo team besides the officer and the staff member's accounts: (name, role, phone).
DEPUTIES = {"vinh-lai": ("Vũ Văn Khải", "0913 222 468"), "hai-an": ("Đặng Thu Trang", "0904 556 781"),
            "mai-phu": ("Lê Quang Vinh", "0915 773 209"), "cho-don": ("Triệu Văn Sáng", "0946 118 305")}
OFFICER_PHONES = {"vinh-lai": "0912 345 678", "hai-an": "0905 321 654", "mai-phu": "0916 480 122",
                  "cho-don": "0977 205 318"}
# Minutes after the start at which each task of the practice was done (the rest stay open).
TASK_MINUTES = (12, 35, 95, 140, 230, 300)


def load(session: Session, now: datetime, data: ResponseData, count: Callable[[int], None]) -> None:
    for commune in session.scalars(select(Organisation).where(Organisation.kind == OrgKind.COMMUNE)
                                   .order_by(Organisation.id)):
        if commune.slug in DEPUTIES and not roster.team_of(session, commune.id):
            _team(session, commune, now)
            count(1)
    officer = session.scalar(select(User).where(User.email == "officer@vinh-lai.demo.vn"))
    if officer is not None and not session.scalar(select(Drill.id).where(Drill.title == DRILL_TITLE)):
        _past_drill(session, officer, now, data)
        count(1)


def _team(session: Session, commune: Organisation, now: datetime) -> None:
    officer = session.scalar(select(User).where(User.email == f"officer@{commune.slug}.demo.vn"))
    staff = session.scalar(select(User).where(User.email == f"staff@{commune.slug}.demo.vn"))
    hotline = session.scalar(select(EmergencyContact).where(EmergencyContact.commune_id == commune.id,
                                                            EmergencyContact.name == "Tổng đài hỗ trợ kỹ thuật"))
    deputy, deputy_phone = DEPUTIES[commune.slug]
    actor = Actor.of(officer) if officer else Actor.system("dữ liệu mẫu")
    rows = [{"user_id": str(officer.id) if officer else "", "name": "" if officer else "Trưởng Công an xã",
             "team_role": "leader", "phone": OFFICER_PHONES[commune.slug]},
            {"name": deputy, "team_role": "deputy", "phone": deputy_phone},
            {"user_id": str(staff.id) if staff else "", "name": "" if staff else "Cán bộ phụ trách CNTT",
             "team_role": "technical", "phone": "0987 654 321"},
            {"contact_id": str(hotline.id) if hotline else "", "name": "" if hotline else "VNPT tỉnh",
             "team_role": "technical", "phone": "" if hotline else "18001166"},
            {"name": "Văn phòng HĐND và UBND (phát ngôn)", "team_role": "legal_media", "phone": "0220 3700 115"}]
    for row in rows:
        roster.save_member(session, actor, commune, {"is_active": True, **row}, now)


def _past_drill(session: Session, officer: User, now: datetime, data: ResponseData) -> None:
    """Three weeks ago: planned, run from 08:30 local time, tasks ticked, results recorded."""
    actor = Actor.of(officer)
    day = (now.astimezone(ZONE) - timedelta(days=21)).date()
    started = datetime(day.year, day.month, day.day, 8, 30, tzinfo=ZONE)
    drill = drills.plan(session, actor, officer.organisation, {
        "title": DRILL_TITLE, "playbook_id": "ransomware", "planned_on": day,
        "participants": "Công an xã (3), Văn phòng HĐND và UBND (2), Trung tâm Phục vụ hành chính công (1), "
                        "kỹ thuật viên VNPT tỉnh",
        "objectives": "Cô lập máy bị nhiễm trong 15 phút; báo cáo PA05 đúng thời hạn; khôi phục một cửa từ bản "
                      "sao lưu trong ngày."}, data, started - timedelta(days=10))
    drills.start(session, actor, drill, officer, started, data, ZONE)
    for task, minutes in zip(drill.incident.tasks, TASK_MINUTES):
        update_task(session, actor, task, "done", {"note": "Đã thực hiện trong diễn tập"},
                    started + timedelta(minutes=minutes))
    drills.finish(session, actor, drill, {
        "what_worked": "Cán bộ một cửa rút cáp mạng ngay khi thấy màn hình đòi tiền chuộc; tổ ứng cứu tập hợp đủ "
                       "trong 20 phút; bản sao lưu đêm trước khôi phục được.",
        "gaps": "Chưa có sẵn mẫu báo cáo ban đầu gửi PA05: soạn sẵn và lưu trên máy Công an xã\n"
                "Mật khẩu quản trị tường lửa chỉ một người biết: lập phong bì niêm phong giao Chủ tịch UBND\n"
                "Khôi phục máy chủ chậm hơn chỉ tiêu: diễn tập lại quy trình khôi phục vào quý sau"},
        started + timedelta(hours=6))
