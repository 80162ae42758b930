"""A commune's incidents over a week or a month: counts, reporting clocks met or missed, and how
long it took from detection to the first report, to containment and to closure."""
from __future__ import annotations

import io
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ir_app.i18n_markers import N_
from ir_app.models import Incident, Organisation
from ir_app.services.exports import append_row
from ir_app.documents.names import commune_names, in_sentence, upper
from ir_app.documents.signing import Leadership, signature
from ir_app.documents.text import number_text
from ir_app.services.incidents.clocks import incident_clocks
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.documents import owner_name, place_date, signer_lines
from ir_app.services.incidents.record import DEFAULT_TZ

PERIODS = ("week", "month")
HEADER_COLOUR = "DDEBF7"


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date
    last_day: date
    tz: tzinfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(0), self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(0), self.tz)

    @property
    def label(self) -> str:
        span = f"{self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"
        if self.kind == "week":
            return f"Tuần {self.first_day.isocalendar().week} ({span})"
        return f"Tháng {self.first_day.month:02d}/{self.first_day.year} ({span})"

    @property
    def previous_day(self) -> date:
        return self.first_day - timedelta(days=1)

    @property
    def next_day(self) -> date:
        return self.last_day + timedelta(days=1)


def period_of(kind: str, day: date, tz: tzinfo = DEFAULT_TZ) -> Period:
    """The week (Monday to Sunday) or the calendar month containing ``day``."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return Period(kind, first, first + timedelta(days=6), tz)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1), tz)


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class Metric:
    label: str
    durations: tuple[timedelta, ...]

    @property
    def count(self) -> int:
        return len(self.durations)

    @property
    def average(self) -> timedelta | None:
        return sum(self.durations, timedelta(0)) / self.count if self.durations else None

    @property
    def median(self) -> timedelta | None:
        return statistics.median(self.durations) if self.durations else None


@dataclass(frozen=True)
class IncidentSummary:
    commune: Organisation
    period: Period
    incidents: tuple[Incident, ...]
    by_category: tuple[Count, ...]
    by_severity: tuple[Count, ...]
    by_state: tuple[Count, ...]
    clocks_met: int
    clocks_missed: int
    clocks_pending: int
    metrics: tuple[Metric, ...]

    @property
    def open_count(self) -> int:
        return sum(1 for incident in self.incidents if incident.is_open)


def summarise(session: Session, commune: Organisation, period: Period, now: datetime,
              data: ResponseData) -> IncidentSummary:
    query = (select(Incident).where(Incident.commune_id == commune.id, Incident.detected_at >= period.start,
                                    Incident.detected_at < period.end, Incident.is_drill.is_(False))
             .options(selectinload(Incident.reports)).order_by(Incident.detected_at))
    incidents = tuple(session.scalars(query))
    clocks = [clock for incident in incidents for clock in incident_clocks(incident, data, now)]
    real = [incident for incident in incidents if incident.state != "not_incident"]
    return IncidentSummary(
        commune=commune, period=period, incidents=incidents,
        by_category=_counts([data.category_title(item.category) for item in incidents]),
        by_severity=_counts([data.severity_title(item.severity) for item in incidents]),
        by_state=_counts([data.state_title(item.state) for item in incidents]),
        clocks_met=sum(1 for clock in clocks if clock.is_met),
        clocks_missed=sum(1 for clock in clocks if clock.is_missed),
        clocks_pending=sum(1 for clock in clocks if not clock.is_met and not clock.is_missed),
        metrics=(
            Metric(N_("Từ phát hiện đến báo cáo đầu tiên"),
                   tuple(min(r.sent_at for r in i.reports) - i.detected_at for i in real if i.reports)),
            Metric(N_("Từ phát hiện đến ngăn chặn, cô lập"),
                   tuple(i.contained_at - i.detected_at for i in real if i.contained_at)),
            Metric(N_("Từ phát hiện đến đóng sự cố"),
                   tuple(i.closed_at - i.detected_at for i in real if i.state == "closed" and i.closed_at)),
        ),
    )


def _counts(labels: list[str]) -> tuple[Count, ...]:
    return tuple(Count(label, count) for label, count in Counter(labels).most_common())


UNIT_WORDS = {"day": "ngày", "hour": "giờ", "minute": "phút"}


def duration_parts(value: timedelta) -> list[tuple[int, str]]:
    """To the minute: the largest unit, and the next one when it is not zero —
    [(2, "day"), (3, "hour")], [(5, "hour"), (20, "minute")], [(45, "minute")]."""
    minutes = max(0, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    amounts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    first = next((index for index, (amount, _unit) in enumerate(amounts) if amount), len(amounts) - 1)
    return [amounts[first], *(part for part in amounts[first + 1:first + 2] if part[0])]


def format_duration(value: timedelta | None) -> str:
    """"2 ngày 3 giờ", "5 giờ 20 phút", "45 phút" — for the documents (always Vietnamese)."""
    if value is None:
        return "—"
    return " ".join(f"{amount} {UNIT_WORDS[unit]}" for amount, unit in duration_parts(value))


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y") if moment else ""


def clocks_text(summary: IncidentSummary) -> str:
    return (f"Thời hạn thông báo, báo cáo: {summary.clocks_met} đúng hạn, {summary.clocks_missed} trễ hoặc "
            f"quá hạn, {summary.clocks_pending} chưa đến hạn.")


def incident_rows(summary: IncidentSummary, data: ResponseData, tz: tzinfo) -> list[dict[str, str]]:
    return [{"code": incident.code, "title": incident.title, "category": data.category_title(incident.category),
             "severity": data.severity_title(incident.severity), "state": data.state_title(incident.state),
             "detected_at": _local(incident.detected_at, tz)} for incident in summary.incidents]


def summary_context(summary: IncidentSummary, data: ResponseData, now: datetime,
                    tz: tzinfo = DEFAULT_TZ) -> dict[str, Any]:
    """The DOCX context: issued by Công an xã to the commune's leaders and the province police."""
    commune = summary.commune
    province = commune.parent.name if commune.parent else ""
    names = commune_names(commune.commune_type, commune.name)
    total = len(summary.incidents)
    block = _police_signature(commune, names)
    return {
        "issuer_parent": f"CÔNG AN {upper(province)}" if province else "",
        "issuer_name": upper(names.police),
        "number_line": number_text("", "BC-" + ("CAX" if names.kind == "xã" else "CAP" if names.kind == "phường"
                                                 else "CAĐK")),
        "place_date": place_date(commune, now, tz),
        "subtitle": summary.period.label,
        "addressee": f"{owner_name(commune)}; Công an {in_sentence(province)}" if province else owner_name(commune),
        "overview": (f"Trong kỳ báo cáo, {names.full} ghi nhận {total} sự cố "
                     f"({summary.open_count} đang xử lý, {total - summary.open_count} đã kết thúc)."),
        "by_category": [{"label": row.label, "count": row.count} for row in summary.by_category],
        "by_severity": [{"label": row.label, "count": row.count} for row in summary.by_severity],
        "by_state": [{"label": row.label, "count": row.count} for row in summary.by_state],
        "clocks_text": clocks_text(summary),
        "metrics": [{"label": metric.label, "count": metric.count, "average": format_duration(metric.average),
                     "median": format_duration(metric.median)} for metric in summary.metrics],
        "incidents": incident_rows(summary, data, tz),
        "recipients": [f"Chủ tịch {names.committee_short} (để b/c);",
                       f"Công an {in_sentence(province)} (PA05);" if province else "Công an tỉnh (PA05);",
                       "Lưu: VT, " + ("CAX" if names.kind == "xã" else "CAP" if names.kind == "phường" else "CAĐK") + "."],
        "signer_role": signer_lines(block),
        "signer_name": block["name"],
        "generated_at": now,
        "doc_title": f"Báo cáo tổng hợp sự cố – {summary.period.label}",
        "doc_author": names.police,
    }


