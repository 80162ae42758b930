"""Record → context: the plain dicts the incident report templates are filled with.

Blank fields print as dotted lines, so a report generated early can be completed by hand. The
commune's name keeps its capitals, the signer is the commune's leader on record, and a report
already sent prints the number and date it was sent with (a new one is a draft: "Số: …").
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from ir_app.documents.names import commune_names, in_sentence, upper
from ir_app.documents.render import Properties, render_docx
from ir_app.documents.signing import Leadership, signature
from ir_app.documents.text import number_text, split_number, vn_date_text
from ir_app.domain.text import clean_value
from ir_app.models import Incident, Organisation
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.incidents.record import DEFAULT_TZ, REPORT_CHANNELS

DOTS = "…………………………"
_LETTERS = "abcdđeghiklmnopqrstuvxy"  # points are lettered in the Vietnamese alphabet
MINISTRY = "Cơ quan chuyên trách bảo vệ an ninh mạng – Bộ Công an"
PDP_AGENCY = "Cơ quan chuyên trách bảo vệ dữ liệu cá nhân, Bộ Công an"


# The report templates in playbooks/reports/ (Word files an admin may edit).
TEMPLATES = {
    "initial_report": "initial_report.docx",    # NĐ 331 Đ31.2.d + TT 20/2017 Biểu mẫu 03
    "final_report": "final_report.docx",        # TT 20/2017 Biểu mẫu 04
    "pdp_notice": "pdp_notice.docx",            # NĐ 356/2025 Đ28, Mẫu số 08
    "breach_record": "breach_record.docx",      # biên bản xác nhận vi phạm dữ liệu cá nhân
    "summary": "incident_summary.docx",         # tổng hợp tuần / tháng
    "drill_report": "drill_report.docx",        # kết quả diễn tập (issue 16)
}


def render_report(kind: str, context: Mapping[str, Any], folder: Path) -> bytes:
    """The DOCX for ``kind`` (a key of TEMPLATES) from ``folder``, filled with ``context`` by the one
    sandboxed renderer the dossier forms use (ir_app.documents.render); ``DocumentError`` on failure."""
    if kind not in TEMPLATES:
        raise KeyError(f"không có mẫu báo cáo '{kind}'")
    # User text must never reshape the document: \a and \f would become paragraph and page breaks.
    values = clean_value(dict(context))
    properties = Properties(str(context.get("doc_title") or ""), str(context.get("doc_author") or ""))
    return render_docx(Path(folder) / TEMPLATES[kind], values, context["generated_at"], properties)


@dataclass(frozen=True)
class DocumentKind:
    template: str       # key of TEMPLATES
    title: str
    filename: str       # without the incident code and extension
    symbol: str = ""    # ký hiệu (NĐ 30/2020 Phụ lục III) after the number
    personal_data: bool = False  # offered only when personal data are involved


DOCUMENTS = {
    "bao-cao-ban-dau": DocumentKind("initial_report", "Báo cáo ban đầu (72 giờ / 24 giờ)", "bao-cao-ban-dau",
                                    "BC-UBND"),
    "bao-cao-ket-thuc": DocumentKind("final_report", "Báo cáo kết thúc ứng phó sự cố", "bao-cao-ket-thuc",
                                     "BC-UBND"),
    "thong-bao-vi-pham-dlcn": DocumentKind("pdp_notice", "Thông báo vi phạm dữ liệu cá nhân (Mẫu số 08)",
                                           "thong-bao-vi-pham-dlcn", "TB-UBND", personal_data=True),
    "bien-ban-vi-pham-dlcn": DocumentKind("breach_record", "Biên bản xác nhận vi phạm dữ liệu cá nhân",
                                          "bien-ban-vi-pham-dlcn", "BB-UBND", personal_data=True),
}
# The recorded reports whose number and date a generated document carries.
REPORT_KINDS_FOR_DOCUMENT = {"bao-cao-ban-dau": ("initial_notice", "report"), "bao-cao-ket-thuc": ("final_report",),
                             "thong-bao-vi-pham-dlcn": ("pdp_notice",)}
# Timeline events worth telling in the final report's account (the rest is the application's log).
NARRATIVE_EVENTS = ("reported", "transition", "note", "report")
NARRATIVE_MAX = 12


def offered_documents(incident: Incident) -> dict[str, DocumentKind]:
    """The documents this incident needs: the personal-data ones only when personal data are involved."""
    return {key: kind for key, kind in DOCUMENTS.items() if not kind.personal_data or incident.personal_data_involved}
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


def place_date(commune: Organisation, moment: datetime | None, tz: tzinfo) -> str:
    """"Vĩnh Lại, ngày 26 tháng 11 năm 2026" (NĐ 30: days 01–09 and months 01–02 padded); no
    date yet ("ngày … tháng … năm …") for a document not yet sent."""
    return vn_date_text(moment.astimezone(tz).date() if moment else None, commune.name)


def owner_name(commune: Organisation) -> str:
    """"Ủy ban nhân dân xã Vĩnh Lại": the owner of the commune's systems."""
    return commune_names(commune.commune_type, commune.name).committee


def committee_signature(commune: Organisation) -> dict[str, str]:
    """"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" (or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") and the name on record."""
    leaders = Leadership("Chủ tịch", commune.chair_name or "", "Phó Chủ tịch", commune.vice_chair_name or "",
                         commune.signer if commune.signer in ("head", "deputy", "acting") else "head")
    return signature(leaders, "Ủy ban nhân dân")


