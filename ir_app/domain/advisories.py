"""Rules of an advisory's life in a commune that need no database: its status at a given day, and
what an answer to one of its actions must contain."""
from __future__ import annotations

from datetime import date, datetime

# Status of one commune's copy, most advanced first. "overdue" wins over "acknowledged"/"new" once
# the deadline's day has passed without completion.
NEW, ACKNOWLEDGED, DONE, OVERDUE = "new", "acknowledged", "done", "overdue"
STATUS_LABELS = {NEW: "Chưa xác nhận", ACKNOWLEDGED: "Đã xác nhận, đang thực hiện", DONE: "Đã hoàn thành",
                 OVERDUE: "Quá hạn"}
RESPONSE_LABELS = {"done": "Đã thực hiện", "not_applicable": "Không áp dụng", "cannot": "Không thực hiện được"}
SEVERITY_LABELS = {"info": "Thông tin", "medium": "Trung bình", "high": "Cao", "urgent": "Khẩn cấp"}


def recipient_status(acknowledged_at: datetime | None, completed_at: datetime | None, deadline: date,
                     today: date) -> str:
    if completed_at is not None:
        return DONE
    if today > deadline:
        return OVERDUE
    return ACKNOWLEDGED if acknowledged_at is not None else NEW


def answer_problems(status: str, note: str, has_evidence: bool) -> dict[str, str]:
    """A "done" needs a word on what was done or a piece of evidence; the other answers need a reason."""
    if status not in RESPONSE_LABELS:
        return {"status": "Hãy chọn: đã thực hiện, không áp dụng hoặc không thực hiện được."}
    if status == "done" and not note.strip() and not has_evidence:
        return {"note": "Hãy ghi đã làm gì, hoặc đính kèm bằng chứng."}
    if status != "done" and not note.strip():
        return {"note": "Hãy ghi lý do."}
    return {}


def checklist(text: str) -> list[str]:
    """The actions typed one per line (list markers and blank lines dropped)."""
    actions = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•*").strip()
        if line:
            actions.append(line[:1000])
    return actions
