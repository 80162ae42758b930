"""Record → context: the plain dicts the DOCX templates are rendered from, built from the
database; plus the files a user downloads (one document, a dossier ZIP, a commune bundle)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ir_app.documents.catalog import DocumentCatalogue, DocumentSpec
from ir_app.documents.context import (APPROVAL_STATUS_LABELS, DEPLOYMENT_LABELS, default_legal_bases,
                                      plan_from_catalogue)
from ir_app.documents.package import build_zip
from ir_app.domain.plan import Progress as PlanProgress
from ir_app.documents.render import missing_fields, render_document
from ir_app.models import (DocumentTemplate, Dossier, InformationSystem, Organisation, Review, SecurityPolicy,
                           StoredFile, Unit)
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.files import store_upload
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MINISTRY = {"name": "Bộ Công an (Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)",
            "header_name": "CỤC AN NINH MẠNG VÀ PHÒNG, CHỐNG\nTỘI PHẠM SỬ DỤNG CÔNG NGHỆ CAO",
            "parent_name": "BỘ CÔNG AN", "abbreviation": "A05", "address": "Hà Nội"}
# Abbreviations used in document symbols (NĐ 30/2020 Phụ lục III) for the usual commune units.
KNOWN_ABBREVIATIONS = {"văn phòng hđnd và ubnd": "VP", "công an xã": "CAX", "công an phường": "CAP",
                       "trung tâm phục vụ hành chính công": "TTPVHCC", "ủy ban nhân dân": "UBND"}
PLAN_STATE_BY_DOSSIER = {"draft": "drafting", "returned": "drafting", "submitted": "submitted",
                         "accepted": "submitted", "appraised": "appraised", "pending_approval": "appraised",
                         "approved": "approved", "protecting": "approved", "operating": "approved"}


def abbreviation(name: str) -> str:
    lowered = name.lower()
    for known, short in KNOWN_ABBREVIATIONS.items():
        if lowered.startswith(known):
            return short
    return "".join(word[0] for word in re.findall(r"\w+", name) if word[0].isalpha()).upper()[:10] or "CQ"


def _commune_title(commune: Organisation) -> str:
    return commune.full_name.upper()


def _owner(system: InformationSystem, commune: Organisation) -> dict[str, Any]:
    return {"name": system.owner_name or f"Ủy ban nhân dân {commune.full_name.lower()}",
            "header_name": f"ỦY BAN NHÂN DÂN\n{_commune_title(commune)}", "abbreviation": "UBND",
            "functions": system.owner_functions, "representative": system.owner_representative,
            "position": "Chủ tịch Ủy ban nhân dân", "address": system.owner_address or commune.address,
            "phone": system.owner_phone or commune.phone, "email": system.owner_email or commune.email}


def _operator(system: InformationSystem, commune: Organisation) -> dict[str, Any]:
    name = system.operator_name or (system.unit.name if system.unit else "")
    return {"name": name, "header_name": name.upper(), "parent_name": f"UBND {_commune_title(commune)}",
            "abbreviation": abbreviation(name), "functions": system.operator_functions,
            "representative": system.operator_representative, "position": "Thủ trưởng đơn vị",
            "address": system.operator_address or commune.address, "phone": system.operator_phone,
            "email": system.operator_email}


def _specialised_unit(unit: Unit | None, commune: Organisation) -> dict[str, Any]:
    name = unit.name if unit else "Công an xã"
    full = f"{name} {commune.name}" if commune.name not in name else name
    return {"name": full, "header_name": full.upper(), "abbreviation": abbreviation(name),
            "parent_name": f"CÔNG AN {commune.parent.name.upper()}" if commune.parent else "",
            "functions": unit.functions if unit else "", "representative": unit.head_name if unit else "",
            "position": f"Trưởng {name}", "address": commune.address, "phone": unit.phone if unit else "",
            "email": unit.email if unit else ""}


def _system(system: InformationSystem) -> dict[str, Any]:
    components = system.components
    return {
        "code": system.code, "name": system.name, "purpose": system.purpose, "system_type": system.system_type,
        "information_types": list(system.information_types or []), "scope": system.scope, "scale": system.scale,
        "users_served": system.users_served, "personal_data_subjects": system.personal_data_subjects,
        "sensitive_data_subjects": system.sensitive_data_subjects,
        "hosting": system.hosting_detail or system.hosting, "domains": system.domains,
        "equipment": [{"name": c.name, "model": c.component_type, "location": c.location, "purpose": c.purpose}
                      for c in components if c.kind == "equipment"],
        "applications": [{"name": c.name, "server": c.server, "location": c.location,
                          "operating_system": c.operating_system, "purpose": c.purpose}
                         for c in components if c.kind == "application"],
        "zones": [{"name": c.name, "private_ips": c.ip_range, "purpose": c.purpose}
                  for c in components if c.kind == "network_zone"]
        + ([{"name": "Địa chỉ công khai", "public_ips": system.public_ips}] if system.public_ips else []),
    }


def _plan(dossier: Dossier, law: LawData, entries: dict[str, dict[str, Any]]) -> Any:
    return plan_from_catalogue(law.catalogue, dossier.level, dossier.regime, entries)


def _policy(policy: SecurityPolicy | None, owner_name: str) -> dict[str, Any]:
    if policy is None:
        return {}
    return {"decision": policy.decision_number, "date": policy.issued_on, "issuer": owner_name, "title": policy.title}


def _dossier_block(dossier: Dossier, law: LawData, policy: SecurityPolicy | None, owner_name: str,
                   proposer: str, plan_entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    level = dossier.level
    systems = [{"name": dossier.system.name, "level": level,
                "grounds": "; ".join(f"{r['article']}: {r['text']}" for r in dossier.reasons if r["level"] == level)}]
    systems += [{"name": part["name"], "level": part["level"], "grounds": part.get("ground", "")}
                for part in dossier.parts or []]
    return {
        "proposed_level": level,
        "reasons": [{key: reason[key] for key in ("level", "article", "text", "criterion_id") if key in reason}
                    for reason in dossier.reasons],
        "justification": dossier.higher_level_justification, "systems": systems, "risks_text": dossier.risks,
        "plan": _plan(dossier, law, plan_entries) if level else {},
        "security_policy": _policy(policy, owner_name),
        "request": {"number": dossier.request_number,
                    "date": _local_day(dossier.submitted_at) if dossier.submitted_at else None},
        "appraisal": {"number": dossier.appraisal_number, "date": dossier.appraisal_on, "lead_unit": dossier.appraisal_by,
                      "level_opinion": dossier.appraisal_text, "conclusion": dossier.appraisal_result or "",
                      "method": "Nghiên cứu hồ sơ" if dossier.appraisal_result else ""},
        "approval": {"decision_number": dossier.decision_number or "", "decision_date": dossier.decision_on,
                     "proposer": proposer},
    }


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LEGAL_TZ).date()


@dataclass(frozen=True)
class DossierDocuments:
    """The records one dossier's documents are built from, loaded together. ``plan_entries`` are
    the plan rows as submitted (frozen in the version) or, before submission, as they are now;
    ``live_plan_entries`` always as they are now (periodic review reports)."""

    dossier: Dossier
    specialised_unit: Unit | None
    policy: SecurityPolicy | None
    plan_entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    live_plan_entries: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_dossier(session: Session, dossier_id: int, law: LawData) -> DossierDocuments:
    dossier = session.scalar(select(Dossier).where(Dossier.id == dossier_id).options(
        selectinload(Dossier.system).selectinload(InformationSystem.components),
        selectinload(Dossier.commune).selectinload(Organisation.parent)))
    unit = session.scalar(select(Unit).where(Unit.commune_id == dossier.commune_id, Unit.is_cyber_unit.is_(True))
                          .limit(1))
    policy = session.scalar(select(SecurityPolicy).where(SecurityPolicy.commune_id == dossier.commune_id)
                            .order_by(SecurityPolicy.issued_on.desc()).limit(1))
    live = plan.entries_for_documents(session, dossier, law.catalogue, live=True)
    kept = plan.entries_for_documents(session, dossier, law.catalogue) if dossier.frozen_plan else live
    return DossierDocuments(dossier, unit, policy, kept, live)


def parties(records: DossierDocuments) -> dict[str, dict[str, Any]]:
    dossier = records.dossier
    commune = dossier.commune
    unit = _specialised_unit(records.specialised_unit, commune)
    return {"owner": _owner(dossier.system, commune), "operator": _operator(dossier.system, commune),
            "specialised_unit": unit, "appraiser": unit if (dossier.level or 0) <= 3 else dict(MINISTRY)}


def _signer(party: dict[str, Any], kind: str, issuer_role: str) -> dict[str, str]:
    if issuer_role == "owner":
        return {"authority": "" if kind == "quyet_dinh" else "TM. ỦY BAN NHÂN DÂN", "position": "CHỦ TỊCH",
                "name": party.get("representative", "")}
    return {"authority": "", "position": (party.get("position") or "").upper(), "name": party.get("representative", "")}


def _addressees(key: str, all_parties: dict[str, dict[str, Any]], province: str) -> list[str]:
    if key in ("mau01", "mau03", "request_appraisal_approval"):
        return [all_parties["specialised_unit"]["name"]]
    if key in ("mau02", "request_appraisal"):
        return [all_parties["appraiser"]["name"]]
    if key in ("mau04", "appraisal_opinion"):
        return [all_parties["owner"]["name"], all_parties["operator"]["name"]]
    if key in ("mau05", "submission", "bao_cao_kiem_tra"):
        return [all_parties["owner"]["name"]]
    if key == "annual_report_mau08":
        return [f"Công an {province} (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)"]
    return []


def _document(spec: DocumentSpec, level: int, all_parties: dict[str, dict[str, Any]], commune: Organisation,
              today: date, full_number: str = "") -> dict[str, Any]:
    role = spec.issuer_for(level)
    issuer = all_parties[role]
    decides = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {_commune_title(commune)}" if role == "owner" else \
        (issuer.get("position") or "").upper()
    number, _, symbol = full_number.partition("/")  # a recorded number keeps its own symbol
    return {"key": spec.key, "title": spec.title, "form": spec.form or "", "issuer": issuer,
            "issuing_authority": decides if spec.kind == "quyet_dinh" else "", "number": number,
            "symbol": symbol or spec.symbol.format(issuer=issuer.get("abbreviation", "")), "place": commune.name,
            "date": today, "addressees": _addressees(spec.key, all_parties, commune.parent.name if commune.parent else ""),
            "legal_bases": list(default_legal_bases(spec.regime)), "recipients": list(spec.recipients),
            "archive": f"VT, {issuer.get('abbreviation', '')}", "signer": _signer(issuer, spec.kind, role)}


def dossier_context(records: DossierDocuments, spec: DocumentSpec, law: LawData, now: datetime,
                    live_plan: bool = False) -> dict[str, Any]:
    """The context for one document of one dossier (deterministic for the same records and clock)."""
    dossier = records.dossier
    commune = dossier.commune
    all_parties = parties(records)
    number = (dossier.decision_number or "") if spec.kind == "quyet_dinh" else ""
    proposer = f"{all_parties['operator'].get('position', '')} {all_parties['operator']['name']}".strip()
    return {
        "generated_at": now, "regime": {"id": dossier.regime},
        "commune": {"name": commune.name, "full_name": commune.full_name.lower().capitalize(),
                    "province": commune.parent.name if commune.parent else "", "place_name": commune.name},
        "document": _document(spec, dossier.level or 1, all_parties, commune, _local_day(now), number),
        "system": _system(dossier.system), **all_parties,
        "dossier": _dossier_block(dossier, law, records.policy, all_parties["owner"]["name"], proposer,
                                  records.live_plan_entries if live_plan else records.plan_entries),
    }


@dataclass(frozen=True)
class DocumentStatus:
    spec: DocumentSpec
    missing: list[str]

    @property
    def ready(self) -> bool:
        return not self.missing


def dossier_documents(catalogue: DocumentCatalogue, records: DossierDocuments, law: LawData,
                      now: datetime) -> list[DocumentStatus]:
    """Every document the dossier needs at its level (from the regime), with what is still missing."""
    dossier = records.dossier
    if not dossier.level:
        return []
    keys = [doc.key for doc in law.regime(dossier.regime).documents_for(dossier.level)]
    statuses = []
    for spec in catalogue.for_level(dossier.regime, dossier.level, scope="system"):
        if spec.key not in keys:
            continue
        context = dossier_context(records, spec, law, now)
        statuses.append(DocumentStatus(spec, missing_fields(spec.key, context, dossier.regime)))
    return statuses


def template_bytes(session: Session, catalogue: DocumentCatalogue, spec: DocumentSpec) -> bytes:
    """An admin's accepted replacement if there is one, else the shipped template."""
    override = session.scalar(select(DocumentTemplate).where(DocumentTemplate.regime == spec.regime,
                                                            DocumentTemplate.doc_key == spec.key))
    if override is not None:
        return session.get(StoredFile, override.file_id).data
    return catalogue.template_path(spec).read_bytes()


