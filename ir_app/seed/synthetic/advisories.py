"""What the province (PA05) sent its communes: advisories with a checklist and report requests
(báo cáo đột xuất) with questions, each commune's copy in every state — new, acknowledged,
answered in part, completed, overdue."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from ir_app.models import Advisory, AdvisoryAction, AdvisoryRecipient, AdvisoryResponse
from ir_app.seed.synthetic.operations import HANOI
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder, UserRef

# (kind, severity, title, actions, days ago issued, days given)
ISSUED = (
    ("advisory", "urgent", "Lỗ hổng nghiêm trọng trên phần mềm một cửa điện tử",
     ("Cập nhật bản vá do nhà cung cấp phát hành", "Đổi mật khẩu tài khoản quản trị",
      "Kiểm tra nhật ký truy cập 30 ngày gần nhất"), 120, 7),
    ("advisory", "high", "Chiến dịch thư giả mạo mạo danh cơ quan thuế",
     ("Phổ biến cảnh báo tới toàn thể cán bộ", "Chặn tên miền giả mạo trên tường lửa"), 45, 14),
    ("report_request", "medium", "Báo cáo đột xuất tình hình bảo đảm an toàn hệ thống thông tin",
     ("Số hệ thống đã được phê duyệt cấp độ", "Các sự cố trong quý và cách xử lý", "Kiến nghị, đề xuất"), 20, 15),
    ("advisory", "medium", "Rà soát sao lưu trước đợt mưa bão",
     ("Kiểm tra bản sao lưu gần nhất khôi phục được", "Di chuyển thiết bị khỏi khu vực dễ ngập"), 3, 10),
)
ANSWERS = {"done": "Đã thực hiện, có biên bản kèm theo", "not_applicable": "Xã không sử dụng sản phẩm này",
           "cannot": "Chưa có kinh phí, đề nghị tỉnh hỗ trợ"}


def add_advisories(seed: Seeder, province_id: int, overseer: UserRef, communes: list[CommuneRef]) -> None:
    rng = seed.rng("advisories")
    today = seed.now.astimezone(HANOI).date()
    rows = [{"province_id": province_id, "kind": kind, "number": f"{100 + n}/CAT-PA05", "title": title,
             "content": f"Công an tỉnh đề nghị UBND các xã, phường thực hiện: {title.lower()}.", "severity": severity,
             "concerns": "", "playbook": "", "deadline": today - timedelta(days=ago) + timedelta(days=given),
             "attachment_id": None, "issued_at": seed.now - timedelta(days=ago, hours=rng.uniform(0, 6)),
             "issued_by_id": overseer.id}
            for n, (kind, severity, title, _actions, ago, given) in enumerate(ISSUED, 1)]
    ids = seed.insert_ids(Advisory, rows)
    actions = [(advisory_id, position, text) for advisory_id, issued in zip(ids, ISSUED)
               for position, text in enumerate(issued[3], 1)]
    action_ids = seed.insert_ids(AdvisoryAction, [{"advisory_id": a, "position": p, "text": t} for a, p, t in actions])
    for advisory_id, row in zip(ids, rows):
        seed.audit(row["issued_at"], overseer.actor, "issue", "advisory", advisory_id, None,
                   f"{row['number']}: {row['title']} → {len(communes)} xã")
        asked = [action_id for action_id, (owner, _p, _t) in zip(action_ids, actions) if owner == advisory_id]
        _add_copies(seed, advisory_id, row, asked, communes, rng)


def _add_copies(seed: Seeder, advisory_id: int, advisory: dict[str, Any], action_ids: list[int],
                communes: list[CommuneRef], rng) -> None:
    """Every commune's copy: older advisories mostly completed, the newest mostly unread."""
    age = (seed.now - advisory["issued_at"]).days
    copies, answered = [], []
    for commune in communes:
        answerer = commune.user(rng.choice(("officer", "staff")))
        stage = rng.choices(("new", "acknowledged", "partly", "done"),
                            (5, 10, 10, 75) if age > 30 else (40, 35, 15, 10))[0]
        seen = advisory["issued_at"] + timedelta(hours=rng.uniform(1, 48))
        seen = min(seen, seed.now - timedelta(minutes=5))
        count = {"new": 0, "acknowledged": 0, "partly": max(1, len(action_ids) - 1), "done": len(action_ids)}[stage]
        finished = min(seen + timedelta(days=rng.uniform(0.5, age or 1)), seed.now) if stage == "done" else None
        copies.append({"advisory_id": advisory_id, "commune_id": commune.id,
                       "acknowledged_at": seen if stage != "new" else None,
                       "acknowledged_by_id": answerer.id if stage != "new" else None, "completed_at": finished,
                       "incident_id": None, "version": 1 + count})
        answered.append((commune, answerer, action_ids[:count], seen, finished))
    ids = seed.insert_ids(AdvisoryRecipient, copies)
    responses = []
    for recipient_id, copy, (commune, answerer, chosen, seen, finished) in zip(ids, copies, answered):
        if copy["acknowledged_at"] is None:
            continue
        seed.audit(seen, answerer.actor, "acknowledge", "advisory", advisory_id, commune.id,
                   f"{advisory['number']}: đã xác nhận")
        for action_id in chosen:
            status = "done" if advisory["kind"] == "report_request" else \
                rng.choices(tuple(ANSWERS), (85, 10, 5))[0]
            at = min(finished or seen + timedelta(hours=rng.uniform(1, 24)), seed.now)
            responses.append({"recipient_id": recipient_id, "action_id": action_id, "status": status,
                              "note": ANSWERS[status], "evidence_id": None, "recorded_at": at,
                              "recorded_by_id": answerer.id})
            seed.audit(at, answerer.actor, "answer", "advisory", advisory_id, commune.id,
                       f"{advisory['number']}: việc {action_ids.index(action_id) + 1}")
    seed.insert(AdvisoryResponse, responses)
