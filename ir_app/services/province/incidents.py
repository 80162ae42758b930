"""Province-wide incident summary over a week or a month, across every commune (page, XLSX, DOCX)."""
from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ir_app.documents.names import in_sentence, upper
from ir_app.models import Incident, Organisation
from ir_app.services.exports import append_row
from ir_app.services.incidents.clocks import incident_clocks
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.summary import (
    Count,
    IncidentSummary,
    Metric,
    Period,
    clocks_text,
    format_duration,
    incident_rows,
    summary_xlsx,
)


@dataclass(frozen=True)
class CommuneCount:
    commune: Organisation
    total: int
    open: int
    clocks_missed: int


@dataclass(frozen=True)
class ProvinceIncidentSummary:
    summary: IncidentSummary      # its ``commune`` is the province
    by_commune: tuple[CommuneCount, ...]


def summarise_province(session: Session, province: Organisation, communes: list[Organisation], period: Period,
                       now: datetime, data: ResponseData) -> ProvinceIncidentSummary:
    """Three statements whatever the number of communes and incidents."""
    ids = [commune.id for commune in communes]
    incidents = tuple(session.scalars(
        select(Incident).where(Incident.commune_id.in_(ids), Incident.detected_at >= period.start,
                               Incident.detected_at < period.end, Incident.is_drill.is_(False))
        .options(selectinload(Incident.reports)).order_by(Incident.detected_at, Incident.id)))
    by_incident = {incident.id: incident_clocks(incident, data, now) for incident in incidents}
    clocks = [clock for found in by_incident.values() for clock in found]
    real = [incident for incident in incidents if incident.state != "not_incident"]
    summary = IncidentSummary(
        commune=province, period=period, incidents=incidents,
        by_category=_counts([data.category_title(item.category) for item in incidents]),
        by_severity=_counts([data.severity_title(item.severity) for item in incidents]),
        by_state=_counts([data.state_title(item.state) for item in incidents]),
        clocks_met=sum(1 for clock in clocks if clock.is_met),
        clocks_missed=sum(1 for clock in clocks if clock.is_missed),
        clocks_pending=sum(1 for clock in clocks if not clock.is_met and not clock.is_missed),
        metrics=(
            Metric("Từ phát hiện đến báo cáo đầu tiên",
                   tuple(min(r.sent_at for r in i.reports) - i.detected_at for i in real if i.reports)),
            Metric("Từ phát hiện đến ngăn chặn, cô lập",
                   tuple(i.contained_at - i.detected_at for i in real if i.contained_at)),
            Metric("Từ phát hiện đến đóng sự cố",
                   tuple(i.closed_at - i.detected_at for i in real if i.state == "closed" and i.closed_at)),
        ),
    )
    totals, opened, missed = Counter(), Counter(), Counter()
    for incident in incidents:
        totals[incident.commune_id] += 1
        opened[incident.commune_id] += incident.is_open
        missed[incident.commune_id] += sum(1 for clock in by_incident[incident.id] if clock.is_missed)
    by_commune = tuple(CommuneCount(commune, totals[commune.id], opened[commune.id], missed[commune.id])
                       for commune in sorted(communes, key=lambda item: (-totals[item.id], item.name)))
    return ProvinceIncidentSummary(summary, by_commune)


def _counts(labels: list[str]) -> tuple[Count, ...]:
    return tuple(Count(label, count) for label, count in Counter(labels).most_common())


def _place(name: str) -> str:
    """"Thành phố Hải Phòng" → "Hải Phòng" (the place line names the place, not its kind)."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def commune_names_by_id(result: ProvinceIncidentSummary) -> dict[int, str]:
    return {row.commune.id: row.commune.full_name for row in result.by_commune}


def province_summary_xlsx(result: ProvinceIncidentSummary, data: ResponseData, tz: tzinfo) -> bytes:
    """The commune summary's workbook, with a sheet per commune and the commune on each incident."""
    from openpyxl import load_workbook  # openpyxl: loaded by the first spreadsheet, not by every worker

    workbook = load_workbook(io.BytesIO(summary_xlsx(result.summary, data, tz)))
    names = commune_names_by_id(result)
    del workbook["Danh sách sự cố"]
    listing = workbook.create_sheet("Danh sách sự cố")
    append_row(listing, ["Mã", "Xã / phường", "Tên sự cố", "Loại", "Mức độ", "Trạng thái", "Phát hiện"])
    for incident in result.summary.incidents:
        append_row(listing, [incident.code, names.get(incident.commune_id, ""), incident.title,
                             data.category_title(incident.category), data.severity_title(incident.severity),
                             data.state_title(incident.state),
                             incident.detected_at.astimezone(tz).strftime("%H:%M %d/%m/%Y")])
    for column, width in zip("ABCDEFG", (20, 24, 45, 30, 14, 22, 17)):
        listing.column_dimensions[column].width = width
    sheet = workbook.create_sheet("Theo xã", 1)
    append_row(sheet, ["Xã / phường", "Số sự cố", "Đang xử lý", "Thời hạn trễ hoặc quá hạn"])
    for item in result.by_commune:
        append_row(sheet, [item.commune.full_name, item.total, item.open, item.clocks_missed])
    sheet.column_dimensions["A"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def province_summary_context(result: ProvinceIncidentSummary, data: ResponseData, now: datetime,
                             tz: tzinfo) -> dict[str, Any]:
    """The DOCX context of the commune summary's template, issued by the province police (PA05)."""
    summary, province = result.summary, result.summary.commune
    total = len(summary.incidents)
    names = commune_names_by_id(result)
    spread = "; ".join(f"{item.commune.full_name}: {item.total}" for item in result.by_commune if item.total)
    rows = incident_rows(summary, data, tz)
    for row, incident in zip(rows, summary.incidents):
        row["title"] = f"{row['title']} ({names.get(incident.commune_id, '')})"
    local = now.astimezone(tz)
    return {
        "issuer_parent": f"CÔNG AN {upper(province.name)}",
        "issuer_name": "PHÒNG AN NINH MẠNG VÀ PHÒNG, CHỐNG TỘI PHẠM SỬ DỤNG CÔNG NGHỆ CAO",
        "number_line": "Số:        /BC-PA05",
        "place_date": f"{_place(province.name)}, ngày {local.day:02d} tháng {local.month:02d} năm {local.year}",
        "subtitle": summary.period.label,
        "addressee": f"Ban Giám đốc Công an {in_sentence(province.name)}",
        "overview": (f"Trong kỳ báo cáo, các xã, phường của {province.name} ghi nhận {total} sự cố "
                     f"({summary.open_count} đang xử lý, {total - summary.open_count} đã kết thúc)."
                     + (f" Theo xã, phường: {spread}." if spread else "")),
        "by_category": [{"label": row.label, "count": row.count} for row in summary.by_category],
        "by_severity": [{"label": row.label, "count": row.count} for row in summary.by_severity],
        "by_state": [{"label": row.label, "count": row.count} for row in summary.by_state],
        "clocks_text": clocks_text(summary),
        "metrics": [{"label": metric.label, "count": metric.count, "average": format_duration(metric.average),
                     "median": format_duration(metric.median)} for metric in summary.metrics],
        "incidents": rows,
        "recipients": [f"Ban Giám đốc Công an {in_sentence(province.name)} (để b/c);", "Lưu: VT, PA05."],
        "signer_role": "TRƯỞNG PHÒNG",
        "signer_name": "",
        "generated_at": now,
        "doc_title": f"Báo cáo tổng hợp sự cố toàn tỉnh – {summary.period.label}",
        "doc_author": "PA05",
    }
