"""Backup plans, recorded runs and restore tests."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.domain.backups import (
    DestinationKind,
    Frequency,
    Method,
    RunResult,
    ScheduleError,
    parse_size,
    schedule_spec,
)
from ir_app.models import InformationSystem, User
from ir_app.models.backups import BackupPlan, BackupRun, RestoreTest
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.backups.due import refresh_due
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.records import check_version, snapshot

METHOD_CHOICES = (
    (Method.FULL.value, N_("Toàn bộ (full)")),
    (Method.INCREMENTAL.value, N_("Gia tăng (incremental)")),
    (Method.IMAGE.value, N_("Ảnh đĩa / máy ảo (image)")),
    (Method.EXPORT.value, N_("Xuất dữ liệu (export)")),
)
FREQUENCY_CHOICES = (
    (Frequency.DAILY.value, N_("Hằng ngày")),
    (Frequency.WEEKLY.value, N_("Hằng tuần")),
    (Frequency.MONTHLY.value, N_("Hằng tháng")),
    (Frequency.CRON.value, N_("Theo quy tắc (kiểu cron)")),
)
WEEKDAY_CHOICES = tuple((str(n), label) for n, label in enumerate(
    (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"), N_("Thứ Bảy"), N_("Chủ nhật"))))
RESULT_CHOICES = ((RunResult.OK.value, N_("Thành công")), (RunResult.PARTIAL.value, N_("Một phần")),
                  (RunResult.FAILED.value, N_("Thất bại")))
DESTINATION_LABELS = {
    DestinationKind.ON_SITE.value: N_("Tại trụ sở"),
    DestinationKind.OFF_SITE.value: N_("Ngoài trụ sở"),
    DestinationKind.OFFLINE.value: N_("Ngoại tuyến (ngắt kết nối)"),
    DestinationKind.CLOUD.value: N_("Đám mây"),
}
SOURCE_LABELS = {"manual": N_("Nhập tay"), "cli": N_("Dòng lệnh"), "api": N_("Tập lệnh sao lưu (API)")}

F = FieldSpec
PLAN_FIELDS: list[FieldSpec] = [
    F("name", N_("Tên phương án sao lưu"), required=True, max_length=200,
      help=N_("Ví dụ: Sao lưu CSDL một cửa hằng đêm.")),
    F("scope", N_("Dữ liệu được sao lưu"), "textarea", max_length=5000),
    F("method", N_("Hình thức"), "choice", required=True, choices=METHOD_CHOICES, default=Method.FULL.value),
    F("frequency", N_("Tần suất"), "choice", required=True, choices=FREQUENCY_CHOICES, default=Frequency.DAILY.value),
    F("time_of_day", N_("Giờ sao lưu (giờ Việt Nam)"), max_length=5, default="22:00",
      help=N_("Dạng HH:MM, ví dụ 22:00.")),
    F("weekday", N_("Thứ (sao lưu hằng tuần)"), "choice", choices=WEEKDAY_CHOICES),
    F("day_of_month", N_("Ngày trong tháng (sao lưu hằng tháng, 1–28)"), "int", minimum=1, maximum=28),
    F("cron", N_("Quy tắc lịch kiểu cron"), max_length=100,
      help=N_("Năm trường: phút giờ ngày tháng thứ, ví dụ «30 22 * * 1-5» = 22:30 từ thứ Hai đến thứ Sáu.")),
    F("grace_hours", N_("Thời gian chờ trước khi coi là quá hạn (giờ)"), "int", maximum=24 * 31, default=12),
    F("retention_days", N_("Thời gian giữ bản sao (ngày)"), "int", maximum=36500, default=30),
    F("dest_on_site", N_("Bản sao tại trụ sở — mô tả"), help=N_("Ví dụ: NAS phòng máy chủ. Để trống nếu không có.")),
    F("dest_off_site", N_("Bản sao ngoài trụ sở — mô tả")),
    F("dest_offline", N_("Bản sao ngoại tuyến — mô tả"), help=N_("Ổ cứng rời cất tủ, băng từ… không nối mạng.")),
    F("dest_cloud", N_("Bản sao trên đám mây — mô tả")),
    F("is_encrypted", N_("Bản sao được mã hóa"), "bool"),
    F("encryption_detail", N_("Cách mã hóa, nơi giữ khóa")),
    F("rpo_hours", N_("RPO — mất dữ liệu tối đa chấp nhận được (giờ)"), "int", maximum=24 * 366),
    F("rto_hours", N_("RTO — thời gian khôi phục tối đa (giờ)"), "int", maximum=24 * 366),
    F("restore_test_interval_months", N_("Khôi phục thử ít nhất mỗi (tháng)"), "int", minimum=1, maximum=60, default=6),
    F("is_active", N_("Đang áp dụng"), "bool", default=True),
]
DESTINATION_FIELDS = {f"dest_{kind}": kind for kind in DESTINATION_LABELS}
OPTIONAL_INTS = ("day_of_month", "rpo_hours", "rto_hours")
PLAN_COLUMNS = [name for name in (spec.name for spec in PLAN_FIELDS) if name not in DESTINATION_FIELDS]

RUN_FIELDS: list[FieldSpec] = [
    F("ran_at", N_("Thời điểm sao lưu (giờ Việt Nam)"), required=True, max_length=20),
    F("result", N_("Kết quả"), "choice", required=True, choices=RESULT_CHOICES, default=RunResult.OK.value),
    F("size", N_("Dung lượng"), max_length=30, help=N_("Ví dụ 1,5 GB hoặc 700 MB.")),
    F("notes", N_("Ghi chú"), "textarea", max_length=2000),
]
RESTORE_FIELDS: list[FieldSpec] = [
    F("tested_on", N_("Ngày khôi phục thử"), "date", required=True),
    F("result", N_("Kết quả"), "choice", required=True, choices=RESULT_CHOICES, default=RunResult.OK.value),
    F("minutes_to_restore", N_("Thời gian khôi phục (phút)"), "int", maximum=60 * 24 * 31),
    F("notes", N_("Ghi chú (dữ liệu nào đã khôi phục, kiểm tra ra sao)"), "textarea", max_length=2000),
]


# --- Plans --------------------------------------------------------------------------------------

def validate_plan_values(raw: dict[str, Any]) -> dict[str, Any]:
    values, errors = parse_record(PLAN_FIELDS, raw)
    for name in OPTIONAL_INTS:
        if name not in errors and str(raw.get(name) or "").strip() == "":
            values[name] = None
    if errors:
        raise ValidationFailed(errors)
    values["weekday"] = int(values["weekday"]) if values["weekday"] not in (None, "") else None
    values["time_of_day"] = values["time_of_day"] or "22:00"
    try:
        schedule_spec(values["frequency"], values["time_of_day"], values["weekday"], values["day_of_month"],
                      values["cron"])
    except ScheduleError as error:
        raise ValidationFailed({_schedule_field(values["frequency"], str(error)): str(error)}) from error
    values["destinations"] = [{"kind": kind, "description": values.pop(name)}
                              for name, kind in DESTINATION_FIELDS.items() if values[name]]
    for name in DESTINATION_FIELDS:
        values.pop(name, None)
    return values


def _schedule_field(frequency: str, message: str) -> str:
    if frequency == Frequency.CRON:
        return "cron"
    if "HH:MM" in message:
        return "time_of_day"
    return {"weekly": "weekday", "monthly": "day_of_month"}.get(frequency, "frequency")


def form_values_of(plan: BackupPlan) -> dict[str, Any]:
    """A plan's values as the form shows them (destinations spread into their four fields)."""
    values = snapshot(plan, PLAN_COLUMNS)
    by_kind = {item["kind"]: item["description"] for item in plan.destinations or []}
    values.update({name: by_kind.get(kind, "") for name, kind in DESTINATION_FIELDS.items()})
    return values


