"""Demo incidents for Vĩnh Lại and Hải An, built through the real services so every row, timeline
entry and audit event is what the app itself would write. Idempotent: a scenario whose incident
title already exists in the commune is skipped."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import Incident, InformationSystem, Organisation, User
from ir_app.services.audit import Actor
from ir_app.services.incidents import lifecycle as incident_lifecycle
from ir_app.services.incidents import queries as incident_queries
from ir_app.services.incidents import record as incidents
from ir_app.services.incidents import reports as incident_reports
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.tasks import apply_playbook, update_task


@dataclass
class _Scene:
    """One commune's cast: who reports, who handles, the data, and the systems by code."""

    session: Session
    data: ResponseData
    commune: Organisation
    reporter: User
    officer: User

    def system_id(self, code: str) -> str:
        system = self.session.scalar(select(InformationSystem).where(
            InformationSystem.commune_id == self.commune.id, InformationSystem.code == code))
        return str(system.id) if system else ""

    def report(self, at: datetime, **raw: Any) -> Incident:
        return incidents.report_quickly(self.session, Actor.of(self.reporter), self.reporter, self.commune, raw, at,
                                        self.data)

    def edit(self, incident: Incident, at: datetime, **changes: Any) -> None:
        values = {name: getattr(incident, name) for name in
                  (spec.name for spec in incidents.incident_fields(self.data, ())) if hasattr(incident, name)}
        values.update(system_ids=[str(system.id) for system in incident.systems],
                      is_cyber_incident={True: "yes", False: "no"}.get(incident.is_cyber_incident, "auto"))
        incidents.update_incident(self.session, self.actor, incident, {**values, **changes}, at, self.data)

    def act(self, incident: Incident, action: str, at: datetime, comment: str | None = None) -> None:
        incident_lifecycle.apply_action(self.session, self.actor, incident, action, incident_queries.incident_roles(self.officer),
                               comment, at, self.data)

    def playbook(self, incident: Incident, playbook_id: str, at: datetime) -> None:
        apply_playbook(self.session, self.actor, incident, playbook_id, at, self.data)

    def done(self, incident: Incident, step_ids: tuple[str, ...], at: datetime, note: str = "") -> None:
        for task in incident.tasks:
            if task.step_id in step_ids and not task.is_settled:
                update_task(self.session, self.actor, task, "done", {"note": note}, at)

    def not_applicable(self, incident: Incident, at: datetime, reason: str) -> None:
        """Settle the optional and not-applicable rest, so the incident can close."""
        for task in incident.tasks:
            if not task.is_settled:
                update_task(self.session, self.actor, task, "not_applicable", {"na_reason": reason}, at)

    def sent(self, incident: Incident, rule_id: str, at: datetime, number: str, now: datetime) -> None:
        incident_reports.record_report(self.session, self.actor, incident, {
            "clock_rule_id": rule_id, "sent_at": at, "channel": "document", "reference_number": number}, now,
            self.data)

    def note(self, incident: Incident, at: datetime, text: str, now: datetime) -> None:
        incidents.add_note(self.session, self.actor, incident, {"at": at, "text": text}, now)

    @property
    def actor(self) -> Actor:
        return Actor.of(self.officer)


def load(session: Session, now: datetime, data: ResponseData, count: Callable[[int], None]) -> None:
    for slug, scenarios in (("vinh-lai", (_ransomware, _phishing_closed, _just_reported)),
                            ("hai-an", (_power_failure,))):
        commune = session.scalar(select(Organisation).where(Organisation.slug == slug))
        reporter = session.scalar(select(User).where(User.email == f"staff@{slug}.demo.vn"))
        officer = session.scalar(select(User).where(User.email == f"officer@{slug}.demo.vn"))
        if commune is None or reporter is None or officer is None:
            continue
        scene = _Scene(session, data, commune, reporter, officer)
        for scenario in scenarios:
            title, play = scenario(now)
            exists = session.scalar(select(Incident.id).where(Incident.commune_id == commune.id,
                                                              Incident.title == title))
            if exists is None:
                play(scene)
                session.flush()
                count(1)


