"""A system's risk register: create, edit, delete, the starter proposal, and each risk as rated."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ir_app.domain import risks as rules
from ir_app.domain.measures import MeasureLibrary
from ir_app.i18n_markers import N_
from ir_app.models import InformationSystem, Measure, SystemComponent, User
from ir_app.models.risks import Risk, RiskMeasure
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.measures.register import serving_system
from ir_app.services.records import check_version, snapshot
from ir_app.services.risks.library import RiskLibrary

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SCALE_CHOICES = tuple((str(n), str(n)) for n in rules.SCALE)
TREATMENT_CHOICES = (("reduce", N_("Giảm thiểu (áp dụng biện pháp)")), ("accept", N_("Chấp nhận (có thời hạn)")),
                     ("transfer", N_("Chuyển giao (cho đơn vị khác)")), ("avoid", N_("Né tránh (dừng, thay đổi hoạt động)")))
TREATMENT_SHORT = {"reduce": N_("Giảm thiểu"), "accept": N_("Chấp nhận"), "transfer": N_("Chuyển giao"),
                   "avoid": N_("Né tránh")}
F = FieldSpec
RISK_FIELDS = [
    F("title", N_("Nguy cơ, rủi ro"), required=True),
    F("description", N_("Mô tả"), "textarea", max_length=5000),
    F("asset", N_("Tài sản, thành phần bị ảnh hưởng"), max_length=300,
      help=N_("Để trống để dùng thành phần được chọn hoặc tên hệ thống.")),
    F("likelihood", N_("Khả năng xảy ra (1–5)"), "choice", required=True, choices=SCALE_CHOICES),
    F("impact", N_("Mức độ ảnh hưởng (1–5)"), "choice", required=True, choices=SCALE_CHOICES),
    F("treatment", N_("Cách xử lý"), "choice", required=True, choices=TREATMENT_CHOICES),
    F("treatment_note", N_("Ghi chú xử lý (bắt buộc khi chuyển giao, né tránh)"), "textarea", max_length=2000),
    F("residual_likelihood", N_("Khả năng xảy ra sau xử lý"), "choice", required=True, choices=SCALE_CHOICES),
    F("residual_impact", N_("Mức độ ảnh hưởng sau xử lý"), "choice", required=True, choices=SCALE_CHOICES),
    F("review_on", N_("Ngày rà soát lại"), "date"),
    F("accepted_by", N_("Người chấp nhận rủi ro (họ tên, chức vụ)"), max_length=200),
    F("accepted_reason", N_("Lý do chấp nhận"), "textarea", max_length=2000),
    F("accepted_until", N_("Chấp nhận đến ngày"), "date"),
]
INT_FIELDS = ("likelihood", "impact", "residual_likelihood", "residual_impact")
RECORD_NAMES = [spec.name for spec in RISK_FIELDS] + ["threat_id", "component_id", "owner_id"]
REVIEW_AFTER = timedelta(days=365)  # risk assessment at least yearly (and on major change)


def local_day(moment: datetime) -> date:
    return moment.astimezone(LEGAL_TZ).date()


@dataclass(frozen=True)
class RiskInput:
    """What a form brings besides the plain fields: choices that belong to the system/commune."""

    threat_id: str = ""
    component_id: int | None = None
    owner_id: int | None = None
    measure_ids: tuple[int, ...] = ()


# --------------------------------------------------------------------------- reading

def system_risks(session: Session, system_id: int) -> list[Risk]:
    """The register of one system, in a fixed number of statements."""
    return _risks(session, Risk.system_id == system_id)


def commune_risks(session: Session, commune_id: int) -> list[Risk]:
    """Every system's register of one commune, in the same fixed number of statements."""
    return _risks(session, Risk.commune_id == commune_id)


def _risks(session: Session, where) -> list[Risk]:
    return list(session.scalars(
        select(Risk).where(where).order_by(Risk.id)
        .options(selectinload(Risk.measure_links).selectinload(RiskMeasure.measure),
                 selectinload(Risk.component), selectinload(Risk.owner), selectinload(Risk.system))))


def candidate_measures(session: Session, system: InformationSystem) -> list[Measure]:
    """The commune's measures in scope for the system: the ones a risk of it can be treated by."""
    return list(session.scalars(select(Measure).where(Measure.commune_id == system.commune_id,
                                                      serving_system(system.id))
                                .order_by(Measure.category, Measure.id)))


@dataclass(frozen=True)
class RatedRisk:
    risk: Risk
    level: rules.RiskLevel
    residual: rules.RiskLevel
    acceptance: str | None         # valid | expiring | expired | None
    problems: dict[str, str]       # what the decision still lacks (a proposal not yet completed)

    @property
    def complete(self) -> bool:
        return not self.problems


