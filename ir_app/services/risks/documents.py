"""The register as the thuyết minh prints it: the risk table (Đ22.4.c) with every column filled,
and the level 4–5 detailed assessment (Đ22.5) built from the same rows."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ir_app.domain.risks import RatedThreat, attack_threats_text
from ir_app.models import Dossier
from ir_app.services.risks.assessment import assessment_of, connected_lines
from ir_app.services.risks.library import RiskLibrary
from ir_app.services.risks.register import RatedRisk, rated_register

FROZEN_KEY = "risks"
STATUS_WORDS = {"in_place": "đã triển khai", "partly": "triển khai một phần", "planned": "dự kiến"}


def risk_rows(rated: list[RatedRisk], library: RiskLibrary) -> list[dict[str, str]]:
    """One row per risk, highest level first: threat (asset, level) | impact | likelihood | treatment."""
    rows = []
    for item in rated:
        risk = item.risk
        asset = risk.asset_text or risk.system.name
        rows.append({
            "threat": f"{risk.title} (tài sản: {asset}). Mức rủi ro: {item.level.label}",
            "impact": f"{library.impact_label(risk.impact)} ({risk.impact}/5)",
            "likelihood": f"{library.likelihood_label(risk.likelihood)} ({risk.likelihood}/5)",
            "measures": treatment_text(item),
        })
    return rows


def treatment_text(item: RatedRisk) -> str:
    """The last column: how the risk is treated and what is left; never empty."""
    risk = item.risk
    residual = f"Rủi ro còn lại: {item.residual.label.lower()}."
    if risk.treatment == "accept":
        until = risk.accepted_until.strftime("%d/%m/%Y") if risk.accepted_until else "…"
        return (f"Chấp nhận rủi ro đến ngày {until} ({risk.accepted_by}): {risk.accepted_reason.rstrip('.')}. "
                f"{residual}")
    if risk.treatment == "transfer":
        return f"Chuyển giao: {risk.treatment_note.rstrip('.')}. {residual}"
    if risk.treatment == "avoid":
        return f"Né tránh: {risk.treatment_note.rstrip('.')}. {residual}"
    measures = [f"{link.measure.title} ({STATUS_WORDS.get(link.measure.status, link.measure.status)})"
                for link in risk.measure_links]
    if not measures:
        return "Chưa có biện pháp — cần bổ sung biện pháp giảm thiểu. " + residual
    return "; ".join(measures) + ". " + residual


def detailed_assessment(session: Session, system_id: int, rated: list[RatedRisk],
                        library: RiskLibrary) -> dict[str, Any]:
    """Đ22.5 a–d: connected systems, attack threats and their impact (from the register), scope of
    harm, 24/7 operation. Empty fields stay empty, so the draft names what is missing."""
    assessment = assessment_of(session, system_id)
    threats = attack_threats_text([
        RatedThreat(item.risk.title, item.risk.asset_text, item.risk.likelihood,
                    library.likelihood_label(item.risk.likelihood), item.risk.impact,
                    library.impact_label(item.risk.impact), item.level) for item in rated])
    note = assessment.attack_note.strip() if assessment is not None else ""
    return {
        "connected_systems": connected_lines(assessment),
        "attack_threats": " ".join(part for part in (threats, note) if part),
        "impact_scope": assessment.impact_scope if assessment is not None else "",
        "availability_24x7": assessment.availability_24x7 if assessment is not None else "",
    }


def dossier_risks(session: Session, dossier: Dossier, library: RiskLibrary
                  ) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The register as frozen when the dossier version was submitted (what the appraiser read),
    else as it is now."""
    frozen = (dossier.frozen_plan or {}).get(FROZEN_KEY)
    if frozen is not None and (dossier.frozen_plan or {}).get("level") == dossier.level:
        return list(frozen["rows"]), dict(frozen["detailed"])
    return register_context(session, dossier.system_id, library)


def freeze_risks(session: Session, dossier: Dossier, library: RiskLibrary) -> None:
    """Keep the risk table and the detailed assessment in the submitted version, beside the
    frozen plan (called right after the plan is frozen at submission)."""
    if dossier.frozen_plan is None:
        return
    rows, detailed = register_context(session, dossier.system_id, library)
    # A new dict, so the JSON column sees the change.
    dossier.frozen_plan = dossier.frozen_plan | {FROZEN_KEY: {"rows": rows, "detailed": detailed}}


def register_context(session: Session, system_id: int, library: RiskLibrary
                     ) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The risk table rows and the detailed assessment of one system (no rows when no register).
    The printed text does not depend on the day (only the page's warnings do)."""
    rated = rated_register(session, system_id, library, date.min)
    return risk_rows(rated, library), detailed_assessment(session, system_id, rated, library)
