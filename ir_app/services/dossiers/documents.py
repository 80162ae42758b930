"""Record → context: the plain dicts the DOCX templates are rendered from, built from the
database; plus the files a user downloads (one document, a dossier ZIP, a commune bundle)."""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ir_app.documents.catalog import DocumentCatalogue, DocumentSpec
from ir_app.documents.context import default_legal_bases, plan_from_catalogue
from ir_app.documents.names import in_sentence, police_unit_name, with_commune
from ir_app.documents.package import BundleWriter, build_zip
from ir_app.documents.render import missing_required, render_document, render_draft
from ir_app.documents.signing import Leadership
from ir_app.documents.text import cite
from ir_app.models import (
    DocumentTemplate,
    Dossier,
    InformationSystem,
    IssuedDocument,
    Organisation,
    Review,
    SecurityPolicy,
    StoredFile,
    Unit,
)
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.design.document import embed_diagram
from ir_app.services.design.store import SystemDesignView, dossier_design
from ir_app.services.dossiers import numbering
from ir_app.services.dossiers.document_parties import (
    MINISTRY,
    committee_leaders,
    issuing_authority,
    names_of,
    operator_party,
    owner_party,
    signer_for,
    specialised_party,
    title_with_body,
)
from ir_app.services.dossiers.numbering import IssuedNumber
from ir_app.services.files import TEMPLATES, store_upload
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan
from ir_app.services.risks.documents import dossier_risks
from ir_app.services.risks.library import load_risk_library

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

def commune_block(commune: Organisation) -> dict[str, str]:
    names = names_of(commune)
    return {"name": commune.name, "full_name": names.full,
            "province": commune.parent.name if commune.parent else "", "place_name": commune.name}