def rate(risk: Risk, library: RiskLibrary, today: date) -> RatedRisk:
    matrix = library.matrix
    decision = _decision(risk.treatment, risk.likelihood, risk.impact, risk.residual_likelihood,
                         risk.residual_impact, len(risk.measure_links), risk.treatment_note, risk.accepted_by,
                         risk.accepted_reason, risk.accepted_until)
    problems = rules.decision_problems(matrix, decision, today)
    if risk.treatment == "accept" and risk.accepted_until is not None and risk.accepted_until <= today:
        problems["accepted_until"] = "Thời hạn chấp nhận đã hết: xem xét lại rủi ro."
    return RatedRisk(risk, matrix.level(risk.likelihood, risk.impact),
                     matrix.level(risk.residual_likelihood, risk.residual_impact),
                     rules.acceptance_state(risk.treatment, risk.accepted_until, today), problems)


def rated_register(session: Session, system_id: int, library: RiskLibrary, today: date) -> list[RatedRisk]:
    """The register, highest level first (then the order entered)."""
    rated = [rate(risk, library, today) for risk in system_risks(session, system_id)]
    return sorted(rated, key=lambda item: (-item.level.rank, -item.residual.rank, item.risk.id))


def _decision(treatment, likelihood, impact, residual_likelihood, residual_impact, measure_count, note,
              accepted_by, reason, until) -> rules.Decision:
    return rules.Decision(treatment=treatment, likelihood=likelihood, impact=impact,
                          residual_likelihood=residual_likelihood, residual_impact=residual_impact,
                          measure_count=measure_count, treatment_note=note or "", accepted_by=accepted_by or "",
                          accepted_reason=reason or "", accepted_until=until)


# --------------------------------------------------------------------------- writing

def validate_risk(session: Session, system: InformationSystem, raw: dict[str, Any], extra: RiskInput,
                  library: RiskLibrary, today: date, unchanged_until: date | None = None
                  ) -> tuple[dict[str, Any], list[int]]:
    """Parsed values and measure ids, or ValidationFailed with a message per field.
    ``unchanged_until``: the acceptance date already recorded (an edit that keeps it may save
    after the date has passed, e.g. to change the treatment)."""
    values, errors = parse_record(RISK_FIELDS, raw)
    for name in INT_FIELDS:
        if name not in errors:
            values[name] = int(values[name])
    threat = library.threat(extra.threat_id) if extra.threat_id else None
    if extra.threat_id and threat is None:
        errors["threat_id"] = "Nguy cơ không có trong danh mục nguy cơ."
    values["threat_id"] = threat.id if threat else None
    values["component_id"] = _component_of(session, system, extra.component_id)
    if extra.component_id is not None and values["component_id"] is None:
        errors["component_id"] = "Thành phần không thuộc hệ thống này."
    values["owner_id"] = _owner_in_commune(session, system.commune_id, extra.owner_id)
    if extra.owner_id is not None and values["owner_id"] is None:
        errors["owner_id"] = "Người phụ trách phải là tài khoản của xã này."
    measures = _measures_in_commune(session, system.commune_id, extra.measure_ids)
    if len(measures) != len(set(extra.measure_ids)):
        errors["measure_ids"] = "Biện pháp được chọn không thuộc xã này."
    if not errors:
        decision = _decision(values["treatment"], values["likelihood"], values["impact"],
                             values["residual_likelihood"], values["residual_impact"], len(measures),
                             values["treatment_note"], values["accepted_by"], values["accepted_reason"],
                             values["accepted_until"])
        problems = rules.decision_problems(library.matrix, decision, today)
        if unchanged_until is not None and values["accepted_until"] == unchanged_until:
            problems.pop("accepted_until", None)
        errors.update(problems)
    if errors:
        raise ValidationFailed(errors)
    if values["treatment"] != "accept":  # an acceptance only means something for an accepted risk
        values.update(accepted_by="", accepted_reason="", accepted_until=None)
    return values, measures


def _component_of(session: Session, system: InformationSystem, component_id: int | None) -> int | None:
    if component_id is None:
        return None
    component = session.get(SystemComponent, component_id)
    return component.id if component is not None and component.system_id == system.id else None


def _owner_in_commune(session: Session, commune_id: int, owner_id: int | None) -> int | None:
    if owner_id is None:
        return None
    user = session.get(User, owner_id)
    return user.id if user is not None and user.organisation_id == commune_id else None


def _measures_in_commune(session: Session, commune_id: int, measure_ids: tuple[int, ...]) -> list[int]:
    if not measure_ids:
        return []
    return list(session.scalars(select(Measure.id).where(Measure.commune_id == commune_id,
                                                         Measure.id.in_(set(measure_ids))).order_by(Measure.id)))


def _record(risk: Risk) -> dict[str, Any]:
    return snapshot(risk, RECORD_NAMES) | {"measure_ids": sorted(risk.measure_ids)}