def render_one(session: Session, catalogue: DocumentCatalogue, spec: DocumentSpec, context: dict[str, Any]) -> bytes:
    return render_document(template_bytes(session, catalogue, spec), context)


def dossier_files(session: Session, catalogue: DocumentCatalogue, records: DossierDocuments, law: LawData,
                  now: datetime, prefix: str = "") -> list[tuple[str, bytes]]:
    """Every ready document of the dossier; the incomplete ones are listed in CON-THIEU.txt."""
    files, missing_notes = [], []
    for status in dossier_documents(catalogue, records, law, now):
        if not status.ready:
            missing_notes.append(f"{status.spec.display_name}: còn thiếu {', '.join(status.missing)}")
            continue
        context = dossier_context(records, status.spec, law, now)
        files.append((f"{prefix}{status.spec.filename}.docx", render_one(session, catalogue, status.spec, context)))
    if missing_notes:
        files.append((f"{prefix}CON-THIEU.txt", ("\n".join(missing_notes) + "\n").encode("utf-8")))
    return files


def dossier_zip(session: Session, catalogue: DocumentCatalogue, dossier_id: int, law: LawData, now: datetime) -> bytes:
    return build_zip(dossier_files(session, catalogue, load_dossier(session, dossier_id, law), law, now), now)


