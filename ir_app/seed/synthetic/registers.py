"""What a commune keeps beside its dossiers (round 11): each system's risk register (and the
detailed assessment of its most important systems), people's phone channels for reminders, and a
drill a year."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from ir_app.config import bundled_root
from ir_app.models import ChannelDelivery, ChannelEndpoint, Drill, Risk, RiskAssessment, RiskMeasure
from ir_app.seed.synthetic.incidents import add_practice_incident
from ir_app.seed.synthetic.operations import HANOI, local
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder, SystemRef
from ir_app.services.measures.library import load_starter_library
from ir_app.services.risks.library import load_risk_library

ACCEPT_REASON = "Chi phí khắc phục vượt ngân sách năm nay; theo dõi hằng quý"
DRILL_SCENARIOS = (("phishing", "Thư giả mạo yêu cầu đăng nhập thư công vụ"),
                   ("ransomware", "Mã độc tống tiền trên máy tiếp nhận hồ sơ"),
                   ("defacement", "Cổng thông tin bị thay giao diện"))
DRILL_GAPS = "Chưa có danh bạ liên hệ nhà mạng ngoài giờ\nSao lưu chưa được khôi phục thử trên máy dự phòng"


def add_registers(seed: Seeder, commune: CommuneRef) -> None:
    rng = seed.rng("registers", commune.index)
    _add_risks(seed, commune, rng)
    _add_assessments(seed, commune, rng)
    _add_channels(seed, commune, rng)
    _add_drills(seed, commune, rng)


# --------------------------------------------------------------------------- risks

def _add_risks(seed: Seeder, commune: CommuneRef, rng) -> None:
    """Three to five threats of the catalogue per system, rated, mostly reduced by the commune's
    measures; one in ten accepted by the chairman until a date (some run out within the month)."""
    root = bundled_root() / "level_dossiers"
    library = load_risk_library(root)
    mitigating = load_starter_library(root, seed.law.catalogue).mitigating
    officer = commune.user("officer")
    rows, treating = [], []
    for system in commune.systems:
        fitting = [t for t in library.threats.threats if system.template.system_type in t.assets] \
            or list(library.threats.threats)
        for threat in rng.sample(fitting, min(len(fitting), rng.randint(3, 5))):
            measures = [commune.measures[m.id] for m in mitigating(threat.id) if m.id in commune.measures]
            rows.append(_risk_row(seed, commune, system, threat, measures, rng))
            treating.append([measure_id for measure_id, _status in measures])
    ids = seed.insert_ids(Risk, rows)
    seed.insert(RiskMeasure, [{"risk_id": risk_id, "measure_id": measure_id}
                              for risk_id, row, measure_ids in zip(ids, rows, treating)
                              if row["treatment"] == "reduce" for measure_id in measure_ids])
    for risk_id, row in zip(ids, rows):
        seed.audit(row["created_at"], officer.actor, "create", "risk", risk_id, commune.id,
                   f"{row['asset'][:60]}: {row['title'][:150]} (đề xuất từ danh mục)")


def _risk_row(seed: Seeder, commune: CommuneRef, system: SystemRef, threat, measures, rng) -> dict[str, Any]:
    library = load_risk_library(bundled_root() / "level_dossiers").threats
    created = seed.now - timedelta(days=rng.randint(30, 400))
    accepted = rng.random() < 0.1
    in_place = sum(status == "in_place" for _id, status in measures)
    lower = 0 if accepted else min(2, in_place)
    return {
        "commune_id": commune.id, "system_id": system.id, "threat_id": threat.id, "threat_library": library.id,
        "threat_library_version": library.version, "title": threat.title, "description": threat.description,
        "asset": system.name, "component_id": None, "likelihood": threat.likelihood, "impact": threat.impact,
        "treatment": "accept" if accepted else "reduce",
        "treatment_note": "" if measures or accepted else "Chưa có biện pháp của xã xử lý nguy cơ này: cần bổ sung.",
        "residual_likelihood": max(1, threat.likelihood - lower), "residual_impact": threat.impact,
        "owner_id": commune.user(rng.choice(("officer", "staff"))).id,
        "review_on": (created + timedelta(days=365)).astimezone(HANOI).date(),
        "accepted_by": commune.user("approver").name if accepted else "",
        "accepted_reason": ACCEPT_REASON if accepted else "",
        "accepted_until": _local_day(seed.now) + timedelta(days=rng.randint(-20, 200)) if accepted else None,
        "created_at": created, "updated_at": created + timedelta(days=rng.randint(0, 20)),
        "created_by_id": commune.user("officer").id, "version": 1}


def _add_assessments(seed: Seeder, commune: CommuneRef, rng) -> None:
    """The detailed assessment (Đ22.5) of the systems proposed at level 3 or more, now and then."""
    chosen = [system for system in commune.systems
              if (system.story.proposed_level or system.level) >= 3 and rng.random() < 0.3]
    rows = [{"commune_id": commune.id, "system_id": system.id,
             "connected_systems": "Cổng dịch vụ công quốc gia\nCơ sở dữ liệu quốc gia về dân cư",
             "attack_note": "Tấn công dò mật khẩu vào tài khoản quản trị từ Internet",
             "impact_scope": "Người dân toàn xã không nộp được hồ sơ trực tuyến",
             "availability_24x7": "Không yêu cầu 24/7; khôi phục trong giờ hành chính",
             "assessed_on": _local_day(seed.now) - timedelta(days=rng.randint(10, 300)),
             "assessor": "Công an xã", "updated_at": seed.now - timedelta(days=rng.randint(1, 9)), "version": 1}
            for system in chosen]
    ids = seed.insert_ids(RiskAssessment, rows)
    for assessment_id, system, row in zip(ids, chosen, rows):
        seed.audit(row["updated_at"], commune.user("officer").actor, "create", "risk_assessment", assessment_id,
                   commune.id, f"Đánh giá rủi ro chi tiết: {system.name[:150]}")


# --------------------------------------------------------------------------- phone channels

def _add_channels(seed: Seeder, commune: CommuneRef, rng) -> None:
    """The officer's Telegram in four communes of ten, a staff member's Zalo in two, the commune's
    Telegram group in three; each already carried recent reminders (sent, a few failed). No webhook
    and nothing pending: a benchmark's scheduler must not call out of the machine."""
    owners = []
    if rng.random() < 0.4:
        owners.append(("telegram", str(rng.randint(10**8, 10**9)), "Điện thoại Công an xã", "officer", ""))
    if rng.random() < 0.2:
        owners.append(("zalo", f"{rng.getrandbits(60)}", "Zalo văn phòng", "staff", "incidents,checks"))
    if rng.random() < 0.3:
        owners.append(("telegram", f"-100{rng.randint(10**9, 10**10)}", "Nhóm trực an ninh mạng xã", None, ""))
    rows = [{"kind": kind, "label": label, "user_id": commune.user(key).id if key else None,
             "commune_id": None if key else commune.id, "address": address, "secret": "", "topics": topics,
             "enabled": rng.random() < 0.95, "created_at": seed.now - timedelta(days=rng.randint(20, 200))}
            for kind, address, label, key, topics in owners]
    ids = seed.insert_ids(ChannelEndpoint, rows)
    deliveries = []
    for endpoint_id, row in zip(ids, rows):
        seed.audit(row["created_at"], commune.user("officer").actor, "create", "channel_endpoint", endpoint_id,
                   row["commune_id"], f"{row['kind']} {row['label']}")
        for number in range(rng.randint(3, 12)):
            created = seed.now - timedelta(hours=rng.uniform(2, 24 * 20))
            failed = rng.random() < 0.05
            deliveries.append({
                "dedup_key": f"synthetic:channel:{endpoint_id}:{number}", "endpoint_id": endpoint_id,
                "commune_id": commune.id, "kind": "backup_overdue", "subject": "Sao lưu quá hạn", "body": "",
                "link": "/backups/", "created_at": created, "status": "failed" if failed else "sent",
                "attempts": 8 if failed else 1, "next_attempt_at": created,
                "last_error": "Telegram: chat not found" if failed else "",
                "sent_at": None if failed else created + timedelta(seconds=rng.randint(5, 90))})
    seed.insert(ChannelDelivery, deliveries)