def save_risk(session: Session, actor: Actor, system: InformationSystem, raw: dict[str, Any], extra: RiskInput,
              library: RiskLibrary, now: datetime, risk: Risk | None = None,
              expected_version: int | None = None) -> Risk:
    """Create a risk of the system, or update one (version-checked); audited with what changed."""
    if risk is not None:
        check_version(risk, expected_version)
    values, measures = validate_risk(session, system, raw, extra, library, local_day(now),
                                     risk.accepted_until if risk is not None else None)
    before = {} if risk is None else _record(risk)
    if risk is not None and audit.diff(before, before | values | {"measure_ids": measures}) == {}:
        return risk  # the form came back unchanged: no new version
    if risk is None:
        risk = Risk(commune_id=system.commune_id, system_id=system.id, created_at=now, created_by_id=actor.user_id)
        session.add(risk)
    threat = library.threat(values["threat_id"])
    if threat is not None and risk.threat_id != threat.id:
        risk.threat_library, risk.threat_library_version = library.threats.id, library.threats.version
    elif threat is None:
        risk.threat_library = risk.threat_library_version = None
    for name, value in values.items():
        setattr(risk, name, value)
    _sync_measures(risk, measures)
    risk.updated_at = now
    session.flush()
    audit.record(session, actor, "create" if not before else "update", now=now, object_type="risk",
                 object_id=risk.id, commune_id=system.commune_id, summary=f"{system.code}: {risk.title[:180]}",
                 changes=audit.diff(before, _record(risk)))
    return risk


def _sync_measures(risk: Risk, measure_ids: list[int]) -> None:
    if sorted(risk.measure_ids) != sorted(measure_ids):
        kept = {link.measure_id: link for link in risk.measure_links}
        risk.measure_links = [kept.get(mid) or RiskMeasure(measure_id=mid) for mid in measure_ids]


def delete_risk(session: Session, actor: Actor, risk: Risk, now: datetime, expected_version: int | None) -> None:
    check_version(risk, expected_version)
    before, risk_id, commune_id, title = _record(risk), risk.id, risk.commune_id, risk.title
    session.delete(risk)
    session.flush()
    audit.record(session, actor, "delete", now=now, object_type="risk", object_id=risk_id,
                 commune_id=commune_id, summary=title[:200], changes=audit.diff(before, {}))


# --------------------------------------------------------------------------- the starter

def system_profile(system: InformationSystem) -> rules.SystemProfile:
    components = tuple(rules.ComponentInfo(c.id, c.kind, c.name, " ".join(
        filter(None, (c.name, c.component_type, c.purpose, c.server, c.operating_system))))
        for c in system.components)
    personal = bool(system.personal_data_subjects or system.sensitive_data_subjects
                    or "personal" in (system.information_types or []))
    return rules.SystemProfile(system.system_type, bool(system.internet_exposed),
                               system.hosting == "provincial_dc", personal, components)


def propose_risks(session: Session, actor: Actor, system: InformationSystem, library: RiskLibrary,
                  measures: MeasureLibrary | None, now: datetime) -> list[Risk]:
    """One click: a draft register from the threat catalogue for this system (by its type,
    exposure, hosting, personal data and components). Threats already in the register are left
    alone. Each draft links the commune's measures adopted from library measures that mitigate
    the threat, and guesses the residual rating from their status; everything stays editable."""
    present = set(session.scalars(select(Risk.threat_id).where(Risk.system_id == system.id,
                                                               Risk.threat_id.is_not(None))))
    proposals = rules.propose(library.threats.threats, library.matrix.proposals, system_profile(system), present)
    serving = candidate_measures(session, system)
    by_library_id = {m.library_measure_id: m for m in serving if m.library_measure_id}
    review_on = local_day(now) + REVIEW_AFTER
    created = []
    for proposal in proposals:
        threat = library.threats.threat(proposal.threat_id)
        treating = [by_library_id[item.id] for item in measures.mitigating(threat.id)
                    if item.id in by_library_id] if measures else []
        likelihood, impact = rules.proposed_residual(proposal.likelihood, proposal.impact,
                                                     [m.status for m in treating])
        risk = Risk(commune_id=system.commune_id, system_id=system.id, threat_id=threat.id,
                    threat_library=library.threats.id, threat_library_version=library.threats.version,
                    title=threat.title, description=threat.description,
                    asset=proposal.component_name or system.name, component_id=proposal.component_id,
                    likelihood=proposal.likelihood, impact=proposal.impact, treatment="reduce",
                    treatment_note="" if treating else "Chưa có biện pháp của xã xử lý nguy cơ này: cần bổ sung.",
                    residual_likelihood=likelihood, residual_impact=impact, review_on=review_on,
                    created_at=now, updated_at=now, created_by_id=actor.user_id,
                    measure_links=[RiskMeasure(measure_id=m.id) for m in treating])
        session.add(risk)
        created.append(risk)
    session.flush()
    for risk in created:
        audit.record(session, actor, "create", now=now, object_type="risk", object_id=risk.id,
                     commune_id=system.commune_id, summary=f"{system.code}: {risk.title[:150]} (đề xuất từ danh mục)",
                     changes=audit.diff({}, _record(risk)))
    return created


__all__ = ["RISK_FIELDS", "RatedRisk", "RiskInput", "TREATMENT_CHOICES", "candidate_measures", "delete_risk",
           "propose_risks", "rate", "rated_register", "save_risk", "system_risks", "commune_risks",
           "validate_risk"]
