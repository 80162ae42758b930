"""Level dossiers: the wizard's answers, the level decision, the workflow, versions.

The rules live in data (regime files, workflow.yaml) and the pure domain; this module loads
records, evaluates guards against them, applies the domain's verdict and records the history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ir_app.domain.date_sanity import dossier_step_dates
from ir_app.domain.levels import LevelDecision, LevelInputError, determine, highest_level, validate_input
from ir_app.domain.plan import Progress
from ir_app.domain.regimes import Regime
from ir_app.domain.text import whole_number
from ir_app.domain.state_machine import Transition
from ir_app.i18n_markers import N_
from ir_app.models import Dossier, DossierStep, InformationSystem, SecurityPolicy, User
from ir_app.models.dossiers import APPRAISAL_BODIES
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.design.store import freeze_design
from ir_app.services.dossiers import gates
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_field
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan
from ir_app.services.risks import documents as risk_documents
from ir_app.services.risks.library import load_risk_library
from ir_app.services.records import check_version
from ir_app.services.row_problems import line_problem
from ir_app.services.work import handoff

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # deadlines run on Vietnamese calendar days
OPEN_STATES = ("draft", "submitted", "returned", "accepted", "appraised", "pending_approval")
IN_FORCE_STATES = ("approved", "protecting", "operating")
REVIEWABLE_STATES = ("approved", "protecting", "operating")
APPRAISAL_RESULTS = (("phu_hop", N_("Phù hợp")), ("chua_phu_hop", N_("Chưa phù hợp")))


# --------------------------------------------------------------------------- starting

def prefill_answers(system: InformationSystem, regime: Regime) -> dict[str, Any]:
    """What the inventory already says, in the regime's input vocabulary."""
    known = {
        "system_type": system.system_type,
        "information": list(system.information_types or []),
        "personal_data_subjects": system.personal_data_subjects,
        "sensitive_data_subjects": system.sensitive_data_subjects,
        "handles_admin_procedures": system.handles_admin_procedures,
    }
    if system.system_type != "citizen_service":
        known.pop("handles_admin_procedures")  # the regime only accepts it for citizen services
    return {name: value for name, value in known.items() if name in regime.field_names}


def current_dossier(session: Session, system_id: int) -> Dossier | None:
    """The newest dossier that is not superseded."""
    return session.scalar(select(Dossier).where(Dossier.system_id == system_id, Dossier.state != "superseded")
                          .order_by(Dossier.version_no.desc()).limit(1))


def start_dossier(session: Session, actor: Actor, system: InformationSystem, regime: Regime,
                  now: datetime) -> Dossier:
    """Open a draft; if the system already has a dossier in force, the new one is a new version.

    A regime past its end takes new dossiers only where its data says so (NĐ 85/2016 for systems
    whose investment was approved before 01/7/2026, NĐ 331/2026 Đ39.1)."""
    latest = current_dossier(session, system.id)
    if latest is not None and latest.state in OPEN_STATES:
        return latest
    refusal = regime.new_dossier_refusal(_local_day(now), system.investment_approved_on)
    if refusal:
        raise ValidationFailed({"regime": refusal})
    version_no = (session.scalar(select(func.max(Dossier.version_no)).where(Dossier.system_id == system.id)) or 0) + 1
    dossier = Dossier(system_id=system.id, commune_id=system.commune_id, version_no=version_no,
                      supersedes_id=latest.id if latest else None, regime=regime.id, state="draft",
                      answers=prefill_answers(system, regime), created_at=now, updated_at=now,
                      created_by_id=actor.user_id)
    session.add(dossier)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="dossier", object_id=dossier.id,
                 commune_id=system.commune_id, summary=f"{system.name}: hồ sơ lần {version_no} ({regime.short_title})")
    return dossier


# --------------------------------------------------------------------------- wizard