# --------------------------------------------------------------------------- drills

def _add_drills(seed: Seeder, commune: CommuneRef, rng) -> None:
    """Six communes in ten drill once a year: past drills finished (practice incident, what worked,
    gaps); this year's is done, running or still planned."""
    if not seed.pick("drilling", rng, ((True, 6), (False, 4))):
        return
    today = _local_day(seed.now)
    numbers: dict[int, int] = {}
    rows = []
    for year in range(today.year - 2, today.year + 1):
        category, scenario = rng.choice(DRILL_SCENARIOS)
        planned = date(year, rng.randint(3, 10), rng.randint(1, 28))
        if year == today.year and seed.pick("drill-this-year", rng, (("planned", 1), ("done", 2))) == "planned":
            planned = today + timedelta(days=rng.randint(5, 30))
        started = local(planned, time(8, 30)) if planned < today else None
        finished = started + timedelta(hours=rng.uniform(2, 4)) if started else None
        if finished and finished > seed.now:
            finished = None
        incident_id = None
        if finished:
            numbers[year] = numbers.get(year, 0) - 1
            incident_id = add_practice_incident(seed, commune, scenario, category, started, finished, numbers[year])
        rows.append({"commune_id": commune.id, "title": f"Diễn tập năm {year}: {scenario}", "playbook_id": "",
                     "planned_on": planned, "participants": "Công an xã, Văn phòng HĐND và UBND, bộ phận một cửa",
                     "objectives": "Kiểm tra thời gian phát hiện, báo cáo và khôi phục", "incident_id": incident_id,
                     "started_at": started if finished else None, "finished_at": finished,
                     "what_worked": "Phát hiện và báo cáo trong 30 phút" if finished else "",
                     "gaps": DRILL_GAPS if finished else "",
                     "created_at": min(local(planned, time(9)) - timedelta(days=30), seed.now - timedelta(days=1)),
                     "version": 1,
                     "_category": category})
    for row in rows:
        playbook = next(iter(seed.response.playbooks_for(row.pop("_category"))), None)
        row["playbook_id"] = playbook.id if playbook else "phishing"
    ids = seed.insert_ids(Drill, rows)
    for drill_id, row in zip(ids, rows):
        seed.audit(row["created_at"], commune.user("officer").actor, "create", "drill", drill_id, commune.id,
                   f"lập kế hoạch diễn tập «{row['title']}»")


def _local_day(moment: datetime) -> date:
    return moment.astimezone(HANOI).date()
