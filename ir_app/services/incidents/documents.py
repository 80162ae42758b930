"""Record → context: the plain dicts the incident report templates are filled with.

Blank fields print as dotted lines, so a report generated early can be completed by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from ir_app.models import Incident, Organisation
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.incidents.record import DEFAULT_TZ, REPORT_CHANNELS

DOTS = "…………………………"
MINISTRY = "Cơ quan chuyên trách bảo vệ an ninh mạng – Bộ Công an"
PDP_AGENCY = "Cơ quan chuyên trách bảo vệ dữ liệu cá nhân, Bộ Công an"


@dataclass(frozen=True)
class DocumentKind:
    template: str       # key of incident_reports.TEMPLATES
    title: str
    filename: str       # without the incident code and extension


DOCUMENTS = {
    "bao-cao-ban-dau": DocumentKind("initial_report", "Báo cáo ban đầu (72 giờ / 24 giờ)", "bao-cao-ban-dau"),
    "bao-cao-ket-thuc": DocumentKind("final_report", "Báo cáo kết thúc ứng phó sự cố", "bao-cao-ket-thuc"),
    "thong-bao-vi-pham-dlcn": DocumentKind("pdp_notice", "Thông báo vi phạm dữ liệu cá nhân (Mẫu số 08)",
                                           "thong-bao-vi-pham-dlcn"),
    "bien-ban-vi-pham-dlcn": DocumentKind("breach_record", "Biên bản xác nhận vi phạm dữ liệu cá nhân",
                                          "bien-ban-vi-pham-dlcn"),
}
# Which generated document goes with a recorded report of each kind.
DOCUMENT_FOR_REPORT_KIND = {
    "initial_notice": "bao-cao-ban-dau", "report": "bao-cao-ban-dau", "update": "bao-cao-ban-dau",
    "final_report": "bao-cao-ket-thuc", "pdp_notice": "thong-bao-vi-pham-dlcn",
}


def or_dots(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return text or DOTS


def local_time(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M ngày %d/%m/%Y") if moment else DOTS


def place_date(commune: Organisation, now: datetime, tz: tzinfo) -> str:
    today = now.astimezone(tz)
    return f"{commune.name}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"


def owner_name(commune: Organisation) -> str:
    """"Ủy ban nhân dân xã Vĩnh Lại": the owner of the commune's systems."""
    return f"Ủy ban nhân dân {commune.full_name[:1].lower()}{commune.full_name[1:]}"


def title_block(commune: Organisation, now: datetime, tz: tzinfo) -> dict[str, Any]:
    """NĐ 30/2020: the issuing body (UBND xã, owner of the systems), place and date."""
    return {
        "issuer_parent": "",
        "issuer_name": f"ỦY BAN NHÂN DÂN\n{commune.full_name.upper()}",
        "place_date": place_date(commune, now, tz),
        "signer_role": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        "signer_name": "",
    }


def incident_context(document: str, incident: Incident, data: ResponseData, now: datetime,
                     tz: tzinfo = DEFAULT_TZ) -> dict[str, Any]:
    """Everything any incident document may print; each template uses what it needs."""
    kind = DOCUMENTS[document]
    commune = incident.commune
    province = commune.parent.name if commune.parent else ""
    context = {
        **title_block(commune, now, tz),
        "subtitle": f"Sự cố {incident.code}: {incident.title}",
        "addressee": PDP_AGENCY if kind.template == "pdp_notice" else
        f"{MINISTRY} (qua Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao – Công an {province})",
        "commune": {"owner": owner_name(commune), "address": or_dots(commune.address), "phone": or_dots(commune.phone),
                    "email": or_dots(commune.email), "website": DOTS},
        "incident": _incident(incident, data, tz),
        "systems": [_system(system) for system in incident.systems],
        "personal_data": _personal_data(incident, tz),
        "evidence": [{"line": f"{item.code}: {item.description} (tệp {item.filename}, SHA-256 {item.sha256})"}
                     for item in incident.evidence],
        "reports": [{"line": _report_line(report, tz)} for report in incident.reports],
        "timeline": [{"at": local_time(entry.at, tz), "text": entry.text} for entry in incident.timeline],
        "initial_reference": _initial_reference(incident, tz),
        "protection_contact": or_dots(incident.contact_person),
        "breach_place": ", ".join(system.name for system in incident.systems) or or_dots(commune.address),
        "record_time": DOTS,
        "record_place": or_dots(commune.address),
        "recipients": _recipients(kind.template, province),
        "closing": "Đề nghị cơ quan chuyên trách theo dõi, hướng dẫn, hỗ trợ xử lý sự cố./.",
    }
    if kind.template == "breach_record":
        context["signer_role"] = f"ĐẠI DIỆN {owner_name(commune).upper()}"
    return context