def _ransomware(now: datetime):
    title = "Máy tiếp nhận hồ sơ số 2 ở Bộ phận một cửa hiện thông báo đòi tiền chuộc"
    t0 = now - timedelta(hours=20)

    def play(scene: _Scene) -> None:
        def minutes(count: float) -> datetime:
            return t0 + timedelta(minutes=count)

        incident = scene.report(minutes(5), what=title + "\nTệp Word, PDF không mở được, đuôi .lockbit.",
                                category="ransomware", system_id=scene.system_id("MOTCUA"), detected_at=t0,
                                contact="0987 654 321")
        scene.playbook(incident, "ransomware", minutes(20))
        scene.act(incident, "contain", minutes(40))
        scene.done(incident, ("confirm-ransom-note", "isolate-machines", "notify-leaders"), minutes(50),
                   "Đã làm, có ảnh chụp màn hình")
        scene.edit(incident, minutes(120), severity="nghiem_trong",
                   severity_reason="Bộ phận một cửa ngừng tiếp nhận hồ sơ điện tử; dữ liệu 2 máy bị mã hóa",
                   description="Hai máy tiếp nhận hồ sơ bị mã hóa; máy chủ chưa bị ảnh hưởng.",
                   current_situation="Đã rút mạng 2 máy, một cửa tiếp nhận bằng giấy.",
                   notified_parties="Chủ tịch UBND xã; Trưởng Công an xã; PA05 Công an thành phố (điện thoại)")
        scene.done(incident, ("protect-backups", "keep-one-stop-shop"), minutes(130), "Bản sao lưu NAS sạch, ngày hôm trước")
        scene.note(incident, minutes(45), "Đã rút dây mạng máy MC-02, MC-03; dán nhãn không sử dụng.", minutes(60))
        scene.note(incident, minutes(95), "Bộ phận một cửa chuyển sang tiếp nhận bằng giấy, dán thông báo.", minutes(100))
        scene.sent(incident, "nd331-initial-24h", minutes(360), "07/TB-UBND", minutes(370))

    return title, play


def _phishing_closed(now: datetime):
    title = "Tài khoản thư công vụ của cán bộ địa chính gửi hàng loạt thư lạ"
    t0 = now - timedelta(days=30)

    def play(scene: _Scene) -> None:
        def hours(count: float) -> datetime:
            return t0 + timedelta(hours=count)

        incident = scene.report(hours(0.2), what=title, category="phishing", system_id=scene.system_id("EMAIL"),
                                detected_at=t0)
        scene.playbook(incident, "email-compromise", hours(0.5))
        scene.act(incident, "analyse", hours(0.6))
        scene.act(incident, "contain", hours(1))
        scene.edit(incident, hours(2), severity="thong_thuong", severity_reason="Một tài khoản, đã kiểm soát được",
                   cause="Cán bộ nhập mật khẩu vào trang đăng nhập giả mạo gửi qua thư",
                   impact="Khoảng 300 thư rác gửi từ tài khoản; không lộ dữ liệu cá nhân",
                   measures="Đổi mật khẩu, bật xác thực hai lớp, báo nhà cung cấp chặn thư",
                   resolution="Tài khoản đã được khôi phục, không còn gửi thư lạ")
        scene.act(incident, "restore", hours(3))
        scene.sent(incident, "nd331-report-72h", hours(26), "21/BC-UBND", hours(27))
        scene.done(incident, tuple(task.step_id for task in incident.tasks if task.is_required and
                                   task.clock_rule_id in (None, "nd331-report-72h")), hours(48), "Đã hoàn thành")
        scene.not_applicable(incident, hours(48), "Không áp dụng: sự cố thông thường, không lộ dữ liệu cá nhân")
        scene.act(incident, "review_directly", hours(49), "Nguyên nhân đã rõ: mật khẩu bị lộ qua trang giả mạo")
        scene.edit(incident, hours(72), lessons_learned="Tập huấn nhận biết thư giả mạo; bật xác thực hai lớp cho mọi tài khoản")
        scene.act(incident, "close", hours(73))

    return title, play


def _just_reported(now: datetime):
    title = "Không đăng nhập được hệ thống quản lý văn bản, báo tài khoản bị khóa"

    def play(scene: _Scene) -> None:
        scene.report(now - timedelta(minutes=10), what=title, system_id=scene.system_id("QLVB"),
                     contact="0987 654 321")

    return title, play


def _power_failure(now: datetime):
    title = "Mất điện kéo dài, bộ lưu điện phòng máy chủ hỏng, mạng nội bộ ngừng"
    t0 = now - timedelta(days=2)

    def play(scene: _Scene) -> None:
        def hours(count: float) -> datetime:
            return t0 + timedelta(hours=count)

        incident = scene.report(hours(0.1), what=title, category="infrastructure_failure",
                                system_id=scene.system_id("LAN"), detected_at=t0)
        scene.playbook(incident, "hardware-power-failure", hours(0.3))
        scene.act(incident, "analyse", hours(0.5))
        scene.edit(incident, hours(1), severity="thong_thuong", severity_reason="Không do tấn công; có điện lại sau 4 giờ",
                   cause="Mất điện lưới khu vực; ắc quy bộ lưu điện đã chai",
                   measures="Dùng máy phát; thay ắc quy bộ lưu điện")
        scene.act(incident, "restore_directly", hours(1.5), "Mất điện, hỏng thiết bị: không có gì để cô lập")
        scene.note(incident, hours(4), "Có điện lại; máy chủ, switch khởi động bình thường.", hours(4.2))

    return title, play