def _spec_for(field) -> FieldSpec:
    kinds = {"enum": "choice", "nullable_enum": "choice", "enum_list": "multichoice", "int": "int",
             "nullable_int": "int", "bool": "bool"}
    return FieldSpec(field.name, field.label, kinds[field.type], minimum=field.minimum,
                     maximum=field.maximum if field.maximum is not None else 10**9,
                     choices=tuple((str(c.value), c.label) for c in field.choices))


def parse_step_answers(regime: Regime, step_id: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Form values of one wizard step, in the JSON types the level check expects."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in regime.input_fields:
        if field.step != step_id or field.name not in raw:
            continue
        given = raw[field.name]
        if given in (None, "", []) and field.type not in ("bool", "enum_list"):
            values[field.name] = field.default  # an unanswered optional question keeps the law's default
            continue
        try:
            values[field.name] = parse_field(_spec_for(field), given)
        except ValueError as error:
            errors[field.name] = str(error)
    if errors:
        raise ValidationFailed(errors)
    return values


def save_answers(session: Session, actor: Actor, dossier: Dossier, regime: Regime, step_id: str,
                 raw: dict[str, Any], now: datetime, expected_version: int | None) -> Dossier:
    """Save one step as the user goes; problems of this step's fields are reported at once."""
    _require_editable(dossier)
    check_version(dossier, expected_version)
    step_values = parse_step_answers(regime, step_id, raw)
    merged = {**dossier.answers, **step_values}
    step_fields = {f.name for f in regime.input_fields if f.step == step_id}
    try:
        validate_input(_complete(merged, regime), regime)
    except LevelInputError as error:
        mine = {name: message for name, message in error.errors.items() if name in step_fields}
        if mine:
            raise ValidationFailed(mine) from None
    before = dict(dossier.answers)
    dossier.answers = merged
    if merged != before:
        dossier.confirmed_warnings = []  # a confirmation holds for the answers it was given on
    steps = [s.id for s in regime.wizard_steps]
    dossier.wizard_step = max(dossier.wizard_step, steps.index(step_id) + 1)
    _refresh_decision(dossier, regime)
    dossier.updated_at = now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="dossier", object_id=dossier.id,
                 commune_id=dossier.commune_id, summary="Trả lời câu hỏi xác định cấp độ",
                 changes=audit.diff(before, merged))
    return dossier


def _complete(answers: dict[str, Any], regime: Regime) -> dict[str, Any]:
    """Required fields not yet answered get a placeholder so partial answers can be checked."""
    filled = dict(answers)
    for field in regime.input_fields:
        if field.required and field.name not in filled and field.choices:
            filled[field.name] = [field.choices[0].value] if field.type == "enum_list" else field.choices[0].value
    return filled


def decide(dossier: Dossier, regime: Regime) -> LevelDecision:
    return determine(dossier.answers, regime)


def _refresh_decision(dossier: Dossier, regime: Regime) -> None:
    try:
        decision = decide(dossier, regime)
    except LevelInputError:
        dossier.determined_level, dossier.reasons = None, []
        return
    parts_level = [int(part["level"]) for part in dossier.parts or []]
    dossier.determined_level = highest_level([decision.level, *parts_level])
    # Đ20.4: a listed system keeps its level and follows the level-5 procedure.
    dossier.procedure_level = decision.procedure_level if decision.procedure_level > dossier.determined_level else None
    dossier.reasons = [reason.to_json() | {"criterion_id": reason.criterion_id} for reason in decision.reasons]
    if dossier.proposed_level is not None and dossier.proposed_level < dossier.determined_level:
        dossier.proposed_level = None  # never lower than the law: the proposal must be made again


@dataclass(frozen=True)
class Proposal:
    level: int | None
    justification: str
    risks: str
    parts: list[dict[str, Any]]
    confirmed_warnings: tuple[str, ...] = ()  # ids of the consistency warnings the proposer confirms


