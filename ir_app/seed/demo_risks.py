"""Demo risk registers: every demo system gets the starter proposal from the threat catalogue
(linked to the commune's adopted measures), the officer as owner, and one risk per commune
accepted by the chair for a limited time — so the thuyết minh's risk table is full and the
acceptance reminder has something to remind. Idempotent: a system that has risks is left alone."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ir_app.models import InformationSystem, Organisation, User
from ir_app.models.risks import Risk
from ir_app.services.audit import Actor
from ir_app.services.lawdata import LawData
from ir_app.services.measures.library import load_starter_library
from ir_app.services.risks.library import load_risk_library
from ir_app.services.risks.register import local_day, propose_risks

# What a commune typically accepts: a short power cut on equipment that has a UPS.
ACCEPTED_THREAT = "TM.POWER-HARDWARE"


def load(session: Session, law: LawData, folder: Path, now: datetime, count_created: Callable[[int], None]) -> None:
    library = load_risk_library(folder)
    measures = load_starter_library(folder, law.catalogue)
    actor = Actor.system("ir-app demo")
    systems = session.scalars(select(InformationSystem).where(~exists().where(Risk.system_id == InformationSystem.id))
                              .order_by(InformationSystem.commune_id, InformationSystem.code))
    accepted_in: set[int] = set()
    for system in systems:
        created = propose_risks(session, actor, system, library, measures, now)
        officer = session.scalar(select(User).where(User.organisation_id == system.commune_id,
                                                    User.email.like("officer@%")))
        for risk in created:
            risk.owner_id = officer.id if officer else None
            if risk.threat_id == ACCEPTED_THREAT and system.commune_id not in accepted_in:
                _accept(session.get(Organisation, system.commune_id), risk, now)
                accepted_in.add(system.commune_id)
        session.flush()
        count_created(len(created))


def _accept(commune: Organisation, risk: Risk, now: datetime) -> None:
    risk.treatment = "accept"
    risk.residual_likelihood, risk.residual_impact = min(risk.likelihood, 2), min(risk.impact, 2)
    risk.accepted_by = f"{commune.chair_name or 'Chủ tịch'} — Chủ tịch UBND {commune.name}"
    risk.accepted_reason = ("Thiết bị có bộ lưu điện; gián đoạn ngắn được khắc phục tại chỗ, chi phí máy phát "
                            "điện dự phòng chưa tương xứng")
    risk.accepted_until = local_day(now) + timedelta(days=180)
    risk.measure_links = []
