"""A demo advisory from Hải Phòng's PA05 to its communes, built through the real services: Vĩnh Lại
has acknowledged it and answered one action, the others have not yet. Idempotent by title."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import Organisation, User
from ir_app.models.advisories import Advisory
from ir_app.services.advisories import answers, issue
from ir_app.services.audit import Actor

TITLE = "Cảnh báo lỗ hổng nghiêm trọng trên thiết bị tường lửa, VPN đang bị khai thác"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def load(session: Session, now: datetime, count: Callable[[int], None]) -> None:
    overseer = session.scalar(select(User).where(User.email == "overseer@hai-phong.demo.vn"))
    officer = session.scalar(select(User).where(User.email == "officer@vinh-lai.demo.vn"))
    if overseer is None or officer is None or session.scalar(select(Advisory.id).where(Advisory.title == TITLE)):
        return
    province = session.get(Organisation, overseer.organisation_id)
    communes = issue.province_communes(session, province.id)
    issued_at = now - timedelta(days=2)
    today = issued_at.astimezone(ZONE).date()
    draft = issue.AdvisoryDraft(
        title=TITLE, number="125/CAT-PA05", severity="high", deadline=today + timedelta(days=7),
        content=("Nhiều lỗ hổng trên thiết bị tường lửa và cổng VPN đang bị khai thác để chiếm quyền quản trị "
                 "và cài mã độc tống tiền. Đề nghị Công an các xã, phường phối hợp bộ phận phụ trách CNTT "
                 "kiểm tra, cập nhật ngay."),
        concerns="Tường lửa, cổng VPN của mạng nội bộ UBND xã (FortiGate, Sophos, DrayTek…)",
        actions_text=("Kiểm tra phiên bản phần mềm của tường lửa, cổng VPN\n"
                      "Cập nhật bản vá theo khuyến cáo của hãng\n"
                      "Đổi mật khẩu quản trị, tắt quản trị từ Internet"),
        commune_ids=tuple(commune.id for commune in communes), playbook="ransomware")
    advisory = issue.issue(session, Actor.of(overseer), province, draft, issued_at, today)
    copy = next(item for item in advisory.recipients if item.commune_id == officer.organisation_id)
    answers.acknowledge(session, Actor.of(officer), copy, issued_at + timedelta(hours=3))
    answers.answer(session, Actor.of(officer), copy, advisory.actions[0], "done",
                   "Tường lửa FortiGate 60F đang chạy FortiOS 7.2.8; cần cập nhật.", issued_at + timedelta(hours=4))
    count(1)
    _report_request(session, overseer, officer, province, communes, issued_at, today)
    count(1)


def _report_request(session: Session, overseer: User, officer: User, province: Organisation, communes, issued_at,
                    today) -> None:
    """An ad-hoc report request (báo cáo đột xuất): Vĩnh Lại has answered the first question."""
    draft = issue.AdvisoryDraft(
        title="Báo cáo đột xuất tình hình sử dụng thư điện tử công vụ", kind="report_request", severity="medium",
        deadline=today + timedelta(days=5), number="130/CAT-PA05",
        content="Đề nghị các xã, phường báo cáo theo các nội dung dưới đây, gửi kèm tài liệu nếu có.",
        actions_text=("Số tài khoản thư công vụ đang sử dụng\n"
                      "Số cán bộ dùng thư cá nhân (Gmail…) để gửi văn bản\n"
                      "Đã bật xác thực hai lớp cho thư công vụ chưa?"),
        commune_ids=tuple(commune.id for commune in communes))
    request = issue.issue(session, Actor.of(overseer), province, draft, issued_at + timedelta(hours=1), today)
    copy = next(item for item in request.recipients if item.commune_id == officer.organisation_id)
    answers.answer(session, Actor.of(officer), copy, request.actions[0], "done", "42 tài khoản",
                   issued_at + timedelta(hours=5))