def parse_part_rows(rows: list[list[str]]) -> list[dict[str, Any]]:
    """Parts typed in the form's rows (name, level, ground): a system made of parts takes the highest
    level. Every row that does not fit is refused, named by its number."""
    numbered = [(number, " | ".join(filter(None, cells)), [*cells, "", ""][:3])
                for number, cells in enumerate(rows, start=1)]
    return _checked_parts(numbered)


def _checked_parts(rows: list[tuple[int, str, list[str]]]) -> list[dict[str, Any]]:
    parts, problems = [], []
    for number, line, (name, level, ground) in rows:
        if not name:
            problems.append(line_problem(number, line, "thiếu tên phân hệ"))
        elif whole_number(level, 1, 5) is None:
            problems.append(line_problem(number, line, "cấp độ phải là số từ 1 đến 5"))
        elif len(name) > 200 or len(ground) > 500:
            problems.append(line_problem(number, line, "tên tối đa 200 ký tự, căn cứ tối đa 500 ký tự"))
        else:
            parts.append({"name": name, "level": int(level), "ground": ground})
    if problems:
        raise ValidationFailed({"parts": " ".join(problems)})
    return parts


def save_proposal(session: Session, actor: Actor, dossier: Dossier, regime: Regime, proposal: Proposal,
                  now: datetime, expected_version: int | None) -> Dossier:
    """The proposer may choose a higher level than the law's minimum (never lower), with reasons."""
    _require_editable(dossier)
    check_version(dossier, expected_version)
    before = {"proposed_level": dossier.proposed_level, "parts": dossier.parts,
              "justification": dossier.higher_level_justification, "risks": dossier.risks}
    dossier.parts = proposal.parts
    _refresh_decision(dossier, regime)
    if proposal.level is not None and not 1 <= proposal.level <= 5:
        raise ValidationFailed({"proposed_level": "Cấp độ đề xuất phải từ 1 đến 5."})
    if dossier.determined_level is None:
        raise ValidationFailed({"proposed_level": "Hãy trả lời đủ các câu hỏi trước khi đề xuất cấp độ."})
    level = proposal.level or dossier.determined_level
    if level < dossier.determined_level:
        raise ValidationFailed({"proposed_level": f"Không được đề xuất thấp hơn cấp độ {dossier.determined_level} "
                                                  "mà tiêu chí của Nghị định xác định."})
    if level > dossier.determined_level and not proposal.justification.strip():
        raise ValidationFailed({"justification": "Đề xuất cấp độ cao hơn cần nêu lý do (kết quả đánh giá rủi ro, "
                                                 "NĐ 331/2026 Đ10)."})
    dossier.confirmed_warnings = sorted(set(dossier.confirmed_warnings or ()) | set(proposal.confirmed_warnings))
    if unconfirmed := gates.open_warnings(dossier, regime):
        raise ValidationFailed({"confirm_warnings": "Hãy kiểm tra lại hoặc xác nhận: "
                                                    + " ".join(warning.message for warning in unconfirmed)})
    dossier.proposed_level = level
    dossier.higher_level_justification = proposal.justification.strip()
    dossier.risks = proposal.risks.strip()
    changes = audit.diff(before, {"proposed_level": level, "parts": proposal.parts,
                                  "justification": dossier.higher_level_justification, "risks": dossier.risks})
    if changes:  # saved unchanged: no new time, no new version
        dossier.updated_at = now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="dossier", object_id=dossier.id,
                 commune_id=dossier.commune_id, summary=f"Đề xuất cấp độ {level}", changes=changes)
    return dossier


def _require_editable(dossier: Dossier) -> None:
    if dossier.state not in ("draft", "returned"):
        raise ValidationFailed({"state": "Hồ sơ đã nộp: chỉ sửa được khi đang soạn hoặc được trả lại."})


# --------------------------------------------------------------------------- workflow

def has_security_policy(session: Session, commune_id: int) -> bool:
    return session.scalar(select(SecurityPolicy.id).where(SecurityPolicy.commune_id == commune_id).limit(1)) is not None