def commune_dossier_ids(session: Session, commune_id: int) -> list[int]:
    return list(session.scalars(select(Dossier.id).where(Dossier.commune_id == commune_id,
                                                         Dossier.state != "superseded").order_by(Dossier.id)))


def commune_bundle(session: Session, catalogue: DocumentCatalogue, commune_id: int, law: LawData, now: datetime,
                   progress=lambda _: None) -> bytes:
    """All dossiers of a commune in one ZIP, one folder per system."""
    files: list[tuple[str, bytes]] = []
    for dossier_id in commune_dossier_ids(session, commune_id):
        records = load_dossier(session, dossier_id, law)
        folder = f"{records.dossier.system.code}-lan-{records.dossier.version_no}/"
        files += dossier_files(session, catalogue, records, law, now, prefix=folder)
        progress(dossier_id)
    return build_zip(files, now)




# --------------------------------------------------------------------------- review and annual report

def review_context(records: DossierDocuments, review: Review, spec: DocumentSpec, law: LawData,
                   now: datetime) -> dict[str, Any]:
    context = dossier_context(records, spec, law, now, live_plan=True)  # a check reads the plan as it is now
    context["review"] = {
        "date": review.reviewed_on, "kind": "periodic", "assessor": review.assessor,
        "assessor_unit": review.external_organisation or context["specialised_unit"]["name"],
        "is_independent": review.is_independent, "external_org": review.external_organisation,
        "result": review.result, "summary": review.summary, "next_due": review.next_due_on,
        "findings": [{"number": index, "requirement": finding.requirement_id, "description": finding.text,
                      "severity": "medium" if finding.is_failing else "low", "due_date": finding.due_on}
                     for index, finding in enumerate(review.findings, start=1)],
    }
    return context