def _system(system: InformationSystem, design: SystemDesignView | None = None) -> dict[str, Any]:
    components = system.components
    return {
        "logical_model": design.logical if design else "", "physical_model": design.physical if design else "",
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


def _plan(records: DossierDocuments, law: LawData, live: bool) -> Any:
    """The protection plan (as submitted, or ``live`` as it is now), built once per records: the
    immutable template sandbox cannot change it between two documents."""
    key = "live_plan" if live else "plan"
    if key not in records.shared:
        dossier = records.dossier
        entries = records.live_plan_entries if live else records.plan_entries
        records.shared[key] = plan_from_catalogue(law.catalogue, dossier.level, dossier.regime, entries)
    return records.shared[key]


def _policy(policy: SecurityPolicy | None, owner_name: str) -> dict[str, Any]:
    if policy is None:
        return {}
    return {"decision": policy.decision_number, "date": policy.issued_on, "issuer": owner_name, "title": policy.title}


def _grounds(reason: dict[str, Any]) -> str:
    return f"{cite(reason['article'])}: {reason['text']}" if reason.get("article") else reason.get("text", "")


def _dossier_block(records: DossierDocuments, law: LawData, owner_name: str, proposer: str,
                   live_plan: bool) -> dict[str, Any]:
    dossier, commune = records.dossier, records.dossier.commune
    level = dossier.level
    systems = [{"name": dossier.system.name, "level": level,
                "grounds": "; ".join(_grounds(r) for r in dossier.reasons if r["level"] == level)}]
    systems += [{"name": part["name"], "level": part["level"], "grounds": part.get("ground", "")}
                for part in dossier.parts or []]
    return {
        "proposed_level": level,
        "reasons": [{"level": reason.get("level", 0), "article": cite(reason.get("article", "")),
                     "text": reason.get("text", ""), "criterion_id": reason.get("criterion_id", "")}
                    for reason in dossier.reasons],
        "justification": dossier.higher_level_justification, "systems": systems, "risks_text": dossier.risks,
        "national_security_list": bool((dossier.answers or {}).get("national_security_list")) or level == 5,
        "plan": _plan(records, law, live_plan) if level else {},
        "security_policy": _policy(records.policy, owner_name),
        "request": {"number": dossier.request_number, "date": dossier.request_on or (
            _local_day(dossier.submitted_at) if dossier.submitted_at else None)},
        "appraisal": {"number": dossier.appraisal_number, "date": dossier.appraisal_on,
                      "lead_unit": lead_unit_name(dossier.appraisal_by, commune),
                      "method": dossier.appraisal_method, "level_opinion": dossier.appraisal_text,
                      "plan_design_opinion": dossier.appraisal_design_opinion,
                      "plan_operation_opinion": dossier.appraisal_operation_opinion,
                      "conclusion": dossier.appraisal_result or ""},
        "approval": {"decision_number": dossier.decision_number or "", "decision_date": dossier.decision_on,
                     "proposer": proposer},
    }


def lead_unit_name(recorded: str, commune: Organisation) -> str:
    """The appraisal's lead unit with its commune: "Công an xã (đơn vị chuyên trách)" ->
    "Công an xã Vĩnh Lại (đơn vị chuyên trách)"."""
    recorded = (recorded or "").strip()
    if not recorded:
        return ""
    names = names_of(commune)
    head, sep, tail = recorded.partition(" (")
    return f"{with_commune(head, names)}{sep}{tail}"


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
    units: tuple[Unit, ...] = ()
    register: dict[str, IssuedDocument] = field(default_factory=dict)
    plan_entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    live_plan_entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The system's risk register (services/risks): the thuyết minh's risk table and Đ22.5 assessment.
    risks: tuple[dict[str, str], ...] = ()
    detailed_risk: dict[str, Any] = field(default_factory=dict)
    design: SystemDesignView | None = None  # the system's design (as submitted, once frozen): texts, diagram
    # What every document of the dossier shares (parties, plan), built once per records, not per document.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def load_dossier(session: Session, dossier_id: int, law: LawData) -> DossierDocuments:
    dossier = session.scalar(select(Dossier).where(Dossier.id == dossier_id).options(*_DOSSIER_LOADS))
    units = tuple(session.scalars(select(Unit).where(Unit.commune_id == dossier.commune_id).order_by(Unit.id)))
    policy = session.scalar(select(SecurityPolicy).where(SecurityPolicy.commune_id == dossier.commune_id)
                            .order_by(SecurityPolicy.issued_on.desc()).limit(1))
    register = numbering.register_rows(session, dossier.commune_id, numbering.dossier_subject(dossier))
    live = plan.entries_for_documents(session, dossier, law.catalogue, live=True)
    return _records(session, dossier, law, units, policy, register, live)


_DOSSIER_LOADS = (selectinload(Dossier.system).selectinload(InformationSystem.components),
                  selectinload(Dossier.system).selectinload(InformationSystem.unit),
                  selectinload(Dossier.commune).selectinload(Organisation.parent))


def load_dossiers(session: Session, dossier_ids: list[int], law: LawData) -> list[DossierDocuments]:
    """Many dossiers' records (a bundle's batch), in the order asked: what ``load_dossier`` reads
    per dossier is read here once for the whole batch (dossiers, units, policies, numbers, plans);
    only each dossier's risks and design take their own few statements."""
    dossiers = {dossier.id: dossier for dossier in session.scalars(
        select(Dossier).where(Dossier.id.in_(dossier_ids)).options(*_DOSSIER_LOADS))}
    communes = {dossier.commune_id for dossier in dossiers.values()}
    units: dict[int, list[Unit]] = {}
    for unit in session.scalars(select(Unit).where(Unit.commune_id.in_(communes)).order_by(Unit.id)):
        units.setdefault(unit.commune_id, []).append(unit)
    policies: dict[int, SecurityPolicy] = {}
    for policy in session.scalars(select(SecurityPolicy).where(SecurityPolicy.commune_id.in_(communes))
                                  .order_by(SecurityPolicy.issued_on.desc(), SecurityPolicy.id.desc())):
        policies.setdefault(policy.commune_id, policy)
    registers: dict[str, dict[str, IssuedDocument]] = {}
    subjects = [numbering.dossier_subject(dossier) for dossier in dossiers.values()]
    for row in session.scalars(select(IssuedDocument).where(IssuedDocument.commune_id.in_(communes),
                                                            IssuedDocument.subject.in_(subjects))):
        registers.setdefault(f"{row.commune_id}/{row.subject}", {})[row.doc_key] = row
    views = plan.plan_views(session, list(dossiers.values()), law.catalogue)
    return [_records(session, dossier, law, tuple(units.get(dossier.commune_id, ())),
                     policies.get(dossier.commune_id),
                     registers.get(f"{dossier.commune_id}/{numbering.dossier_subject(dossier)}", {}),
                     plan.document_entries(views[dossier.id]) if dossier.id in views else {})
            for dossier in (dossiers[dossier_id] for dossier_id in dossier_ids)]


def _records(session: Session, dossier: Dossier, law: LawData, units: tuple[Unit, ...],
             policy: SecurityPolicy | None, register: dict[str, IssuedDocument],
             live_entries: dict[str, dict[str, Any]]) -> DossierDocuments:
    unit = next((u for u in units if u.is_cyber_unit), None)
    names = names_of(dossier.commune)
    live = _local_names(live_entries, names)
    kept = _local_names(plan.entries_for_documents(session, dossier, law.catalogue), names) \
        if dossier.frozen_plan else live
    risks, detailed = dossier_risks(session, dossier, load_risk_library(law.folder)) if law.folder else ([], {})
    return DossierDocuments(dossier, unit, policy, units, register, kept, live, tuple(risks), detailed,
                            dossier_design(session, dossier))


def _local_names(entries: dict[str, dict[str, Any]], names) -> dict[str, dict[str, Any]]:
    """Library measures say "Công an xã"; a phường's or đặc khu's plan names its own police."""
    if names.police_unit == "Công an xã":
        return entries
    return {key: {name: value.replace("Công an xã", names.police_unit) if isinstance(value, str) else value
                  for name, value in entry.items()} for key, entry in entries.items()}


@dataclass(frozen=True)
class Parties:
    """The four bodies of a dossier's documents, and the leaders who sign for each."""

    parties: dict[str, dict[str, Any]]
    leaders: dict[str, Leadership | None]
    unit_names: dict[str, str]


def parties_of(records: DossierDocuments) -> Parties:
    if "parties" not in records.shared:
        records.shared["parties"] = _parties(records)
    return records.shared["parties"]


def _parties(records: DossierDocuments) -> Parties:
    dossier = records.dossier
    commune = dossier.commune
    operator, operator_leaders = operator_party(dossier.system, commune, list(records.units))
    unit, unit_leaders_ = specialised_party(records.specialised_unit, commune)
    level = dossier.level or 0
    ministry = level >= 4
    names = names_of(commune)
    operator_unit = police_unit_name(dossier.system.operator_name or (dossier.system.unit.name if dossier.system.unit
                                                                      else ""), names)
    unit_name = police_unit_name(records.specialised_unit.name if records.specialised_unit else names.police_unit,
                                 names)
    return Parties(
        parties={"owner": owner_party(dossier.system, commune), "operator": operator, "specialised_unit": unit,
                 "appraiser": dict(MINISTRY) if ministry else unit},
        leaders={"owner": committee_leaders(commune), "operator": operator_leaders,
                 "specialised_unit": unit_leaders_, "appraiser": None if ministry else unit_leaders_},
        unit_names={"owner": "", "operator": operator_unit, "specialised_unit": unit_name,
                    "appraiser": "" if ministry else unit_name})


def parties(records: DossierDocuments) -> dict[str, dict[str, Any]]:
    return parties_of(records).parties


def _addressees(key: str, all_parties: dict[str, dict[str, Any]], commune: Organisation) -> list[str]:
    province = commune.parent.name if commune.parent else ""
    if key in ("mau01", "mau03", "request_appraisal_approval"):
        return [all_parties["specialised_unit"]["name"]]
    if key in ("mau02", "request_appraisal"):
        return [all_parties["appraiser"]["name"]]
    if key in ("mau04", "appraisal_opinion"):
        return [all_parties["owner"]["name"], all_parties["operator"]["name"]]
    if key in ("mau05", "submission", "bao_cao_kiem_tra"):
        return [all_parties["owner"]["name"]]
    if key == "annual_report_mau08":
        return [f"Công an {in_sentence(province)} (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)"]
    return []


def _document(spec: DocumentSpec, level: int, bodies: Parties, commune: Organisation, issued: IssuedNumber,
              recorded_signer: str = "") -> dict[str, Any]:
    role = spec.issuer_for(level)
    issuer = bodies.parties[role]
    leaders = bodies.leaders.get(role)
    decides = issuing_authority(role, commune, leaders, bodies.unit_names[role]) \
        if spec.kind == "quyet_dinh" and leaders is not None else ""
    signer = signer_for(role, spec.kind, leaders, recorded_signer) if leaders is not None else {}
    recipients = list(spec.recipients)
    return {"key": spec.key, "title": spec.title, "form": spec.form or "", "issuer": issuer,
            "issuing_authority": decides, "number": issued.number, "symbol": issued.symbol,
            "place": commune.name, "date": issued.issued_on,
            "addressees": _addressees(spec.key, bodies.parties, commune),
            "legal_bases": list(default_legal_bases(spec.regime)), "recipients": recipients,
            "archive": f"VT, {issuer.get('abbreviation', '')}", "signer": signer}


def default_symbol(spec: DocumentSpec, issuer: dict[str, Any]) -> str:
    return spec.symbol.format(issuer=issuer.get("abbreviation", ""))


def document_number(records: DossierDocuments, spec: DocumentSpec) -> IssuedNumber:
    level = records.dossier.level or 1
    issuer = parties_of(records).parties[spec.issuer_for(level)]
    return numbering.issued_number(spec, default_symbol(spec, issuer), dossier=records.dossier,
                                   row=records.register.get(spec.key))


def dossier_context(records: DossierDocuments, spec: DocumentSpec, law: LawData, now: datetime, *,
                    row: IssuedDocument | None = None, use_register: bool = True,
                    live_plan: bool = False) -> dict[str, Any]:
    """The context for one document of one dossier (the same records give the same document,
    whenever it is exported: numbers and dates are the recorded ones, never today's)."""
    dossier = records.dossier
    commune = dossier.commune
    bodies = parties_of(records)
    level = dossier.level or 1
    issuer = bodies.parties[spec.issuer_for(level)]
    issued = numbering.issued_number(spec, default_symbol(spec, issuer), dossier=dossier,
                                     row=records.register.get(spec.key) if use_register else row)
    operator_leaders = bodies.leaders["operator"]
    proposer = title_with_body(operator_leaders.head_title, bodies.unit_names["operator"], names_of(commune)) \
        if bodies.unit_names["operator"] else ""
    recorded_signer = dossier.decision_signer if spec.numbering == "decision" else ""
    context = {
        "generated_at": now, "regime": {"id": dossier.regime},
        "commune": commune_block(commune),
        "document": _document(spec, level, bodies, commune, issued, recorded_signer),
        "system": _system(dossier.system, records.design), **bodies.parties,
        "dossier": _dossier_block(records, law, bodies.parties["owner"]["name"], proposer, live_plan),
    }
    if records.risks:  # the register replaces the free-text risk lines typed in the wizard
        context["dossier"] |= {"risks": list(records.risks), "detailed_risk": dict(records.detailed_risk)}
    return context


@dataclass(frozen=True)
class DocumentStatus:
    spec: DocumentSpec
    missing: list[str]
    issued: IssuedNumber = IssuedNumber()
    can_number: bool = False
    missing_paths: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.missing


def dossier_documents(catalogue: DocumentCatalogue, records: DossierDocuments, law: LawData,
                      now: datetime) -> list[DocumentStatus]:
    """Every document the dossier needs at its level (from the regime), with what is still missing."""
    return [status for status, _context in _documents_with_contexts(catalogue, records, law, now)]


def _documents_with_contexts(catalogue: DocumentCatalogue, records: DossierDocuments, law: LawData,
                             now: datetime) -> Iterator[tuple[DocumentStatus, dict[str, Any]]]:
    """Each needed document's status and the context it was judged on (and is rendered from)."""
    dossier = records.dossier
    if not dossier.level:
        return
    keys = [doc.key for doc in law.regime(dossier.regime).documents_for(dossier.level)]
    for spec in catalogue.for_level(dossier.regime, dossier.level, scope="system"):
        if spec.key not in keys:
            continue
        context = dossier_context(records, spec, law, now)
        issued = document_number(records, spec)
        missing = missing_required(spec.key, context, dossier.regime)
        yield (DocumentStatus(spec, [field.label for field in missing], issued,
                              numbering.can_record(spec, dossier, issued), tuple(field.path for field in missing)),
               context)


def record_document_number(session: Session, actor: Actor, records: DossierDocuments, spec: DocumentSpec,
                           raw_number: str, issued_on: date | None, now: datetime) -> IssuedNumber:
    """Number a document of the dossier once it is issued (e.g. a request sent without a number)."""
    dossier = records.dossier
    issuer = parties_of(records).parties[spec.issuer_for(dossier.level or 1)]
    return numbering.record_number(session, actor, spec, default_symbol(spec, issuer), raw_number, issued_on, now,
                                   commune_id=dossier.commune_id, subject=numbering.dossier_subject(dossier),
                                   dossier=dossier)


def template_bytes(session: Session, catalogue: DocumentCatalogue, spec: DocumentSpec) -> bytes:
    """An admin's accepted replacement if there is one, else the shipped template."""
    override = session.scalar(select(DocumentTemplate).where(DocumentTemplate.regime == spec.regime,
                                                            DocumentTemplate.doc_key == spec.key))
    if override is not None:
        return session.get(StoredFile, override.file_id).data
    return catalogue.template_path(spec).read_bytes()


class Templates:
    """The templates of one long run (a bundle): the replacements looked up in one statement and
    each template read once, not a query and a file read per document."""

    def __init__(self, session: Session, catalogue: DocumentCatalogue) -> None:
        self._session, self._catalogue = session, catalogue
        self._replaced = {(regime, key): file_id for regime, key, file_id in session.execute(
            select(DocumentTemplate.regime, DocumentTemplate.doc_key, DocumentTemplate.file_id))}
        self._read: dict[tuple[str, str], bytes] = {}

    def data(self, spec: DocumentSpec) -> bytes:
        key = (spec.regime, spec.key)
        if key not in self._read:
            file_id = self._replaced.get(key)
            self._read[key] = self._session.get(StoredFile, file_id).data if file_id is not None \
                else self._catalogue.template_path(spec).read_bytes()
        return self._read[key]


def render_one(session: Session, catalogue: DocumentCatalogue, spec: DocumentSpec, context: dict[str, Any],
               records: DossierDocuments | None = None, templates: Templates | None = None) -> bytes:
    data = templates.data(spec) if templates else template_bytes(session, catalogue, spec)
    return _with_diagram(render_document(data, context), records, context)


def render_draft_one(session: Session, catalogue: DocumentCatalogue, spec: DocumentSpec,
                     context: dict[str, Any], records: DossierDocuments | None = None) -> bytes:
    """The document as far as the records go, marked "DỰ THẢO", missing fields highlighted."""
    data, _ = render_draft(template_bytes(session, catalogue, spec), context, spec.key, spec.regime, catalogue)
    return _with_diagram(data, records, context)


def _with_diagram(data: bytes, records: DossierDocuments | None, context: dict[str, Any]) -> bytes:
    """The system's design diagram after the physical-model line (the thuyết minh has one)."""
    design = records.design if records else None
    if design is None or not design.design.zones:
        return data
    return embed_diagram(data, design.picture, design.title, context["generated_at"])


def dossier_files(session: Session, catalogue: DocumentCatalogue, records: DossierDocuments, law: LawData,
                  now: datetime, prefix: str = "", templates: Templates | None = None) -> list[tuple[str, bytes]]:
    """Every ready document of the dossier, by name; the incomplete ones are listed in CON-THIEU.txt."""
    files, missing_notes = [], []
    for status, context in _documents_with_contexts(catalogue, records, law, now):
        if not status.ready:
            missing_notes.append(f"{status.spec.display_name}: còn thiếu {', '.join(status.missing)}")
            continue
        files.append((f"{prefix}{status.spec.filename}.docx",
                      render_one(session, catalogue, status.spec, context, records, templates)))
    if missing_notes:
        files.append((f"{prefix}CON-THIEU.txt", ("\n".join(missing_notes) + "\n").encode("utf-8")))
    return sorted(files)


def dossier_zip(session: Session, catalogue: DocumentCatalogue, dossier_id: int, law: LawData, now: datetime) -> bytes:
    return build_zip(dossier_files(session, catalogue, load_dossier(session, dossier_id, law), law, now), now)


# --------------------------------------------------------------------------- bundles of many dossiers

@dataclass(frozen=True)
class BundledDossier:
    """A dossier to bundle and the folder its documents go into."""

    dossier_id: int
    folder: str


def commune_dossier_ids(session: Session, commune_id: int) -> list[int]:
    return list(session.scalars(select(Dossier.id).where(Dossier.commune_id == commune_id,
                                                         Dossier.state != "superseded").order_by(Dossier.id)))


def bundled_dossiers(session: Session, commune_ids: Iterable[int], *, commune_folders: bool) -> list[BundledDossier]:
    """The current dossiers of the communes in folder order (one statement): "SYSTEM-lan-N/", under
    "commune-slug/" when the bundle spans several communes."""
    rows = session.execute(
        select(Dossier.id, Organisation.slug, InformationSystem.code, Dossier.version_no)
        .join(InformationSystem, InformationSystem.id == Dossier.system_id)
        .join(Organisation, Organisation.id == Dossier.commune_id)
        .where(Dossier.commune_id.in_(list(commune_ids)), Dossier.state != "superseded"))
    return sorted((BundledDossier(dossier_id, (f"{slug}/" if commune_folders else "") + f"{code}-lan-{version}/")
                   for dossier_id, slug, code, version in rows), key=lambda item: item.folder)


def province_commune_ids(session: Session, province_id: int) -> list[int]:
    return list(session.scalars(select(Organisation.id).where(Organisation.parent_id == province_id,
                                                              Organisation.kind == "commune")))


LOAD_BATCH = 25  # dossiers whose records are read together: few statements, little memory


@dataclass(frozen=True)
class BundleSummary:
    dossiers: int
    files: int


def write_bundle(session: Session, catalogue: DocumentCatalogue, dossiers: list[BundledDossier], law: LawData,
                 now: datetime, target: BinaryIO, progress: Callable[[BundledDossier], None] = lambda _: None
                 ) -> BundleSummary:
    """The dossiers' documents into one ZIP on ``target``, written dossier by dossier: only one
    dossier's records and files are held at a time, whatever the number of dossiers."""
    templates = Templates(session, catalogue)
    with BundleWriter(target, now) as bundle:
        for start in range(0, len(dossiers), LOAD_BATCH):
            batch = dossiers[start:start + LOAD_BATCH]
            for item, records in zip(batch, load_dossiers(session, [item.dossier_id for item in batch], law)):
                for name, data in dossier_files(session, catalogue, records, law, now, item.folder, templates):
                    bundle.add(name, data)
                progress(item)
        return BundleSummary(len(dossiers), len(bundle.entries))


def commune_bundle(session: Session, catalogue: DocumentCatalogue, commune_id: int, law: LawData, now: datetime,
                   progress=lambda _: None) -> bytes:
    """All dossiers of a commune in one ZIP, one folder per system."""
    out = io.BytesIO()
    write_bundle(session, catalogue, bundled_dossiers(session, [commune_id], commune_folders=False), law, now, out,
                 progress)
    return out.getvalue()


# --------------------------------------------------------------------------- review and annual report

def review_subject(review: Review) -> str:
    return f"review:{review.id}"


def review_context(records: DossierDocuments, review: Review, spec: DocumentSpec, law: LawData,
                   now: datetime, register: dict[str, IssuedDocument] | None = None) -> dict[str, Any]:
    """The review report: numbered in the register under the review, not the dossier."""
    context = dossier_context(records, spec, law, now, row=(register or {}).get(spec.key), use_register=False,
                             live_plan=True)  # a check reads the plan as it is now
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


# --------------------------------------------------------------------------- template management

def replace_template(session: Session, actor: Actor, spec: DocumentSpec, filename: str, data: bytes,
                     now: datetime) -> None:
    """Use an uploaded template (already test-rendered by the caller) instead of the shipped one."""
    stored = store_upload(session, actor, commune_id=None, filename=filename or spec.template, data=data,
                          now=now, kind=TEMPLATES, field="file")
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
