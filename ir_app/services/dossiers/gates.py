"""The decree's gates a dossier must pass, each read from the regime file and the records.

- the Quy chế (NĐ 331/2026 Đ30.7; TT 12/2022 Đ9.7): one that covers the system, issued by the
  competent authority, on or before the approval date;
- the independent appraisal (NĐ 331/2026 Đ18.4; TT 12/2022 Đ6): when the specialised unit that
  appraises also runs the system, a subordinate unit or an independent council appraises;
- the consistency warnings of the wizard: answers that rarely go together are confirmed, not ignored.
Each check returns None when met, or the reason shown to the user.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ir_app.domain.levels import AnswerWarning, LevelInputError, determine
from ir_app.domain.regimes import Regime
from ir_app.models import Dossier, InformationSystem, OperatedBy, SecurityPolicy

ISSUER_TITLES = {
    "owner": "chủ quản hệ thống thông tin",
    "specialised_unit": "đơn vị chuyên trách về an ninh mạng",
    "operator": "đơn vị vận hành",
    "other": "cơ quan, đơn vị khác",
}


# --------------------------------------------------------------------------- Quy chế (Đ30.7)

def commune_policies(session: Session, commune_id: int) -> list[SecurityPolicy]:
    return list(session.scalars(select(SecurityPolicy).where(SecurityPolicy.commune_id == commune_id)
                                .options(selectinload(SecurityPolicy.systems))
                                .order_by(SecurityPolicy.issued_on, SecurityPolicy.id)))


def covers(policy: SecurityPolicy, system_id: int) -> bool:
    return policy.scope == "commune" or any(system.id == system_id for system in policy.systems)


def security_policy_failure(session: Session, dossier: Dossier, regime: Regime,
                            approval_on: date | None) -> str | None:
    """Why no recorded Quy chế lets this dossier be approved on ``approval_on`` (None: one does).

    ``approval_on`` None (the approval date is not known yet) skips the date check only."""
    rule = regime.security_policy
    article = regime.cite(rule.article)
    policies = commune_policies(session, dossier.commune_id)
    if not policies:
        return (f"chủ quản chưa ban hành Quy chế bảo đảm an ninh mạng ({article}) — "
                "hãy ghi nhận quy chế trước khi phê duyệt")
    covering = [policy for policy in policies if covers(policy, dossier.system_id)]
    if not covering:
        return (f"chưa có Quy chế bảo đảm an ninh mạng áp dụng cho hệ thống «{dossier.system.name}»: "
                f"các quy chế đã ghi nhận chỉ áp dụng cho hệ thống khác ({article})")
    competent = [policy for policy in covering if policy.issuer in rule.issuers]
    if not competent:
        allowed = ", ".join(ISSUER_TITLES[key] for key in rule.issuers)
        return (f"Quy chế áp dụng cho hệ thống chưa do cấp có thẩm quyền ban hành ({allowed}; {article})")
    if approval_on is not None and not any(policy.issued_on <= approval_on for policy in competent):
        first = min(competent, key=lambda policy: policy.issued_on)
        return (f"Quy chế «{first.title}» ban hành ngày {first.issued_on:%d/%m/%Y}, sau ngày phê duyệt "
                f"{approval_on:%d/%m/%Y}: quy chế phải được ban hành trước khi hồ sơ được phê duyệt ({article})")
    return None


# --------------------------------------------------------------------------- independence (Đ18.4)

def independence_required(dossier: Dossier, regime: Regime, system: InformationSystem) -> bool:
    level = dossier.workflow_level
    if level is None:
        return False
    rule = regime.authority_for(level).independent_appraisal
    return rule is not None and system.operated_by == OperatedBy.SPECIALISED_UNIT


def independence_failure(dossier: Dossier, regime: Regime) -> str | None:
    """Why the recorded appraisal does not meet the independence rule (None: it does or none applies)."""
    if not independence_required(dossier, regime, dossier.system):
        return None
    rule = regime.authority_for(dossier.workflow_level).independent_appraisal
    article = regime.cite(rule.article)
    arrangement = rule.arrangement(dossier.appraisal_body)
    if arrangement is None:
        options = " hoặc ".join(a.text for a in rule.arrangements)
        return (f"đơn vị chuyên trách về an ninh mạng đồng thời quản lý, vận hành hệ thống nên không tự thẩm "
                f"định: cần {options} ({article})")
    if not dossier.appraisal_body_decision.strip() or dossier.appraisal_body_decision_on is None:
        return f"chưa ghi số, ngày quyết định giao đơn vị hoặc thành lập Hội đồng thẩm định ({article})"
    if arrangement.members_required and not dossier.appraisal_council_members.strip():
        return f"chưa ghi thành viên Hội đồng thẩm định độc lập ({article})"
    return None


# --------------------------------------------------------------------------- warnings of the wizard

def open_warnings(dossier: Dossier, regime: Regime) -> tuple[AnswerWarning, ...]:
    """The regime's consistency warnings that hold for the answers, and are not yet confirmed."""
    try:
        decision = determine(dossier.answers, regime)
    except LevelInputError:
        return ()
    confirmed = set(dossier.confirmed_warnings or ())
    return tuple(warning for warning in decision.warnings if warning.id not in confirmed)


def warnings_failure(dossier: Dossier, regime: Regime) -> str | None:
    found = open_warnings(dossier, regime)
    if not found:
        return None
    return "cần xác nhận câu trả lời: " + " ".join(warning.message for warning in found)