def _incident(incident: Incident, data: ResponseData, tz: tzinfo) -> dict[str, Any]:
    flags = [flag.title for flag in data.catalogue.flags
             if flag.id in ("national_security_signs", "serious_disruption", "beyond_capacity")
             and getattr(incident, flag.id)]
    text_fields = ("title", "reporter_name", "reporter_contact", "contact_person", "detection_method",
                   "description", "current_situation", "notified_parties", "technical_details",
                   "support_request", "severity_reason", "cause", "impact", "measures", "resolution",
                   "lessons_learned")
    return {
        **{name: or_dots(getattr(incident, name)) for name in text_fields},
        "code": incident.code,
        "category": data.category_title(incident.category),
        "severity": data.severity_title(incident.severity),
        "detected_at": local_time(incident.detected_at, tz),
        "resolved_at": local_time(incident.resolved_at, tz),
        "flags": flags,
        "confidential": "Có, đề nghị giữ bí mật thông tin về sự cố." if incident.is_confidential else "Không.",
        "related_parties": DOTS,
    }


def _system(system) -> dict[str, str]:
    addresses = "; ".join(part for part in (system.domains, system.public_ips) if part)
    return {"name": f"{system.name} ({system.code})", "owner": or_dots(system.owner_name),
            "operator": or_dots(system.operator_name), "addresses": addresses or "—",
            "level": f"Cấp độ {system.approved_level}" if system.approved_level else "Chưa phê duyệt"}


def _personal_data(incident: Incident, tz: tzinfo) -> dict[str, Any]:
    subjects = f"{incident.personal_data_subjects:,}".replace(",", ".") \
        if incident.personal_data_subjects is not None else DOTS
    kinds = or_dots(incident.personal_data_kinds)
    return {
        "involved": incident.personal_data_involved,
        "kinds": kinds,
        "subjects": subjects,
        "summary": f"{kinds}; khoảng {subjects} người",
        "location_or_biometric": "Có" if incident.location_or_biometric else "Không",
        "discovered_at": local_time(incident.discovered_at or incident.detected_at, tz),
    }


def _report_line(report, tz: tzinfo) -> str:
    number = f" số {report.reference_number}" if report.reference_number else ""
    channel = dict(REPORT_CHANNELS).get(report.channel, report.channel).lower()
    return (f"{CLOCK_KIND_LABELS[report.kind]}{number}, gửi {report.recipient} lúc "
            f"{local_time(report.sent_at, tz)} ({channel})")


def _initial_reference(incident: Incident, tz: tzinfo) -> str:
    first = next((report for report in incident.reports if report.kind in ("initial_notice", "report")), None)
    if first is None:
        return "Chưa ghi nhận báo cáo ban đầu trong hệ thống."
    return _report_line(first, tz) + "."


def _recipients(template: str, province: str) -> list[str]:
    if template == "pdp_notice":
        return ["Như trên;", "Chủ tịch UBND xã (để b/c);", "Lưu: VT, CAX."]
    if template == "breach_record":
        return []
    return ["Như trên;", f"Công an {province} (PA05);" if province else "Công an tỉnh (PA05);",
            "Chủ tịch UBND xã (để b/c);", "Lưu: VT, CAX."]


def document_filename(document: str, incident: Incident) -> str:
    return f"{DOCUMENTS[document].filename}-{incident.code}.docx"
