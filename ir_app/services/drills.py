"""Diễn tập: plan a drill on a playbook, run it as a practice incident whose tasks are timed, record
what worked and the gaps, and report it (DOCX, NĐ 30 format). A drill never counts as a real
incident: see `Incident.is_drill`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.domain.text import clean_text
from ir_app.i18n_markers import N_
from ir_app.models import Organisation, User
from ir_app.models.drills import Drill
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ServiceError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.record import open_practice_incident
from ir_app.services.incidents.tasks import apply_playbook
from ir_app.services.records import check_version

F = FieldSpec


def plan_fields(data: ResponseData) -> list[FieldSpec]:
    playbooks = tuple((key, playbook.title) for key, playbook in sorted(data.playbooks.items())
                      if playbook.status == "active")
    return [
        F("title", N_("Tên cuộc diễn tập"), required=True, max_length=300),
        F("playbook_id", N_("Tình huống (kịch bản ứng phó)"), "choice", required=True, choices=playbooks),
        F("planned_on", N_("Ngày diễn tập"), "date", required=True),
        F("participants", N_("Thành phần tham gia"), "textarea", max_length=5000),
        F("objectives", N_("Mục tiêu"), "textarea", max_length=5000),
    ]


RESULT_FIELDS = [
    F("what_worked", N_("Những việc làm tốt"), "textarea", max_length=10000),
    F("gaps", N_("Tồn tại, cần khắc phục (mỗi dòng một việc)"), "textarea", max_length=10000),
]


def plan(session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any], data: ResponseData,
         now: datetime) -> Drill:
    values, errors = parse_record(plan_fields(data), raw)
    if errors:
        raise ValidationFailed(errors)
    drill = Drill(commune_id=commune.id, created_at=now, **values)
    session.add(drill)
    session.flush()
    _audit(session, actor, "create", drill, now, f"lập kế hoạch diễn tập «{drill.title}»")
    return drill


def start(session: Session, actor: Actor, drill: Drill, starter: User, now: datetime, data: ResponseData,
          tz: tzinfo) -> Drill:
    """Open the practice incident and turn the scenario's playbook into its timed task list."""
    if drill.started_at is not None:
        raise ServiceError("Cuộc diễn tập này đã bắt đầu.")
    playbook = data.playbooks.get(drill.playbook_id)
    scenario = playbook.title if playbook else drill.playbook_id
    incident = open_practice_incident(session, actor, starter, drill.commune, f"[DIỄN TẬP] {drill.title}",
                                      f"Tình huống giả định: {scenario}.\n{drill.objectives}".strip(), now, data, tz)
    apply_playbook(session, actor, incident, drill.playbook_id, now, data)
    drill.incident, drill.started_at = incident, now
    session.flush()
    _audit(session, actor, "start", drill, now, f"bắt đầu diễn tập, sự cố giả định {incident.code}")
    return drill


def finish(session: Session, actor: Actor, drill: Drill, raw: dict[str, Any], now: datetime,
           expected_version: int | None = None) -> Drill:
    if drill.started_at is None:
        raise ServiceError("Hãy bắt đầu cuộc diễn tập trước khi ghi kết quả.")
    check_version(drill, expected_version)
    values, errors = parse_record(RESULT_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    drill.what_worked, drill.gaps = values["what_worked"], values["gaps"]
    drill.finished_at = drill.finished_at or now
    session.flush()
    _audit(session, actor, "finish", drill, now, "ghi kết quả diễn tập")
    return drill


@dataclass(frozen=True)
class TaskTiming:
    """One task of the practice: the playbook's target, the time it took, and whether it was met."""

    position: int
    title: str
    target: timedelta | None
    taken: timedelta | None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.taken is None:
            return None
        return self.taken <= self.target


def timings(drill: Drill) -> list[TaskTiming]:
    incident = drill.incident
    if incident is None:
        return []
    start_at = drill.started_at
    return [TaskTiming(task.position, task.title,
                       timedelta(seconds=task.due_within_seconds) if task.due_within_seconds else None,
                       task.done_at - start_at if task.done_at else None) for task in incident.tasks]


def gap_lines(drill: Drill) -> list[str]:
    return [line.strip(" -•\t") for line in clean_text(drill.gaps).splitlines() if line.strip(" -•\t")]


def drills_of(session: Session, commune_id: int) -> list[Drill]:
    return list(session.scalars(select(Drill).where(Drill.commune_id == commune_id)
                                .order_by(Drill.planned_on.desc(), Drill.id.desc())))


def _audit(session: Session, actor: Actor, action: str, drill: Drill, now: datetime, summary: str) -> None:
    audit.record(session, actor, action, now=now, object_type="drill", object_id=drill.id,
                 commune_id=drill.commune_id, summary=summary)


# --- The result report (DOCX) -----------------------------------------------------------------------

def _span(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes:02d} phút" if hours else f"{minutes} phút"


def report_context(drill: Drill, data: ResponseData, now: datetime, tz: tzinfo) -> dict[str, Any]:
    from ir_app.documents.names import commune_names, in_sentence
    from ir_app.services.incidents import documents as incident_documents

    commune = drill.commune
    province = commune.parent.name if commune.parent else ""
    names = commune_names(commune.commune_type, commune.name)
    playbook = data.playbooks.get(drill.playbook_id)
    rows = timings(drill)
    judged = [row for row in rows if row.met is not None]
    met = sum(1 for row in judged if row.met)
    return {
        **incident_documents.title_block(commune, now, tz),
        "subtitle": drill.title,
        "addressee": f"Công an {in_sentence(province)} (PA05)" if province else "Công an tỉnh (PA05)",
        "drill": {
            "when": f"{incident_documents.local_time(drill.started_at, tz)} – "
                    f"{incident_documents.local_time(drill.finished_at, tz) if drill.finished_at else 'chưa kết thúc'}",
            "scenario": playbook.title if playbook else drill.playbook_id,
            "code": drill.incident.code if drill.incident else "—",
            "participants": drill.participants or "—", "objectives": drill.objectives or "—",
            "what_worked": drill.what_worked or "—",
        },
        "timings": [{"position": row.position, "title": row.title, "target": _span(row.target),
                     "taken": _span(row.taken) if row.taken is not None else "chưa xong",
                     "result": {True: "Đạt", False: "Chậm", None: "—"}[row.met]} for row in rows],
        "timing_summary": (f"Đạt chỉ tiêu thời gian {met}/{len(judged)} việc có chỉ tiêu; "
                           f"hoàn thành {sum(1 for row in rows if row.taken is not None)}/{len(rows)} việc."),
        "gaps": gap_lines(drill),
        "recipients": ["Như trên;", f"Chủ tịch {names.committee_short} (để chỉ đạo);", "Lưu: VT."],
        "generated_at": now,
        "doc_title": f"Báo cáo kết quả diễn tập – {drill.title}",
        "doc_author": incident_documents.owner_name(commune),
    }