def annual_report_context(session: Session, commune: Organisation, spec: DocumentSpec, year: int,
                          now: datetime, law: LawData) -> dict[str, Any]:
    """Mẫu 08: one row per system of the commune (data period 15/12 of last year to 14/12)."""
    systems = list(session.scalars(select(InformationSystem).where(InformationSystem.commune_id == commune.id,
                                                                   InformationSystem.status != "retired")
                                   .order_by(InformationSystem.code)))
    latest = _latest_dossiers(session, commune.id)
    progress = {key: view.progress for key, view in plan.plan_views(session, list(latest.values()),
                                                                     law.catalogue).items()}
    reviewed = set(session.scalars(select(Dossier.system_id).join(Review, Review.dossier_id == Dossier.id)
                                   .where(Dossier.commune_id == commune.id)))
    policy = session.scalar(select(SecurityPolicy).where(SecurityPolicy.commune_id == commune.id)
                            .order_by(SecurityPolicy.issued_on.desc()).limit(1))
    rows = [_annual_row(index, system, latest.get(system.id), system.id in reviewed, policy, commune, progress)
            for index, system in enumerate(systems, start=1)]
    period = law.default_regime.annual_report.period(year)
    unit = session.scalar(select(Unit).where(Unit.commune_id == commune.id, Unit.is_cyber_unit.is_(True)).limit(1))
    owner = {"name": f"Ủy ban nhân dân {commune.full_name.lower()}", "abbreviation": "UBND",
             "header_name": f"ỦY BAN NHÂN DÂN\n{_commune_title(commune)}", "address": commune.address,
             "phone": commune.phone, "representative": systems[0].owner_representative if systems else ""}
    all_parties = {"owner": owner, "operator": owner, "specialised_unit": _specialised_unit(unit, commune),
                   "appraiser": _specialised_unit(unit, commune)}
    approved = sum(1 for row in rows if row["approval_status"] == "approved")
    return {
        "generated_at": now, "regime": {"id": spec.regime},
        "commune": {"name": commune.name, "full_name": commune.full_name.lower().capitalize(),
                    "province": commune.parent.name if commune.parent else "", "place_name": commune.name},
        "document": _document(spec, 1, all_parties, commune, _local_day(now)), **all_parties,
        "annual_report": {"year": year, "period_start": period[0], "period_end": period[1], "rows": rows,
                          "totals": {"systems": len(systems), "classified": len(latest), "dossiers": len(latest),
                                     "appraised": sum(1 for row in rows if row["approval_status"] in
                                                      ("appraised", "approved")),
                                     "approved": approved, "reviewed": len(reviewed)}},
    }