def signer_lines(block: dict[str, str]) -> str:
    return "\n".join(part for part in (block["authority"], block["position"]) if part)


def title_block(commune: Organisation, sent_at: datetime | None, tz: tzinfo, number: str = "",
                symbol: str = "UBND") -> dict[str, Any]:
    """NĐ 30/2020: the issuing body (UBND xã, owner of the systems), number, place and date."""
    names = commune_names(commune.commune_type, commune.name)
    block = committee_signature(commune)
    return {
        "issuer_parent": "",
        "issuer_name": names.committee_heading,
        "number_line": number_text(number, symbol),
        "place_date": place_date(commune, sent_at, tz),
        "signer_role": signer_lines(block),
        "signer_name": block["name"],
    }


def recorded_report(document: str, incident: Incident):
    """The report of this kind already recorded as sent (its number and date are reprinted)."""
    kinds = REPORT_KINDS_FOR_DOCUMENT.get(document, ())
    return next((report for report in sorted(incident.reports, key=lambda r: r.sent_at) if report.kind in kinds),
                None)


def incident_context(document: str, incident: Incident, data: ResponseData, now: datetime,
                     tz: tzinfo = DEFAULT_TZ) -> dict[str, Any]:
    """Everything any incident document may print; each template uses what it needs."""
    kind = DOCUMENTS[document]
    commune = incident.commune
    province = commune.parent.name if commune.parent else ""
    names = commune_names(commune.commune_type, commune.name)
    sent = recorded_report(document, incident)
    number, symbol = split_number(sent.reference_number if sent else "")
    context = {
        **title_block(commune, sent.sent_at if sent else None, tz, number, symbol or kind.symbol),
        "subtitle": f"Sự cố {incident.code}: {incident.title}",
        "addressee": PDP_AGENCY if kind.template == "pdp_notice" else
        f"{MINISTRY} (qua Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao – "
        f"Công an {in_sentence(province)})",
        "commune": {"owner": owner_name(commune), "address": or_dots(commune.address), "phone": or_dots(commune.phone),
                    "email": or_dots(commune.email), "website": or_dots(commune.website),
                    "office_address": or_dots(commune.office_address or commune.address),
                    "tax_code": or_dots(commune.tax_code),
                    "establishment": or_dots(commune.establishment_decision)},
        "dpo": {"name": or_dots(commune.dpo_name or incident.contact_person), "title": or_dots(commune.dpo_title),
                "phone": or_dots(commune.dpo_phone), "email": or_dots(commune.dpo_email)},
        "incident": _incident(incident, data, tz),
        "systems": [_system(system) for system in incident.systems],
        "personal_data": _personal_data(incident, tz),
        "evidence": [{"letter": _LETTERS[index] if index < len(_LETTERS) else str(index + 1),
                      "line": f"{item.code}: {item.description} (tệp {item.filename}, SHA-256 {item.sha256})"}
                     for index, item in enumerate(incident.evidence)],
        "reports": [{"line": _report_line(report, tz)} for report in incident.reports],
        "narrative": narrative(incident, tz),
        "initial_reference": _initial_reference(incident, tz),
        "protection_contact": or_dots(incident.contact_person),
        "breach_place": ", ".join(system.name for system in incident.systems) or or_dots(commune.address),
        "record_time": local_time(now, tz),
        "record_place": or_dots(commune.address),
        "recipients": _recipients(kind.template, province, names),
        "closing": "Đề nghị cơ quan chuyên trách theo dõi, hướng dẫn, hỗ trợ xử lý sự cố./.",
        "generated_at": now,
        "doc_title": f"{kind.title} – {incident.code}",
        "doc_author": owner_name(commune),
    }
    if kind.template == "breach_record":
        context["signer_role"] = f"ĐẠI DIỆN {upper(owner_name(commune))}"
        context["recorder_name"] = or_dots(commune.dpo_name or incident.contact_person)
    return context


def narrative(incident: Incident, tz: tzinfo) -> list[str]:
    """The significant events (report, state changes, notes, reports sent) as a short account,
    one paragraph per day: "Ngày 26/11/2026: lúc 08:15, …; lúc 09:00, …"."""
    entries = [entry for entry in sorted(incident.timeline, key=lambda e: e.at) if entry.event in NARRATIVE_EVENTS]
    if len(entries) > NARRATIVE_MAX:  # keep the first report and the latest events
        entries = entries[:1] + entries[-(NARRATIVE_MAX - 1):]
    days: dict[str, list[str]] = {}
    for entry in entries:
        local = entry.at.astimezone(tz)
        text = " ".join(entry.text.split()).rstrip(".")
        text = text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text
        days.setdefault(local.strftime("%d/%m/%Y"), []).append(f"lúc {local:%H:%M}, {text}")
    return [f"Ngày {day}: {'; '.join(events)}." for day, events in days.items()]


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
        "related_parties": or_dots(incident.notified_parties),
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


def _recipients(template: str, province: str, names) -> list[str]:
    police = "CAX" if names.kind == "xã" else "CAP" if names.kind == "phường" else "CAĐK"
    if template == "pdp_notice":
        return ["Như trên;", f"{names.police} (để biết);", f"Lưu: VT, {police}."]
    if template == "breach_record":
        return []
    return ["Như trên;", f"Công an {in_sentence(province)} (PA05);" if province else "Công an tỉnh (PA05);",
            f"{names.police} (để phối hợp);", f"Lưu: VT, {police}."]


def document_filename(document: str, incident: Incident) -> str:
    return f"{DOCUMENTS[document].filename}-{incident.code}.docx"