def guard_failures(session: Session, dossier: Dossier, law: LawData,
                   today: date | None = None) -> dict[str, str | None]:
    """Every guard of the workflow evaluated against the records: None = met, else why not.

    ``today`` stands in for the approval date before one is entered (the Quy chế must predate it)."""
    return failures_from(dossier, law, plan_progress(session, dossier, law),
                         policy_problem(session, dossier, law, today))


def plan_progress(session: Session, dossier: Dossier, law: LawData) -> Progress | None:
    """The live plan's progress (None while the level is not known), from the measures' columns."""
    if not dossier.level:
        return None
    key = plan.DossierKey(dossier.id, dossier.commune_id, dossier.system_id, dossier.level)
    return plan.progress_by_dossier(session, [key], law.catalogue)[dossier.id]


def policy_problem(session: Session, dossier: Dossier, law: LawData, today: date | None = None) -> str | None:
    """Why no recorded Quy chế lets the dossier be approved (on its decision date, else ``today``)."""
    return gates.security_policy_failure(session, dossier, law.regime(dossier.regime), dossier.decision_on or today)


def failures_from(dossier: Dossier, law: LawData, progress: Progress | None,
                  policy_failure: str | None) -> dict[str, str | None]:
    """The guards from what was read once (the dossier page shows the same progress and Quy chế)."""
    regime = law.regime(dossier.regime)
    level = dossier.workflow_level
    unmet_plan = progress.total - progress.done if progress else 0
    checks: dict[str, str | None] = {
        "answers_complete": None if dossier.determined_level and dossier.proposed_level else
        "chưa trả lời đủ câu hỏi và chưa chốt cấp độ đề xuất",
        "higher_level_justified": None if not (dossier.proposed_level and dossier.determined_level
                                                and dossier.proposed_level > dossier.determined_level
                                                and not dossier.higher_level_justification) else
        "đề xuất cấp độ cao hơn nhưng chưa nêu lý do",
        "appraisal_recorded": None if dossier.appraisal_result and dossier.appraisal_text.strip() else
        "chưa ghi kết luận và nội dung ý kiến thẩm định",
        "external_appraisal_document": None if (level or 0) < 4 or dossier.appraisal_file_id else
        "hồ sơ cấp độ 4–5 cần đính kèm văn bản thẩm định của Bộ Công an",
        "appraisal_favourable": None if dossier.appraisal_result == "phu_hop" else
        "kết luận thẩm định chưa là «phù hợp»: cần sửa hồ sơ theo ý kiến thẩm định",
        "security_policy_recorded": policy_failure,
        "appraisal_independent": gates.independence_failure(dossier, regime),
        "appraisal_independent_recorded": gates.independence_failure(dossier, regime),
        "warnings_confirmed": gates.warnings_failure(dossier, regime),
        "decision_recorded": None if dossier.decision_number and dossier.decision_on and dossier.decision_signer else
        "chưa nhập số, ngày quyết định và người ký",
        "plan_required_met": None if progress and not unmet_plan else
        f"còn {unmet_plan} yêu cầu của phương án chưa đạt",
    }
    return {guard.id: checks.get(guard.id, f"điều kiện «{guard.id}» chưa được hệ thống hỗ trợ")
            for guard in law.workflow.guards}


def actions_for(session: Session, user: User, dossier: Dossier, law: LawData, today: date | None = None,
                failures: dict[str, str | None] | None = None) -> list[tuple[Transition, str | None]]:
    """The buttons a user sees: each action they may take now, with why it is blocked (if it is).
    ``failures``: the guards already evaluated by the caller."""
    regime = law.regime(dossier.regime)
    aliases = law.role_aliases(regime, dossier.workflow_level)
    if failures is None:
        failures = guard_failures(session, dossier, law, today)
    result = []
    from_form = {guard.id for guard in law.workflow.guards if guard.filled_by_form}
    for rule in law.workflow.available(dossier.state, [r.value for r in user.roles], aliases):
        blocked = [failures[g] for g in rule.guards if failures.get(g) and g not in from_form]
        result.append((rule, "; ".join(blocked) or None))
    return result


