"""Mẫu số 08 (NĐ 331/2026 Đ35–36): the owner's yearly report, as DOCX context and as a workbook.

Every cell of the 12-column table says something: the recorded value, or why there is none
("Chưa ban hành", "Không áp dụng"). The totals of part 1 are counted from the same rows, so the
form agrees with itself (``consistency_problems`` names any disagreement; a test checks it).
"""
from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.documents.catalog import DocumentSpec
from ir_app.documents.context import APPROVAL_STATUS_LABELS, DEPLOYMENT_LABELS, REVIEW_DONE_LABELS
from ir_app.documents.names import in_sentence
from ir_app.documents.text import vn_date
from ir_app.domain.plan import DONE_STATUSES
from ir_app.models import Dossier, InformationSystem, IssuedDocument, Organisation, Review, SecurityPolicy, Unit
from ir_app.services.dossiers import numbering
from ir_app.services.dossiers.document_parties import (
    committee_leaders,
    names_of,
    owner_name,
    owner_party,
    signer_for,
    specialised_party,
)
from ir_app.services.exports import append_row
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan

PLAN_STATE_BY_DOSSIER = {"draft": "drafting", "returned": "drafting", "submitted": "submitted",
                         "accepted": "submitted", "appraised": "appraised", "pending_approval": "appraised",
                         "approved": "approved", "protecting": "approved", "operating": "approved"}
NOT_APPLICABLE = "Không áp dụng"
UNKNOWN = "Chưa xác định"


def annual_subject(year: int) -> str:
    return f"annual:{year}"


def annual_report_context(session: Session, commune: Organisation, spec: DocumentSpec, year: int,
                          now: datetime, law: LawData) -> dict[str, Any]:
    """Mẫu 08: one row per system of the commune (data period 15/12 of last year to 14/12)."""
    systems = list(session.scalars(select(InformationSystem).where(InformationSystem.commune_id == commune.id,
                                                                   InformationSystem.status != "retired")
                                   .order_by(InformationSystem.code)))
    latest = _latest_dossiers(session, commune.id)
    views = plan.plan_views(session, list(latest.values()), law.catalogue)  # the plan page's own statuses
    reviewed = set(session.scalars(select(Dossier.system_id).join(Review, Review.dossier_id == Dossier.id)
                                   .where(Dossier.commune_id == commune.id)))
    policy = session.scalar(select(SecurityPolicy).where(SecurityPolicy.commune_id == commune.id)
                            .order_by(SecurityPolicy.issued_on.desc()).limit(1))
    names = names_of(commune)
    rows = [_annual_row(index, system, latest.get(system.id), system.id in reviewed, policy, commune,
                        views.get(latest[system.id].id) if system.id in latest else None)
            for index, system in enumerate(systems, start=1)]
    period = law.default_regime.annual_report.period(year)
    unit = session.scalar(select(Unit).where(Unit.commune_id == commune.id, Unit.is_cyber_unit.is_(True)).limit(1))
    owner = _owner(commune, systems)
    police, _ = specialised_party(unit, commune)
    leaders = committee_leaders(commune)
    row = session.scalar(select(IssuedDocument).where(IssuedDocument.commune_id == commune.id,
                                                      IssuedDocument.subject == annual_subject(year),
                                                      IssuedDocument.doc_key == spec.key))
    issued = numbering.issued_number(spec, spec.symbol.format(issuer="UBND"), row=row)
    province = commune.parent.name if commune.parent else ""
    document = {
        "key": spec.key, "title": spec.title, "form": spec.form or "", "issuer": owner,
        "number": issued.number, "symbol": issued.symbol, "place": commune.name, "date": issued.issued_on,
        "addressees": [f"Công an {in_sentence(province)} (Phòng An ninh mạng và phòng, chống tội phạm sử dụng "
                       f"công nghệ cao)" if province else "Công an tỉnh"],
        "recipients": list(spec.recipients), "archive": "VT, UBND",
        "signer": signer_for("owner", spec.kind, leaders) if leaders.signer_name else
        {"authority": "TM. ỦY BAN NHÂN DÂN", "position": "CHỦ TỊCH", "name": owner["representative"]},
    }
    return {
        "generated_at": now, "regime": {"id": spec.regime},
        "commune": {"name": commune.name, "full_name": names.full, "province": province, "place_name": commune.name},
        "document": document, "owner": owner, "operator": owner, "specialised_unit": police, "appraiser": police,
        "annual_report": {"year": year, "period_start": period[0], "period_end": period[1],
                          "rows": printable_rows(rows),
                          "totals": annual_totals(rows)},
    }


def _owner(commune: Organisation, systems: list[InformationSystem]) -> dict[str, Any]:
    """The commune's committee; what its record lacks is taken from the systems it owns."""
    own = [system for system in systems if owner_name(system, names_of(commune)) == names_of(commune).committee]
    party = owner_party(own[0] if own else None, commune)
    for system in own:
        for key, attr in (("functions", "owner_functions"), ("email", "owner_email"), ("phone", "owner_phone"),
                          ("representative", "owner_representative"), ("address", "owner_address")):
            party[key] = party[key] or getattr(system, attr) or ""
    return party


