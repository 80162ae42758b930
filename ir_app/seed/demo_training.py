"""Demo training records, built through the real services: Vĩnh Lại's officer and staff member and a
village head (no account) attended the province's course two months ago and passed; the approver
(leader) has not yet been trained on the Quy chế — a gap on purpose, shown on the coverage page and in
the province view. Idempotent by title."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.config import bundled_root
from ir_app.datafiles.training import training_rules_in
from ir_app.models import Organisation, User
from ir_app.models.training import TrainingCourse
from ir_app.services.audit import Actor
from ir_app.services.files import store_upload
from ir_app.services.training import courses

TITLE = "Tập huấn ứng cứu sự cố và nhận diện lừa đảo qua mạng năm 2026"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SHEET = ("DANH SÁCH ĐIỂM DANH\nLớp tập huấn ứng cứu sự cố và nhận diện lừa đảo qua mạng\n"
         "1. Cán bộ Công an xã — đã ký\n2. Cán bộ văn phòng — đã ký\n3. Nguyễn Văn Bình, Trưởng thôn Đông — đã ký\n")


def load(session: Session, now: datetime, count: Callable[[int], None]) -> None:
    officer = session.scalar(select(User).where(User.email == "officer@vinh-lai.demo.vn"))
    staff = session.scalar(select(User).where(User.email == "staff@vinh-lai.demo.vn"))
    if officer is None or staff is None or session.scalar(select(TrainingCourse.id).where(TrainingCourse.title == TITLE)):
        return
    commune = session.get(Organisation, officer.organisation_id)
    actor = Actor.of(officer)
    rules = training_rules_in(str(bundled_root() / "level_dossiers"))
    recorded_at = now - timedelta(days=55)
    course = courses.create_course(session, actor, commune, {
        "title": TITLE, "organiser_kind": "province", "organiser": "Công an thành phố Hải Phòng (PA05)",
        "topics": ["incident-response", "awareness"], "hours": 8,
        "content": ("Quy trình tiếp nhận, xử lý sự cố an ninh mạng theo kịch bản; nhận diện thư giả mạo cơ quan "
                    "thuế, tin nhắn lừa đảo; thực hành báo cáo sự cố trong 24 giờ, 72 giờ.")}, rules, recorded_at)
    sheet = store_upload(session, actor, commune_id=commune.id, filename="danh-sach-diem-danh.txt",
                         data=SHEET.encode("utf-8"), now=recorded_at, field="attendance_sheet")
    held_on = (now - timedelta(days=60)).astimezone(ZONE).date()
    item = courses.add_session(session, actor, course, {
        "held_on": held_on, "place": "Hội trường Công an thành phố", "hours": 8,
        "content": "Buổi sáng: lý thuyết; buổi chiều: diễn tập tình huống thư giả mạo."},
        recorded_at, held_on, attendance_sheet=sheet)
    keys = [f"user:{officer.id}", f"user:{staff.id}"]
    courses.record_attendance(session, actor, item, keys, keys, [
        courses.NamedAttendee("Nguyễn Văn Bình", "staff", "Trưởng thôn Đông")], recorded_at)
    count(1)