def _police_signature(commune: Organisation, names) -> dict[str, str]:
    """The commune police's head (or deputy) on record signs the period summary."""
    from sqlalchemy.orm import object_session

    from ir_app.models import Unit

    session = object_session(commune)
    unit = session.scalar(select(Unit).where(Unit.commune_id == commune.id, Unit.is_cyber_unit.is_(True))
                          .limit(1)) if session is not None else None
    title = (unit.head_title if unit is not None and unit.head_title else f"Trưởng {names.police_unit}")
    leaders = Leadership(title, unit.head_name if unit else "", unit.deputy_title if unit else "",
                         unit.deputy_name if unit else "", unit.signer if unit else "head")
    return signature(leaders)


def summary_xlsx(summary: IncidentSummary, data: ResponseData, tz: tzinfo = DEFAULT_TZ) -> bytes:
    from openpyxl import Workbook  # openpyxl: loaded by the first spreadsheet, not by every worker
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    append_row(sheet, [f"Tổng hợp sự cố — {summary.commune.full_name}"])
    append_row(sheet, [summary.period.label])
    sheet["A1"].font = Font(bold=True, size=13)
    for title, rows in (("Theo loại sự cố", summary.by_category), ("Theo mức độ", summary.by_severity),
                        ("Theo trạng thái", summary.by_state)):
        append_row(sheet, [])
        _header(sheet, [title, "Số sự cố"])
        for row in rows:
            append_row(sheet, [row.label, row.count])
    append_row(sheet, [])
    _header(sheet, ["Thời hạn thông báo, báo cáo", "Số lượng"])
    for label, value in (("Đúng hạn", summary.clocks_met), ("Trễ hoặc quá hạn", summary.clocks_missed),
                         ("Chưa đến hạn", summary.clocks_pending)):
        append_row(sheet, [label, value])
    append_row(sheet, [])
    _header(sheet, ["Chỉ số", "Số sự cố", "Trung bình (giờ)", "Trung vị (giờ)"])
    for metric in summary.metrics:
        append_row(sheet, [metric.label, metric.count, _hours(metric.average), _hours(metric.median)])
    sheet.column_dimensions["A"].width = 45
    listing = workbook.create_sheet("Danh sách sự cố")
    _header(listing, ["Mã", "Tên sự cố", "Loại", "Mức độ", "Trạng thái", "Phát hiện", "Báo cáo đầu tiên",
                      "Ngăn chặn", "Đóng"])
    for incident in summary.incidents:
        first = min((report.sent_at for report in incident.reports), default=None)
        append_row(listing, [incident.code, incident.title, data.category_title(incident.category),
                             data.severity_title(incident.severity), data.state_title(incident.state),
                             _local(incident.detected_at, tz), _local(first, tz),
                             _local(incident.contained_at, tz), _local(incident.closed_at, tz)])
    for column, width in zip("ABCDEFGHI", (14, 45, 30, 14, 22, 17, 17, 17, 17)):
        listing.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet, titles: list[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    append_row(sheet, titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_COLOUR)


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None
