"""Reports sent to the authorities: recorded against a reporting clock, checked for time and content."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.models import Incident, IncidentReport
from ir_app.services.audit import Actor, diff
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.incidents.clocks import ClockStatus, incident_clocks
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.files import DEFAULT_MAX_BYTES, EVIDENCE, check_upload, save_upload
from ir_app.services.incidents.timeline import log_event
from ir_app.services.incidents.tasks import complete_clock_tasks
from ir_app.services.incidents.record import CLOCK_SKEW, DEFAULT_TZ, F, REPORT_CHANNELS


def report_fields(clocks: Iterable[ClockStatus]) -> list[FieldSpec]:
    rules = tuple((clock.rule.id, clock.rule.title) for clock in clocks)
    return [
        F("clock_rule_id", N_("Hoàn thành thời hạn"), "choice", choices=rules,
          help=N_("Để trống nếu văn bản không thuộc thời hạn nào.")),
        F("kind", N_("Loại văn bản"), "choice", choices=tuple(CLOCK_KIND_LABELS.items()),
          help=N_("Để trống: theo thời hạn đã chọn.")),
        F("sent_at", N_("Thời điểm gửi"), "datetime", required=True),
        F("channel", N_("Hình thức gửi"), "choice", required=True, choices=REPORT_CHANNELS),
        F("reference_number", N_("Số, ký hiệu văn bản"), max_length=100),
        F("recipient", N_("Nơi nhận"), max_length=300, help=N_("Để trống: theo quy định của thời hạn.")),
        F("notes", N_("Ghi chú"), "textarea", max_length=5000),
        F("late_reason", N_("Lý do chậm (nếu gửi sau thời hạn)"), "textarea", max_length=5000),
    ]


def record_report(session: Session, actor: Actor, incident: Incident, raw: dict[str, Any], now: datetime,
                  data: ResponseData, upload: tuple[str, bytes] | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES, tz: tzinfo = DEFAULT_TZ) -> IncidentReport:
    """Record a notice or report sent; one tied to a clock completes it (and its playbook tasks)."""
    clocks = incident_clocks(incident, data, now)
    values, errors = parse_record(report_fields(clocks), raw)
    clock = next((item for item in clocks if item.rule.id == values.get("clock_rule_id")), None)
    if not errors:
        errors.update(_report_problems(incident, values, clock, now, tz))
    checked = None
    if upload is not None and not errors:
        try:
            checked = check_upload(upload[1], upload[0], max_bytes, kind=EVIDENCE)
        except ValidationFailed as failure:
            errors.update(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    report = IncidentReport(
        incident_id=incident.id, clock_rule_id=clock.rule.id if clock else None,
        kind=values["kind"] or clock.rule.kind, sent_at=values["sent_at"], channel=values["channel"],
        reference_number=values["reference_number"], recipient=values["recipient"] or clock.rule.recipient,
        notes=values["notes"], late_reason=values["late_reason"], recorded_at=now, recorded_by_id=actor.user_id)
    if checked is not None:
        report.file_id = save_upload(session, actor, incident.commune_id, checked, now).id
    session.add(report)
    session.flush()
    session.refresh(incident, ["reports"])
    label = CLOCK_KIND_LABELS[report.kind]
    number = f" số {report.reference_number}" if report.reference_number else ""
    if clock:
        complete_clock_tasks(session, actor, incident, clock.rule.id, f"Đã gửi {label}{number}.", now)
    channel = dict(REPORT_CHANNELS)[report.channel].lower()
    log_event(session, actor, incident, now, "report", f"Đã gửi {label}{number} tới {report.recipient} ({channel})",
              at=report.sent_at, action="create", object_type="incident_report", object_id=report.id,
              changes=diff({}, {**values, "clock_rule_id": report.clock_rule_id}))
    return report


def _report_problems(incident: Incident, values: dict[str, Any], clock: ClockStatus | None, now: datetime,
                     tz: tzinfo) -> dict[str, str]:
    problems = {}
    if clock is None and not values["kind"]:
        problems["kind"] = "Chọn loại văn bản (hoặc chọn thời hạn mà văn bản này hoàn thành)."
    if clock is None and not values["recipient"]:
        problems["recipient"] = "Ghi nơi nhận."
    sent_at = values["sent_at"]
    if sent_at > now + CLOCK_SKEW:
        problems["sent_at"] = "Thời điểm gửi không được ở tương lai."
    elif sent_at < incident.detected_at:
        problems["sent_at"] = "Thời điểm gửi không được trước thời điểm phát hiện sự cố."
    elif clock is not None and sent_at > clock.due_at and not values["late_reason"]:
        due = clock.due_at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
        problems["late_reason"] = f"Gửi sau thời hạn ({due}): ghi lý do chậm."
    return problems
