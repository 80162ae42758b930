"""The risk register through the services (real database): starter, decisions, audit, document text."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ir_app.models import AuditEvent, Measure, Role, SystemComponent
from ir_app.models.risks import Risk
from ir_app.services.audit import Actor
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.inventory import systems as inventory
from ir_app.services.measures.library import adopt_library, load_starter_library
from ir_app.services.risks import assessment, documents, register
from ir_app.services.risks.library import load_risk_library

MOTCUA = {"code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service", "status": "in_operation",
          "hosting": "provincial_dc", "information_types": ["public", "personal"], "handles_admin_procedures": True}


@pytest.fixture
def risk_library(app):
    return load_risk_library(app.config["IR_LEVEL_DOSSIERS_DIR"])


@pytest.fixture
def measures(app):
    return load_starter_library(app.config["IR_LEVEL_DOSSIERS_DIR"], app.extensions["ir_law"].catalogue)


@pytest.fixture
def system(session, commune, clock):
    created = inventory.create_system(session, Actor.system(), commune, MOTCUA, clock.now())
    created.components.append(SystemComponent(kind="equipment", name="Máy tính bộ phận một cửa",
                                              component_type="PC Windows 11"))
    session.commit()
    return created


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


def _raw(**values):
    return {"title": "Mất dữ liệu hồ sơ quét", "likelihood": "3", "impact": "4", "treatment": "reduce",
            "residual_likelihood": "2", "residual_impact": "4"} | values


def test_the_starter_proposes_once_links_the_communes_measures_and_guesses_the_residual(
        session, commune, system, risk_library, measures, clock):
    adopt_library(session, Actor.system(), commune, measures, clock.now())
    backup = session.scalar(select(Measure).where(Measure.commune_id == commune.id,
                                                  Measure.library_measure_id == "BP.KT.SAO-LUU-3-2-1"))
    backup.status = "in_place"
    session.commit()
    created = register.propose_risks(session, Actor.system(), system, risk_library, measures, clock.now())
    session.commit()
    ids = {risk.threat_id for risk in created}
    assert {"TM.RANSOMWARE", "TM.PERSONAL-DATA-LEAK", "TM.PLATFORM-OUTAGE"} <= ids
    assert "TM.IMPERSONATION" not in ids and "TM.CAMERA-ACCESS" not in ids
    ransomware = next(r for r in created if r.threat_id == "TM.RANSOMWARE")
    assert ransomware.asset == "Máy tính bộ phận một cửa" and ransomware.component_id == system.components[0].id
    assert ransomware.measure_links, "the commune's adopted measures that mitigate ransomware are linked"
    assert all(risk.review_on == date(2027, 11, 26) for risk in created)
    assert backup.id in ransomware.measure_ids
    assert (ransomware.residual_likelihood, ransomware.residual_impact) == (ransomware.likelihood - 2, 4)
    again = register.propose_risks(session, Actor.system(), system, risk_library, measures, clock.now())
    assert again == []
    events = session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.object_type == "risk"))
    assert events == len(created)


def test_without_adopted_measures_the_draft_says_a_measure_is_missing(session, system, risk_library, measures,
                                                                      clock):
    created = register.propose_risks(session, Actor.system(), system, risk_library, measures, clock.now())
    session.commit()
    rated = register.rated_register(session, system.id, risk_library, date(2026, 11, 26))
    assert rated and all(not item.complete for item in rated)
    rows = documents.risk_rows(rated, risk_library)
    assert len(rows) == len(created)
    assert all(all(cell.strip() for cell in row.values()) for row in rows)
    assert rows[0]["measures"].startswith("Chưa có biện pháp")


def test_saving_checks_the_decision_and_audits_what_changed(session, commune, system, risk_library, officer, clock):
    with pytest.raises(ValidationFailed) as refused:
        register.save_risk(session, Actor.system(), system, _raw(), register.RiskInput(), risk_library, clock.now())
    assert "measure_ids" in refused.value.errors
    measure = Measure(commune_id=commune.id, title="Sao lưu 3-2-1", category="technical", scope="commune",
                      status="in_place", created_at=clock.now(), updated_at=clock.now())
    session.add(measure)
    session.flush()
    risk = register.save_risk(session, Actor.system(), system, _raw(), register.RiskInput(
        owner_id=officer.id, measure_ids=(measure.id,)), risk_library, clock.now())
    session.commit()
    assert (risk.measure_ids, risk.owner_id, risk.version) == ([measure.id], officer.id, 1)
    same = register.save_risk(session, Actor.system(), system, _raw(), register.RiskInput(
        owner_id=officer.id, measure_ids=(measure.id,)), risk_library, clock.now(), risk, 1)
    assert same.version == 1  # unchanged form: no new version, no audit
    accepted = _raw(treatment="accept", residual_likelihood="2", residual_impact="2",
                    accepted_by="Trần Văn B — Chủ tịch UBND xã", accepted_reason="Đã có bản giấy",
                    accepted_until="30/06/2027")
    register.save_risk(session, Actor.system(), system, accepted, register.RiskInput(), risk_library, clock.now(),
                       risk, 1)
    session.commit()
    assert (risk.treatment, risk.accepted_until, risk.measure_ids) == ("accept", date(2027, 6, 30), [])
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "risk")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.changes["treatment"] == ["reduce", "accept"] and "accepted_until" in event.changes
    with pytest.raises(ConflictError):
        register.save_risk(session, Actor.system(), system, accepted, register.RiskInput(), risk_library,
                           clock.now(), risk, 1)


def test_foreign_owner_measure_or_component_is_refused(session, system, other_commune, make_user, risk_library,
                                                       clock):
    stranger = make_user(Role.OFFICER, organisation=other_commune)
    far_measure = Measure(commune_id=other_commune.id, title="Khác", category="technical", scope="commune",
                          created_at=clock.now(), updated_at=clock.now())
    session.add(far_measure)
    session.flush()
    with pytest.raises(ValidationFailed) as refused:
        register.save_risk(session, Actor.system(), system, _raw(), register.RiskInput(
            owner_id=stranger.id, measure_ids=(far_measure.id,), component_id=999999, threat_id="TM.NOPE"),
            risk_library, clock.now())
    assert {"owner_id", "measure_ids", "component_id", "threat_id"} <= set(refused.value.errors)


def test_free_text_and_bad_input_give_vietnamese_messages(session, system, risk_library, clock):
    with pytest.raises(ValidationFailed) as refused:
        register.save_risk(session, Actor.system(), system, _raw(likelihood="²", impact="", title=""),
                           register.RiskInput(), risk_library, clock.now())
    assert refused.value.errors["impact"] == "Bắt buộc nhập." and "likelihood" in refused.value.errors
    avoided = register.save_risk(session, Actor.system(), system, _raw(
        title="Lộ dữ liệu qua Zalo cá nhân", treatment="avoid", treatment_note="Cấm gửi hồ sơ qua Zalo cá nhân"),
        register.RiskInput(), risk_library, clock.now())
    assert avoided.threat_id is None and avoided.threat_library is None


def test_the_detailed_assessment_comes_from_the_register_and_the_form(session, system, risk_library, clock):
    register.save_risk(session, Actor.system(), system, _raw(title="Tấn công có chủ đích", treatment="transfer",
                                                             treatment_note="Trung tâm dữ liệu tỉnh"),
                       register.RiskInput(), risk_library, clock.now())
    assessment.save_assessment(session, Actor.system(), system, {
        "connected_systems": "Cổng Dịch vụ công quốc gia\n- Cơ sở dữ liệu quốc gia về dân cư",
        "impact_scope": "Gián đoạn giải quyết TTHC trên địa bàn", "availability_24x7": "",
        "assessed_on": "2026-11-20", "assessor": "Công an xã"}, clock.now())
    session.commit()
    rows, detailed = documents.register_context(session, system.id, risk_library)
    assert rows[0]["measures"].startswith("Chuyển giao: Trung tâm dữ liệu tỉnh.")
    assert detailed["connected_systems"] == ["Cổng Dịch vụ công quốc gia", "Cơ sở dữ liệu quốc gia về dân cư"]
    assert detailed["attack_threats"].startswith("Tấn công có chủ đích") and detailed["impact_scope"]
    with pytest.raises(ValidationFailed):
        assessment.save_assessment(session, Actor.system(), system, {"impact_scope": ""}, clock.now())


def test_deleting_a_risk_is_audited(session, system, risk_library, clock):
    risk = register.save_risk(session, Actor.system(), system, _raw(treatment="avoid", treatment_note="Bỏ"),
                              register.RiskInput(), risk_library, clock.now())
    session.commit()
    register.delete_risk(session, Actor.system(), risk, clock.now(), 1)
    session.commit()
    assert session.scalar(select(func.count(Risk.id))) == 0
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "risk")
                          .order_by(AuditEvent.id.desc()).limit(1)) == "delete"


def test_the_submitted_dossier_keeps_the_risk_table_the_appraiser_read(session, commune, system, risk_library,
                                                                       make_user, app, clock):
    from ir_app.models import Dossier
    from ir_app.services.dossiers import lifecycle as dossiers

    law = app.extensions["ir_law"]
    risk = register.save_risk(session, Actor.system(), system, _raw(treatment="avoid", treatment_note="Bản khi nộp"),
                              register.RiskInput(), risk_library, clock.now())
    dossier = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    dossier.answers = {"system_type": "citizen_service", "information": ["public", "personal"],
                       "handles_admin_procedures": True, "personal_data_subjects": 18500}
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    staff = make_user(Role.STAFF, organisation=commune)
    dossiers.take_action(session, staff, Actor.of(staff), dossier, "submit", dossiers.StepInput(), law, clock.now())
    session.commit()
    register.save_risk(session, Actor.system(), system, _raw(treatment="avoid", treatment_note="Bản sửa sau"),
                       register.RiskInput(), risk_library, clock.now(), risk, risk.version)
    session.commit()
    kept, _ = documents.dossier_risks(session, session.get(Dossier, dossier.id), risk_library)
    live, _ = documents.register_context(session, system.id, risk_library)
    assert kept[0]["measures"].startswith("Né tránh: Bản khi nộp.")
    assert live[0]["measures"].startswith("Né tránh: Bản sửa sau.")