def annual_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Part 1 counted from the table of part 3, so the two always agree."""
    statuses = [row["approval_status"] for row in rows]
    pending = sorted(row["expected_on"] for row in rows if row["approval_status"] != "approved" and row["expected_on"])
    open_rows = [row for row in rows if row["approval_status"] != "approved"]
    if not open_rows:
        expected = "Đã hoàn thành"
    elif pending and len(pending) == len(open_rows):
        expected = f"Trước ngày {vn_date(pending[-1])}"
    else:
        expected = UNKNOWN
    return {
        "systems": len(rows),
        "classified": sum(1 for row in rows if row["level"]),
        "dossiers": sum(1 for row in rows if row["has_dossier"]),
        "appraised": sum(1 for status in statuses if status in ("appraised", "approved")),
        "approved": statuses.count("approved"),
        "reviewed": sum(1 for row in rows if row["approval_status"] == "approved" and row["reviews"]),
        "expected_completion": expected,
    }


def consistency_problems(report: dict[str, Any]) -> list[str]:
    """Where the report disagrees with itself (empty when it is consistent)."""
    rows, totals = report["rows"], report["totals"]
    problems = []
    approved = sum(1 for row in rows if row["approval_status"] == "approved")
    if totals["systems"] != len(rows):
        problems.append(f"tổng số hệ thống {totals['systems']} ≠ {len(rows)} dòng của bảng")
    if totals["approved"] != approved:
        problems.append(f"số hệ thống đã phê duyệt {totals['approved']} ≠ {approved} dòng «Đã được phê duyệt»")
    order = ("systems", "classified", "dossiers", "appraised", "approved", "reviewed")
    for bigger, smaller in zip(order, order[1:]):
        if bigger != "classified" and totals[smaller] > totals[bigger]:
            problems.append(f"{smaller} ({totals[smaller]}) lớn hơn {bigger} ({totals[bigger]})")
    return problems


def _latest_dossiers(session: Session, commune_id: int) -> dict[int, Dossier]:
    latest: dict[int, Dossier] = {}
    for dossier in session.scalars(select(Dossier).where(Dossier.commune_id == commune_id,
                                                         Dossier.state != "superseded")
                                   .order_by(Dossier.version_no)):
        latest[dossier.system_id] = dossier
    return latest


def _decision_text(system: InformationSystem, commune: Organisation) -> str:
    """(7) "15/QĐ-UBND ngày 12/03/2024 của UBND xã Vĩnh Lại"."""
    if not system.approval_decision_number:
        return ""
    when = f" ngày {vn_date(system.approval_decision_on)}" if system.approval_decision_on else ""
    return f"{system.approval_decision_number}{when} của {names_of(commune).committee_short}"


def _annual_row(index: int, system: InformationSystem, dossier: Dossier | None, reviewed: bool,
                policy: SecurityPolicy | None, commune: Organisation, view: plan.PlanView | None) -> dict[str, Any]:
    names = names_of(commune)
    approved = bool(system.approved_level)
    status = "approved" if approved else PLAN_STATE_BY_DOSSIER.get(dossier.state, "drafting") if dossier else "drafting"
    plan_status = view.progress.deployment if view else "none"  # column (10), as the plan page derives it
    expected_on: date | None = None if approved else (dossier.step_due_on if dossier else None)
    open_dates = [measure.planned_on for row in (view.rows if view else []) if row.status not in DONE_STATUSES
                  for measure in row.measures if measure.planned_on]
    level = (dossier.level if dossier else None) or system.approved_level
    reviews = ["periodic"] if reviewed else []
    return {
        "number": index, "system_name": system.name, "owner_name": owner_name(system, names),
        "operator_name": system.operator_name or (system.unit.name if system.unit else "") or UNKNOWN,
        "level": level, "approval_status": status,
        "decision": _decision_text(system, commune) or ("Chưa phê duyệt" if not approved else UNKNOWN),
        "security_policy": (f"{policy.decision_number} ngày {vn_date(policy.issued_on)} của {names.committee_short}"
                            if policy else "Chưa ban hành"),
        "expected_approval": NOT_APPLICABLE if approved else (vn_date(expected_on) if expected_on else UNKNOWN),
        "plan_status": plan_status,
        "expected_plan_completion": NOT_APPLICABLE if plan_status == "full" else (
            vn_date(max(open_dates)) if open_dates else UNKNOWN),
        "reviews": reviews,
        # not printed: what the totals are counted from
        "expected_on": expected_on, "has_dossier": dossier is not None or approved,
    }


def printable_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as the document contract takes them (without the counting helpers)."""
    return [{key: value for key, value in row.items() if key not in ("expected_on", "has_dossier")} for row in rows]


def annual_report_workbook(context: dict[str, Any]) -> bytes:
    """Mẫu 08's 12-column table as a spreadsheet (staff keep these in Excel)."""
    from openpyxl import Workbook  # openpyxl: loaded by the first spreadsheet, not by every worker
    from openpyxl.styles import Alignment, Font

    report = context["annual_report"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Mau 08 nam {report['year']}"
    append_row(sheet, [f"Báo cáo kết quả bảo đảm an ninh mạng hệ thống thông tin năm {report['year']} — "
                  f"{context['owner']['name']}"])
    append_row(sheet, ["(1) STT", "(2) Tên hệ thống", "(3) Chủ quản", "(4) Đơn vị vận hành", "(5) Cấp độ",
                  "(6) Tình trạng phê duyệt", "(7) Quyết định phê duyệt", "(8) Quy chế", "(9) Dự kiến phê duyệt",
                  "(10) Triển khai phương án", "(11) Dự kiến triển khai đầy đủ", "(12) Kiểm tra, đánh giá"])
    for row in report["rows"]:
        append_row(sheet, [row["number"], row["system_name"], row["owner_name"], row["operator_name"],
                      row["level"] or UNKNOWN, APPROVAL_STATUS_LABELS.get(row["approval_status"], ""),
                      row["decision"], row["security_policy"], row["expected_approval"],
                      DEPLOYMENT_LABELS.get(row["plan_status"], ""), row["expected_plan_completion"],
                      "; ".join(REVIEW_DONE_LABELS.get(r, r) for r in row["reviews"])])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