def _responsible(session: Session, commune_id: int, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    if not 0 < user_id < 2**31:
        raise ValidationFailed({"responsible_user_id": "Người phụ trách không hợp lệ."})
    user = session.get(User, user_id)
    if user is None or user.organisation_id != commune_id or not user.is_active:
        raise ValidationFailed({"responsible_user_id": "Người phụ trách phải là tài khoản đang hoạt động của xã."})
    return user.id


def create_plan(session: Session, actor: Actor, system: InformationSystem, raw: dict[str, Any], now: datetime,
                responsible_user_id: int | None = None) -> BackupPlan:
    values = validate_plan_values(raw)
    plan = BackupPlan(system_id=system.id, commune_id=system.commune_id, starts_at=now, created_at=now,
                      updated_at=now, responsible_user_id=_responsible(session, system.commune_id,
                                                                       responsible_user_id), **values)
    session.add(plan)
    session.flush()
    refresh_due(session, [plan])
    audit.record(session, actor, "create", now=now, object_type="backup_plan", object_id=plan.id,
                 commune_id=plan.commune_id, summary=f"{system.name}: {plan.name}",
                 changes=audit.diff({}, dict(values, responsible_user_id=plan.responsible_user_id)))
    return plan


def update_plan(session: Session, actor: Actor, plan: BackupPlan, raw: dict[str, Any], now: datetime,
                expected_version: int | None, responsible_user_id: int | None = None) -> BackupPlan:
    check_version(plan, expected_version)
    values = validate_plan_values(raw)
    before = dict(snapshot(plan, PLAN_COLUMNS), destinations=plan.destinations,
                  responsible_user_id=plan.responsible_user_id)
    schedule_changed = any(before[name] != values[name]
                           for name in ("frequency", "time_of_day", "weekday", "day_of_month", "cron"))
    for name, value in values.items():
        setattr(plan, name, value)
    plan.responsible_user_id = _responsible(session, plan.commune_id, responsible_user_id)
    if schedule_changed or (values["is_active"] and not before["is_active"]):
        plan.starts_at = now  # a new schedule is not overdue for times of the old one
    changes = audit.diff(before, dict(values, responsible_user_id=plan.responsible_user_id))
    if changes:  # saved unchanged: no new time, no new version
        plan.updated_at = now
    session.flush()
    refresh_due(session, [plan])  # schedule, grace, start, activity or test interval may have moved
    audit.record(session, actor, "update", now=now, object_type="backup_plan", object_id=plan.id,
                 commune_id=plan.commune_id, summary=plan.name, changes=changes)
    return plan


# --- Runs and restore tests ------------------------------------------------------------------------

def parse_local_datetime(text: str, zone: tzinfo) -> datetime:
    """'2026-11-26T22:05' (a datetime-local input) or '26/11/2026 22:05', read as local time."""
    text = (text or "").strip()[:40]
    moment = None
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            moment = datetime.strptime(text, pattern).replace(tzinfo=zone)
            break
        except ValueError:
            continue
    if moment is None:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("Thời điểm phải theo dạng dd/mm/yyyy HH:MM.") from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    if not 2000 <= moment.year <= 2999:
        raise ValueError("Thời điểm không hợp lệ (năm phải từ 2000).")
    return moment.astimezone(timezone.utc)


def record_run(session: Session, actor: Actor, plan: BackupPlan, *, result: str, ran_at: datetime,
               now: datetime, size_bytes: int | None = None, notes: str = "", source: str = "manual") -> BackupRun:
    if result not in {r.value for r in RunResult}:
        raise ValidationFailed({"result": "Kết quả phải là ok, partial hoặc failed."})
    if ran_at > now + timedelta(minutes=5):
        raise ValidationFailed({"ran_at": "Thời điểm sao lưu không được ở tương lai."})
    if size_bytes is not None and size_bytes < 0:
        raise ValidationFailed({"size": "Dung lượng không được âm."})
    run = BackupRun(plan_id=plan.id, ran_at=ran_at, result=result, size_bytes=size_bytes,
                    notes=notes.replace("\x00", "")[:2000],
                    source=source, recorded_by_id=actor.user_id, created_at=now)
    session.add(run)
    session.flush()
    refresh_due(session, [plan])
    audit.record(session, actor, "record_backup", now=now, object_type="backup_run", object_id=run.id,
                 commune_id=plan.commune_id, summary=f"{plan.name}: {result}",
                 changes={"plan_id": plan.id, "result": result, "ran_at": ran_at, "size_bytes": size_bytes,
                          "source": source})
    return run


def record_run_from_form(session: Session, actor: Actor, plan: BackupPlan, raw: dict[str, Any], now: datetime,
                         zone: tzinfo) -> BackupRun:
    values, errors = parse_record(RUN_FIELDS, raw)
    ran_at = size = None
    if "ran_at" not in errors:
        try:
            ran_at = parse_local_datetime(values["ran_at"], zone)
        except ValueError as error:
            errors["ran_at"] = str(error)
    if "size" not in errors and values["size"]:
        try:
            size = parse_size(values["size"])
        except ValueError as error:
            errors["size"] = str(error)
    if errors:
        raise ValidationFailed(errors)
    return record_run(session, actor, plan, result=values["result"], ran_at=ran_at, now=now, size_bytes=size,
                      notes=values["notes"], source="manual")


def record_restore_test(session: Session, actor: Actor, plan: BackupPlan, raw: dict[str, Any], now: datetime,
                        today: date) -> RestoreTest:
    values, errors = parse_record(RESTORE_FIELDS, raw)
    if "minutes_to_restore" not in errors and str(raw.get("minutes_to_restore") or "").strip() == "":
        values["minutes_to_restore"] = None
    if not errors and values["tested_on"] > today:
        errors["tested_on"] = "Ngày khôi phục thử không được ở tương lai."
    if errors:
        raise ValidationFailed(errors)
    test = RestoreTest(plan_id=plan.id, recorded_by_id=actor.user_id, created_at=now, **values)
    session.add(test)
    session.flush()
    refresh_due(session, [plan])
    audit.record(session, actor, "record_restore_test", now=now, object_type="restore_test", object_id=test.id,
                 commune_id=plan.commune_id, summary=f"{plan.name}: {values['result']}",
                 changes=audit.diff({}, dict(values, plan_id=plan.id)))
    return test
