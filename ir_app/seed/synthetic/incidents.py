"""Incidents of the last few years: mostly closed, a few in every open state, each with what the
app itself would have written — playbook tasks, timeline, reports for the legal clocks, now and
then evidence under custody.

An incident is first *planned* (its category, path through the lifecycle and the moment of each
step), then written as rows. Times always run forward and never pass ``now``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from ir_app.domain.playbooks import due_clocks
from ir_app.models import (
    CustodyEntry,
    Evidence,
    Incident,
    IncidentPlaybook,
    IncidentReport,
    IncidentTask,
    TimelineEntry,
)
from ir_app.models.incidents import incident_code, incident_systems
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder, UserRef
from ir_app.services.dossiers.lifecycle import LEGAL_TZ
from ir_app.services.incidents.clocks import incident_facts
from ir_app.services.incidents.data import CLOCK_KIND_LABELS

# Open incidents are the last few days' arrivals: about 3 % of three years' worth.
STATES = (("closed", 89), ("not_incident", 7.5), ("received", 0.8), ("analysed", 0.7), ("contained", 0.5),
          ("restored", 0.5), ("traced", 0.4), ("reviewed", 0.6))
CATEGORIES = (("phishing", 25), ("malware", 14), ("infrastructure_failure", 15), ("denial_of_service", 9),
              ("ransomware", 5), ("data_breach", 6), ("intrusion", 6), ("defacement", 6), ("lost_device", 6),
              ("other", 8))
TITLES = {
    "phishing": ("Tài khoản thư công vụ gửi hàng loạt thư lạ", "Cán bộ nhận thư giả mạo yêu cầu đăng nhập"),
    "malware": ("Máy tính bộ phận một cửa chạy chậm, phần mềm diệt virus cảnh báo", "USB lạ nhiễm mã độc"),
    "infrastructure_failure": ("Mất điện, bộ lưu điện phòng máy chủ hỏng", "Switch lõi hỏng, mạng nội bộ ngừng"),
    "denial_of_service": ("Cổng thông tin điện tử không truy cập được", "Mất kết nối mạng truyền số liệu"),
    "ransomware": ("Máy tiếp nhận hồ sơ hiện thông báo đòi tiền chuộc", "Tệp trên NAS bị mã hóa"),
    "data_breach": ("Danh sách người dân bị đăng lên mạng xã hội", "Gửi nhầm tệp có dữ liệu cá nhân"),
    "intrusion": ("Tài khoản quản trị lạ trên phần mềm một cửa", "Đăng nhập bất thường vào thư công vụ"),
    "defacement": ("Cổng thông tin bị chèn nội dung quảng cáo cờ bạc", "Trang chủ cổng thông tin bị thay giao diện"),
    "lost_device": ("Mất máy tính xách tay công vụ", "Thất lạc USB chứa hồ sơ"),
    "other": ("Máy in mạng gửi lệnh in lạ", "Camera trụ sở mất hình không rõ nguyên nhân"),
}
HOURS = {"analyse": (0.3, 4), "contain": (0.5, 8), "restore": (4, 72), "restore_directly": (2, 48),
         "trace": (24, 120), "review": (24, 96), "review_directly": (24, 96), "close": (12, 120),
         "dismiss": (1, 48), "recontain": (2, 24)}
COMMENTS = {"restore_directly": "Hỏng thiết bị, không có gì để cô lập",
            "review_directly": "Nguyên nhân đã rõ, không có dấu hiệu tấn công",
            "dismiss": "Kiểm tra lại: do cấu hình sai, không phải sự cố"}
NOT_CYBER = ("infrastructure_failure",)
WITH_EVIDENCE = ("malware", "ransomware", "intrusion", "phishing", "data_breach")


@dataclass
class Plan:
    """One incident before it is written: facts, and every step with its moment."""

    state: str
    category: str | None
    detected_at: datetime
    created_at: datetime
    reporter: UserRef
    steps: list[tuple[str, str, datetime]]            # (action, new state, when)
    row: dict[str, Any] = field(default_factory=dict)
    system_id: int | None = None
    id: int = 0

    @property
    def last_at(self) -> datetime:
        return self.steps[-1][2] if self.steps else self.created_at

    def reached(self, state: str) -> datetime | None:
        return next((at for _action, to, at in self.steps if to == state), None)


def split_evenly(total: int, parts: int, rng) -> list[int]:
    """``total`` spread over ``parts`` with some communes busier than others (sums exactly)."""
    return split_by(total, [rng.uniform(0.5, 1.5) for _ in range(parts)])


def split_by(total: int, weights: list[float]) -> list[int]:
    """``total`` in proportion to ``weights`` (largest remainders round up; sums exactly)."""
    shares = [total * weight / sum(weights) for weight in weights]
    counts = [int(share) for share in shares]
    for index in sorted(range(len(counts)), key=lambda i: counts[i] - shares[i])[:total - sum(counts)]:
        counts[index] += 1
    return counts


def add_incidents(seed: Seeder, commune: CommuneRef, count: int) -> None:
    rng = seed.rng("incidents", commune.index)
    plans = sorted((_plan(seed, commune, rng) for _ in range(count)), key=lambda plan: plan.created_at)
    _number(plans)
    for plan in plans:
        plan.row = _incident_row(seed, commune, plan, rng)
        system = rng.choice(commune.systems) if commune.systems and rng.random() < 0.9 else None
        plan.system_id = system.id if system else None
    for plan, incident_id in zip(plans, seed.insert_ids(Incident, [plan.row for plan in plans])):
        plan.id = incident_id
    seed.insert(incident_systems, [{"incident_id": plan.id, "system_id": plan.system_id}
                                   for plan in plans if plan.system_id])
    writer = _Writer(seed, commune, rng)
    for plan in plans:
        writer.history(plan)
    writer.flush()


# --------------------------------------------------------------------------- planning

def _plan(seed: Seeder, commune: CommuneRef, rng) -> Plan:
    state = seed.pick("incident-state", rng, STATES)
    category = seed.pick("incident-category", rng, CATEGORIES)
    if state == "received" and rng.random() < 0.5:
        category = None  # quick reports wait for the officer to classify them
    path = _path(state, category, rng)
    gaps = [timedelta(hours=rng.uniform(*HOURS[action])) for action, _to in path]
    report_delay = timedelta(minutes=rng.uniform(5, 90))
    span = report_delay + sum(gaps, timedelta())
    if state in ("closed", "not_incident"):
        detected = seed.now - span - timedelta(days=seed.spec.history_days * rng.random() ** 1.3 + 1)
    else:  # open work is recent: days, not years
        detected = seed.now - span - timedelta(hours=rng.uniform(0.5, 24 * 6))
    created = detected + report_delay
    moment, steps = created, []
    for (action, to), gap in zip(path, gaps):
        moment += gap
        steps.append((action, to, moment))
    reporter = commune.user(rng.choice(("staff", "staff2", "officer")))
    return Plan(state, category, detected, created, reporter, steps)


def _path(state: str, category: str | None, rng) -> list[tuple[str, str]]:
    if state == "not_incident":
        return ([("analyse", "analysed")] if rng.random() < 0.6 else []) + [("dismiss", "not_incident")]
    path = []
    order = ("received", "analysed", "contained", "restored", "traced", "reviewed", "closed")
    target = order.index(state)
    if target >= 1 and category != "ransomware":
        path.append(("analyse", "analysed"))
    if target >= 2 and category not in NOT_CYBER:
        path.append(("contain", "contained"))
    if target >= 3:
        path.append(("restore", "restored") if category not in NOT_CYBER else ("restore_directly", "restored"))
        if category not in NOT_CYBER and rng.random() < 0.05:  # reinfected: back to containment once
            path += [("recontain", "contained"), ("restore", "restored")]
    if target == 2 and category in NOT_CYBER:
        path.append(("contain", "contained"))
    if target >= 4 and (state == "traced" or category not in NOT_CYBER):
        path.append(("trace", "traced"))
    if target >= 5:
        path.append(("review", "reviewed") if path[-1][1] == "traced" else ("review_directly", "reviewed"))
    if target == 6:
        path.append(("close", "closed"))
    return path


def _number(plans: list[Plan]) -> None:
    """SC-<commune>-2026-0001…: per commune and year of the report, in the order they came in."""
    last: dict[int, int] = {}
    for plan in plans:
        year = plan.created_at.astimezone(LEGAL_TZ).year
        last[year] = last.get(year, 0) + 1
        plan.row = {"year": year, "number": last[year]}


def _incident_row(seed: Seeder, commune: CommuneRef, plan: Plan, rng) -> dict[str, Any]:
    category, state = plan.category, plan.state
    classified = state not in ("received", "not_incident")
    severity = (("nghiem_trong" if rng.random() < 0.12 else "thong_thuong") if classified else None)
    personal = category in ("data_breach", "lost_device") and rng.random() < 0.7
    finished = state in ("traced", "reviewed", "closed")
    contained = next((at for _a, to, at in plan.steps if to in ("contained", "restored", "traced", "reviewed")), None)
    resolved = next((at for _a, to, at in plan.steps if to in ("traced", "reviewed", "closed")), None)
    title = rng.choice(TITLES[category or "other"])
    return {
        **plan.row, "commune_id": commune.id, "commune_code": commune.code, "title": title, "category": category, "detected_at": plan.detected_at,
        "discovered_at": plan.detected_at + timedelta(hours=rng.uniform(0, 12)) if personal else None,
        "reported_by_id": plan.reporter.id, "reporter_name": plan.reporter.name, "reporter_contact": "0912 000 111",
        "contact_person": commune.user("officer").name, "detection_method": "Cán bộ phát hiện khi làm việc",
        "description": f"{title}. Cán bộ báo qua ứng dụng.", "current_situation": "",
        "notified_parties": "Chủ tịch UBND xã" if classified else "", "technical_details": "",
        "support_request": "", "personal_data_involved": personal,
        "personal_data_kinds": "Họ tên, số định danh, địa chỉ" if personal else "",
        "personal_data_subjects": rng.randint(10, 3000) if personal else None,
        "location_or_biometric": False, "severity": severity,
        "severity_reason": "Ảnh hưởng một bộ phận, xã tự xử lý được" if severity == "thong_thuong"
        else ("Ngừng tiếp nhận hồ sơ điện tử" if severity else ""),
        "national_security_signs": False, "serious_disruption": severity == "nghiem_trong" and rng.random() < 0.2,
        "is_cyber_incident": None, "is_complex": False, "beyond_capacity": False,
        "is_confidential": rng.random() < 0.01, "state": state, "state_changed_at": plan.last_at,
        "phase_starts": _phase_starts(seed, plan), "contained_at": contained, "resolved_at": resolved,
        "closed_at": plan.reached(state) if state in ("closed", "not_incident") else None,
        "cause": "Cán bộ mở tệp đính kèm từ thư giả mạo" if finished else "",
        "impact": "Một máy trạm, không lộ dữ liệu" if finished else "",
        "measures": "Cô lập máy, quét mã độc, đổi mật khẩu" if finished else "",
        "resolution": "Hệ thống hoạt động bình thường" if finished else "",
        "lessons_learned": "Tập huấn nhận biết thư giả mạo" if state == "closed" else "",
        "created_at": plan.created_at, "updated_at": plan.last_at,
    }


def _phase_starts(seed: Seeder, plan: Plan) -> dict[str, str]:
    """As the service does: a phase starts when its state, or a later one, is first reached."""
    lifecycle = seed.response.lifecycle
    order = lifecycle.state_ids
    starts: dict[str, str] = {}
    for state, at in [("received", plan.created_at), *[(to, at) for _a, to, at in plan.steps]]:
        if lifecycle.state(state).terminal:
            continue
        for phase in lifecycle.phases:
            if phase.id not in starts and order.index(phase.starts_on) <= order.index(state):
                starts[phase.id] = at.isoformat()
    return starts


# --------------------------------------------------------------------------- writing

class _Writer:
    """Collects the rows of a commune's incidents, then inserts each table in a few batches."""

    def __init__(self, seed: Seeder, commune: CommuneRef, rng):
        self.seed, self.commune, self.rng = seed, commune, rng
        self.officer = commune.user("officer")
        self.timeline: list[dict[str, Any]] = []
        self.reports: list[dict[str, Any]] = []
        self.pinned: list[tuple[Plan, Any, datetime]] = []

    def history(self, plan: Plan) -> None:
        seed, data = self.seed, self.seed.response
        self.log(plan, plan.created_at, plan.reporter, "reported",
                 f"Báo nhanh sự cố bởi {plan.reporter.name}: {plan.row['title']}", "create")
        playbook = next(iter(data.playbooks_for(plan.category)), None)
        if playbook and (plan.state != "received" or self.rng.random() < 0.3):
            applied = min(plan.created_at + timedelta(minutes=self.rng.uniform(10, 40)), seed.now)
            self.pinned.append((plan, playbook, applied))
        for action, to, at in plan.steps:
            old = self._state_before(plan, at)
            comment = COMMENTS.get(action, "")
            text = f"{data.lifecycle.action(action).label}: {data.state_title(old)} → {data.state_title(to)}"
            self.log(plan, at, self.officer, "transition", text + (f". Lý do: {comment}" if comment else ""),
                     f"transition:{action}", {"state": [old, to], "comment": [None, comment]})
        for _ in range(self.rng.choice((0, 0, 1, 2))):
            at = plan.created_at + (plan.last_at - plan.created_at) * self.rng.random()
            self.log(plan, at, self.officer, "note", "Đã liên hệ đơn vị hỗ trợ kỹ thuật, đang theo dõi", "update",
                     automatic=False)
        self._reports(plan)

    @staticmethod
    def _state_before(plan: Plan, at: datetime) -> str:
        earlier = [to for _a, to, when in plan.steps if when < at]
        return earlier[-1] if earlier else "received"

    def log(self, plan: Plan, at: datetime, who: UserRef, event: str, text: str, action: str,
            changes: dict[str, Any] | None = None, automatic: bool = True, object_type: str = "incident",
            object_id: Any = None) -> None:
        self.timeline.append({"incident_id": plan.id, "at": at, "recorded_at": at, "actor_id": who.id,
                              "actor_label": who.email, "is_automatic": automatic, "event": event, "text": text})
        number = plan.row["number"]
        code = incident_code(self.commune.code, plan.row["year"], number) if number > 0 else \
            incident_code(self.commune.code, plan.row["year"], -number, prefix="DT", width=2)  # a drill's
        self.seed.audit(at, who.actor, action, object_type, object_id or plan.id, self.commune.id,
                        f"{code}: {text}", changes)

    # ------------------------------------------------------------------ reports for the clocks

    def _reports(self, plan: Plan) -> None:
        if plan.state == "not_incident":
            return  # a false alarm has nothing to report
        facts = incident_facts(SimpleNamespace(**plan.row), self.seed.response)
        clocks = due_clocks(self.seed.response.clock_rules, facts, plan.detected_at, plan.row["discovered_at"],
                            resolved_at=plan.row["resolved_at"])
        closed = plan.row["closed_at"]
        for rule, due_at in clocks:
            sent_at, late_reason = self._sending(plan, due_at, closed)
            if sent_at is None:
                continue
            self.reports.append({
                "incident_id": plan.id, "clock_rule_id": rule.id, "kind": rule.kind, "sent_at": sent_at,
                "channel": self.rng.choice(("document", "document", "email", "phone")),
                "reference_number": f"{self.rng.randint(1, 300)}/BC-UBND", "recipient": rule.recipient[:300],
                "file_id": None, "notes": "", "late_reason": late_reason, "recorded_at": sent_at,
                "recorded_by_id": self.officer.id})
            self.log(plan, sent_at, self.officer, "report",
                     f"Đã gửi {CLOCK_KIND_LABELS[rule.kind]} tới {rule.recipient}", "create",
                     object_type="incident_report")

    def _sending(self, plan: Plan, due_at: datetime, closed: datetime | None) -> tuple[datetime | None, str]:
        """When the report went out: closed incidents sent all (a few late); open ones some."""
        now, rng = self.seed.now, self.rng
        earliest = plan.created_at + timedelta(minutes=15)
        if closed is None and rng.random() < (0.5 if due_at < now else 0.8):
            return None, ""  # not sent yet: pending, or overdue when due_at has passed
        if rng.random() < 0.9 and due_at > earliest:
            sent = earliest + (due_at - earliest) * rng.uniform(0.2, 0.95)
            late = ""
        else:
            sent = max(due_at, earliest) + timedelta(hours=rng.uniform(1, 30))
            late = "Chờ xác minh đầy đủ thông tin trước khi gửi"
        limit = min(closed - timedelta(minutes=30), now) if closed else now
        return (min(sent, limit), late) if min(sent, limit) >= earliest else (None, "")

    # ------------------------------------------------------------------ tasks, evidence, insert

    def flush(self) -> None:
        self._tasks()
        self._evidence()
        self._attach_report_files()
        self.seed.insert(IncidentReport, self.reports)
        self.seed.insert(TimelineEntry, self.timeline)

    def _tasks(self) -> None:
        rows = [{"incident_id": plan.id, "playbook_id": playbook.id, "playbook_version": playbook.version,
                 "playbook_sha256": playbook.sha256, "title": playbook.title, "applied_at": applied,
                 "applied_by_id": self.officer.id} for plan, playbook, applied in self.pinned]
        ids = self.seed.insert_ids(IncidentPlaybook, rows)
        tasks, settled = [], []
        for (plan, playbook, applied), pinned_id in zip(self.pinned, ids):
            self.log(plan, applied, self.officer, "playbook",
                     f"Áp dụng kịch bản «{playbook.title}» phiên bản {playbook.version} "
                     f"({len(playbook.steps)} nhiệm vụ)",
                     "apply_playbook", {"playbook_id": [None, playbook.id]}, object_type="incident_playbook",
                     object_id=pinned_id)
            for position, step in enumerate(playbook.steps, start=1):
                row = self._task_row(plan, pinned_id, position, step, applied)
                tasks.append(row)
                settled.append(plan)
        for row, plan, task_id in zip(tasks, settled, self.seed.insert_ids(IncidentTask, tasks)):
            if row["done_at"] or row["is_not_applicable"]:
                what = "Hoàn thành" if row["done_at"] else f"Không áp dụng — lý do: {row['na_reason']}"
                self.log(plan, row["updated_at"], self.officer, "task", f"Nhiệm vụ «{row['title']}»: {what}",
                         "update", object_type="incident_task", object_id=task_id)

    def _task_row(self, plan: Plan, pinned_id: int, position: int, step, applied: datetime) -> dict[str, Any]:
        starts = plan.row["phase_starts"]
        phase_start = datetime.fromisoformat(starts[step.phase]) if step.phase in starts else None
        due_at = None
        if step.due:
            anchor = {"detection": plan.detected_at, "discovery": plan.row["discovered_at"] or plan.detected_at,
                      "phase_start": phase_start}[step.due.after]
            due_at = anchor + step.due.within if anchor else None
        done_at, not_applicable = self._settle(plan, step, phase_start, applied)
        return {
            "incident_id": plan.id, "incident_playbook_id": pinned_id, "position": position, "step_id": step.id,
            "phase": step.phase, "title": step.title, "role": step.role, "is_required": step.required,
            "is_continuity": step.continuity, "clock_rule_id": step.clock,
            "due_after": step.due.after if step.due else None,
            "due_within_seconds": int(step.due.within.total_seconds()) if step.due else None, "due_at": due_at,
            "depends_on": list(step.depends_on), "guidance": step.guidance, "evidence_expected": list(step.evidence),
            "links": list(step.links), "assignee_id": self.officer.id if step.role == "officer" else None,
            "done_at": done_at, "done_by_id": self.officer.id if done_at else None,
            "done_note": "Đã thực hiện" if done_at else "", "is_not_applicable": not_applicable,
            "na_reason": "Không áp dụng với sự cố này" if not_applicable else "",
            "updated_at": done_at or (plan.last_at if not_applicable else applied),
        }

    def _settle(self, plan: Plan, step, phase_start: datetime | None, applied: datetime):
        """Closed incidents settled every task; open ones finished some of the phases reached."""
        if plan.state == "closed":
            if step.required and (step.clock is None or self.rng.random() < 0.7):
                return self._done_time(plan, phase_start, applied), False
            return None, True
        if phase_start is not None and plan.state != "not_incident" and self.rng.random() < 0.6:
            return self._done_time(plan, phase_start, applied), False
        return None, False

    def _done_time(self, plan: Plan, phase_start: datetime | None, applied: datetime) -> datetime:
        start = max(phase_start or applied, applied)
        end = plan.last_at if plan.last_at > start else start + timedelta(hours=1)
        return min(start + (end - start) * self.rng.random(), self.seed.now)

    def _evidence(self) -> None:
        eligible = {plan.id: plan for plan, _p, _a in self.pinned if plan.category in WITH_EVIDENCE}.values()
        eligible = sorted(eligible, key=lambda plan: plan.state != "closed")  # the first one: a full record
        chosen = [plan for plan in eligible if self.seed.pick("evidence", self.rng, ((True, 1), (False, 99)))]
        for plan in chosen:
            acquired = min(plan.created_at + timedelta(hours=1), self.seed.now)
            name = f"nhat-ky-may-tram-{plan.id}.txt"
            stored = self.seed.add_file(self.commune.id, name, f"Nhật ký máy trạm, sự cố {plan.row['title']}",
                                        acquired, self.officer, content_type="text/plain")
            evidence_id = self.seed.insert_ids(Evidence, [{
                "incident_id": plan.id, "number": 1, "file_id": stored.id,
                "description": "Nhật ký máy trạm bị ảnh hưởng",
                "sha256": stored.sha256, "size": stored.size, "content_type": "text/plain", "filename": name,
                "acquired_at": acquired, "acquired_by": self.officer.name, "source": "Máy trạm bị ảnh hưởng",
                "created_at": acquired, "created_by_id": self.officer.id}])[0]
            self.seed.insert(CustodyEntry, [
                {"evidence_id": evidence_id, "at": acquired + timedelta(minutes=minutes), "action": action,
                 "from_person": "", "to_person": self.officer.name, "location": "Tủ hồ sơ Công an xã", "note": "",
                 "recorded_at": acquired + timedelta(minutes=minutes), "recorded_by_id": self.officer.id}
                for minutes, action in ((0, "acquired"), (30, "stored"))])
            self.log(plan, acquired, self.officer, "evidence", f"Thu thập chứng cứ CC-01: {name}", "create",
                     object_type="incident_evidence", object_id=evidence_id)

    def _attach_report_files(self) -> None:
        """One report in two hundred keeps the signed copy that was sent."""
        for report in self.reports:
            if self.rng.random() < 0.005:
                name = f"{report['reference_number'].replace('/', '-')}.pdf"
                report["file_id"] = self.seed.add_file(self.commune.id, name, f"Bao cao {report['reference_number']}",
                                                       report["sent_at"], self.officer).id