@dataclass(frozen=True)
class StepInput:
    """What an action may carry: a comment, the appraisal, the decision."""

    comment: str = ""
    request_number: str = ""
    appraisal_number: str = ""
    appraisal_result: str | None = None
    appraisal_text: str = ""
    appraisal_by: str = ""
    appraisal_method: str = ""
    appraisal_design_opinion: str = ""
    appraisal_operation_opinion: str = ""
    appraisal_on: date | None = None
    appraisal_file_id: int | None = None
    decision_number: str = ""
    decision_on: date | None = None
    decision_signer: str = ""
    appraisal_body: str | None = None            # who appraised (NĐ 331 Đ18.4)
    appraisal_body_decision: str = ""
    appraisal_body_decision_on: date | None = None
    appraisal_council_members: str = ""


def take_action(session: Session, user: User, actor: Actor, dossier: Dossier, action: str, step: StepInput,
                law: LawData, now: datetime, expected_version: int | None = None) -> Dossier:
    """Apply one workflow action by this user, or raise TransitionRefused with the reason."""
    check_version(dossier, expected_version)
    _check_step_dates(dossier, action, step, now)
    regime = law.regime(dossier.regime)
    before = _state_snapshot(dossier)
    _apply_payload(dossier, action, step)
    rule = law.workflow.allow(dossier.state, action, [r.value for r in user.roles],
                              unmet=guard_failures(session, dossier, law, _local_day(now)), comment=step.comment,
                              aliases=law.role_aliases(regime, dossier.workflow_level))
    from_state = dossier.state
    dossier.state = rule.to
    _enter_state(session, dossier, regime, law, now, step)
    dossier.updated_at = now
    dossier.steps.append(DossierStep(at=now, actor_id=actor.user_id, actor_label=actor.label, action=action,
                                     from_state=from_state, to_state=rule.to, comment=step.comment.strip()))
    session.flush()
    audit.record(session, actor, "transition", now=now, object_type="dossier", object_id=dossier.id,
                 commune_id=dossier.commune_id, summary=f"{rule.label}: {from_state} → {rule.to}",
                 changes=audit.diff(before, _state_snapshot(dossier)))
    handoff.dossier_moved(session, actor, dossier, law, now)  # tell who acts next (services/work)
    return dossier


def _check_step_dates(dossier: Dossier, action: str, step: StepInput, now: datetime) -> None:
    """The dates this step brings must be possible (no appraisal or decision in the future, none
    before the dossier was submitted, no decision before its appraisal)."""
    if action not in ("record_appraisal", "approve"):
        return
    submitted_on = _local_day(dossier.submitted_at) if dossier.submitted_at else None
    appraisal_on = step.appraisal_on if action == "record_appraisal" else dossier.appraisal_on
    problems = dossier_step_dates(_local_day(now), submitted_on, appraisal_on,
                                  step.decision_on if action == "approve" else None)
    if action == "approve":
        problems.pop("appraisal_on", None)  # judged when it was recorded
    if problems:
        raise ValidationFailed(problems)


def _state_snapshot(dossier: Dossier) -> dict[str, Any]:
    names = ("state", "request_number", "request_on", "appraisal_number", "appraisal_result", "appraisal_text",
             "appraisal_by", "appraisal_method", "appraisal_design_opinion", "appraisal_operation_opinion",
             "appraisal_on", "decision_number", "decision_on", "decision_signer", "step_due_on", "return_reason",
             "appraisal_body", "appraisal_body_decision", "appraisal_body_decision_on", "appraisal_council_members")
    return {name: getattr(dossier, name) for name in names}