def _latest_dossiers(session: Session, commune_id: int) -> dict[int, Dossier]:
    latest: dict[int, Dossier] = {}
    for dossier in session.scalars(select(Dossier).where(Dossier.commune_id == commune_id,
                                                         Dossier.state != "superseded")
                                   .order_by(Dossier.version_no)):
        latest[dossier.system_id] = dossier
    return latest


def _annual_row(index: int, system: InformationSystem, dossier: Dossier | None, reviewed: bool,
                policy: SecurityPolicy | None, commune: Organisation,
                progress: dict[int, PlanProgress]) -> dict[str, Any]:
    # Column (10): the same derived plan status the plan page shows.
    deployment = progress[dossier.id].deployment if dossier and dossier.id in progress else "none"
    decision = ""
    if system.approval_decision_number:
        when = f" ngày {system.approval_decision_on:%d/%m/%Y}" if system.approval_decision_on else ""
        decision = f"{system.approval_decision_number}{when}"
    return {"number": index, "system_name": system.name, "owner_name": system.owner_name or f"UBND {commune.full_name}",
            "operator_name": system.operator_name, "level": (dossier.level if dossier else None) or system.approved_level,
            "approval_status": "approved" if system.approved_level else
            PLAN_STATE_BY_DOSSIER.get(dossier.state, "drafting") if dossier else "drafting",
            "decision": decision,
            "security_policy": f"{policy.decision_number} ngày {policy.issued_on:%d/%m/%Y}" if policy else "",
            "plan_status": deployment,
            "reviews": ["periodic"] if reviewed else []}