# --------------------------------------------------------------------------- drills

def add_practice_incident(seed: Seeder, commune: CommuneRef, title: str, category: str, started: datetime,
                          finished: datetime, number: int) -> int:
    """The practice incident of a finished drill (DT-…, negative number, never counted as real):
    taken through its path in the drill's hours, with the scenario's playbook and timed tasks."""
    rng = seed.rng(f"practice:{number}", commune.index)
    path = _path("closed", category, rng)
    step = (finished - started) / (len(path) + 1)
    steps = [(action, to, started + step * (n + 1)) for n, (action, to) in enumerate(path)]
    plan = Plan("closed", category, started, started, commune.user("officer"), steps)
    plan.row = {"year": started.astimezone(LEGAL_TZ).year, "number": number}
    plan.row = {**_incident_row(seed, commune, plan, rng), "title": f"[DIỄN TẬP] {title}"[:300], "is_drill": True,
                "description": f"Tình huống giả định: {title}.", "is_confidential": False}
    plan.id = seed.insert_ids(Incident, [plan.row])[0]
    writer = _Writer(seed, commune, rng)
    writer.log(plan, started, plan.reporter, "reported", f"Bắt đầu diễn tập: {title}", "create")
    playbook = next(iter(seed.response.playbooks_for(category)), None)
    if playbook:
        writer.pinned.append((plan, playbook, started))
    writer._tasks()
    seed.insert(TimelineEntry, writer.timeline)
    return plan.id