def _apply_payload(dossier: Dossier, action: str, step: StepInput) -> None:
    """Fields an action brings are set before the guards look at the dossier."""
    if action == "submit" and step.request_number.strip() and not dossier.request_number:
        dossier.request_number = step.request_number.strip()[:100]  # recorded once, never renumbered
    if action == "record_appraisal":
        if step.appraisal_result not in (None, "phu_hop", "chua_phu_hop"):
            raise ValidationFailed({"appraisal_result": "Kết luận thẩm định không hợp lệ."})
        dossier.appraisal_result = step.appraisal_result
        dossier.appraisal_text = step.appraisal_text.strip()
        dossier.appraisal_by = step.appraisal_by.strip()[:300]
        dossier.appraisal_method = step.appraisal_method.strip()[:300]
        dossier.appraisal_design_opinion = step.appraisal_design_opinion.strip()
        dossier.appraisal_operation_opinion = step.appraisal_operation_opinion.strip()
        dossier.appraisal_on = step.appraisal_on
        dossier.appraisal_number = step.appraisal_number.strip()[:100]
        if step.appraisal_file_id:
            dossier.appraisal_file_id = step.appraisal_file_id
        if step.appraisal_body not in (None, *APPRAISAL_BODIES):
            raise ValidationFailed({"appraisal_body": "Đơn vị thẩm định không hợp lệ."})
        dossier.appraisal_body = step.appraisal_body
        dossier.appraisal_body_decision = step.appraisal_body_decision.strip()[:100]
        dossier.appraisal_body_decision_on = step.appraisal_body_decision_on
        dossier.appraisal_council_members = step.appraisal_council_members.strip()[:5000]
    elif action == "approve":
        dossier.decision_number = step.decision_number.strip()[:100] or None
        dossier.decision_on = step.decision_on
        dossier.decision_signer = step.decision_signer.strip()[:200]


def _enter_state(session: Session, dossier: Dossier, regime: Regime, law: LawData, now: datetime,
                 step: StepInput) -> None:
    state = law.workflow.state(dossier.state)
    dossier.step_started_at = now
    dossier.step_due_on = None
    if state.deadline and dossier.workflow_level:
        deadline = regime.deadline(state.deadline, dossier.workflow_level)
        start = _last_entry(dossier, state.deadline_from) if state.deadline_from else now
        dossier.step_due_on = law.due_on(_local_day(start), deadline) if deadline.days else None
    if dossier.state == "submitted":
        dossier.submitted_at = now
        if dossier.request_number and dossier.request_on is None:
            dossier.request_on = _local_day(now)  # the request letter's date, with its number
        plan.freeze_plan(session, dossier, law.catalogue, now)  # what the appraiser reads stays in this version
        if law.folder:
            risk_documents.freeze_risks(session, dossier, load_risk_library(law.folder))
        freeze_design(session, dossier)  # the model texts and the diagram's data, as the appraiser read them
    if dossier.state == "returned":
        dossier.return_reason = step.comment.strip()
        dossier.appraisal_result = None if dossier.appraisal_result == "chua_phu_hop" else dossier.appraisal_result
    if dossier.state == "approved":
        _on_approval(session, dossier, law, now)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LEGAL_TZ).date()


def _last_entry(dossier: Dossier, state: str) -> datetime:
    """When the dossier last entered ``state`` (e.g. the submission of the dossier found valid)."""
    entries = [step.at for step in dossier.steps if step.to_state == state]
    return max(entries) if entries else dossier.step_started_at


def _on_approval(session: Session, dossier: Dossier, law: LawData, now: datetime) -> None:
    """Approval puts the level in force: the system carries it, the old version is superseded.
    (The protection plan needs no copying: it is a view over the commune's measures.)"""
    dossier.approved_at = now
    system = dossier.system
    system.approved_level = dossier.level
    system.approval_decision_number = dossier.decision_number or ""
    system.approval_decision_on = dossier.decision_on
    system.approval_regime = dossier.regime
    system.updated_at = now
    if dossier.supersedes_id:
        previous = session.get(Dossier, dossier.supersedes_id)
        if previous is not None and previous.state != "superseded":
            previous.state = "superseded"