# --------------------------------------------------------------------------- template management

def replace_template(session: Session, actor: Actor, spec: DocumentSpec, filename: str, data: bytes,
                     now: datetime) -> None:
    """Use an uploaded template (already test-rendered by the caller) instead of the shipped one."""
    stored = store_upload(session, actor, commune_id=None, filename=filename or spec.template, data=data,
                          now=now, allowed=frozenset({"application/zip"}), field="file")
    row = session.scalar(select(DocumentTemplate).where(DocumentTemplate.regime == spec.regime,
                                                       DocumentTemplate.doc_key == spec.key))
    if row is None:
        session.add(DocumentTemplate(regime=spec.regime, doc_key=spec.key, file_id=stored.id, uploaded_at=now,
                                     uploaded_by_id=actor.user_id))
    else:
        row.file_id, row.uploaded_at, row.uploaded_by_id = stored.id, now, actor.user_id
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="document_template", object_id=spec.key,
                 summary=f"Thay mẫu {spec.display_name} ({stored.sha256[:12]})")


def restore_shipped_template(session: Session, actor: Actor, spec: DocumentSpec, now: datetime) -> None:
    row = session.scalar(select(DocumentTemplate).where(DocumentTemplate.regime == spec.regime,
                                                       DocumentTemplate.doc_key == spec.key))
    if row is not None:
        session.delete(row)
        session.flush()
    audit.record(session, actor, "update", now=now, object_type="document_template", object_id=spec.key,
                 summary=f"Dùng lại mẫu gốc {spec.display_name}")


def annual_report_workbook(context: dict[str, Any]) -> bytes:
    """Mẫu 08's 12-column table as a spreadsheet (staff keep these in Excel)."""
    report = context["annual_report"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Mau 08 nam {report['year']}"
    sheet.append([f"Báo cáo kết quả bảo đảm an ninh mạng hệ thống thông tin năm {report['year']} — "
                  f"{context['commune']['full_name']}"])
    sheet.append(["(1) STT", "(2) Tên hệ thống", "(3) Chủ quản", "(4) Đơn vị vận hành", "(5) Cấp độ",
                  "(6) Tình trạng phê duyệt", "(7) Quyết định phê duyệt", "(8) Quy chế", "(9) Dự kiến phê duyệt",
                  "(10) Triển khai phương án", "(11) Dự kiến triển khai đầy đủ", "(12) Kiểm tra, đánh giá"])
    for row in report["rows"]:
        sheet.append([row["number"], row["system_name"], row["owner_name"], row["operator_name"], row["level"],
                      APPROVAL_STATUS_LABELS.get(row["approval_status"], ""), row["decision"],
                      row["security_policy"], "", DEPLOYMENT_LABELS.get(row["plan_status"], ""), "",
                      "Định kỳ" if row["reviews"] else ""])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
