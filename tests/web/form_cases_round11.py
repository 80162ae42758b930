"""The round-11 forms for the round-trip and error-keeping tests (tests/web/test_form_round_trips.py):
advisories and report requests (issue, answer per action), drills (plan, results), notification channels,
system design, risks (edit with acceptance, new), measures, API tokens. Records, choices and rows carry
the ids 2, 29 and 129, so that a form comparing ids as text shows up."""
from __future__ import annotations

from datetime import date, datetime, timezone

from ir_app.models import (Advisory, AdvisoryAction, AdvisoryRecipient, AdvisoryResponse, Drill, InformationSystem,
                           Measure, MeasureRequirement, Risk, RiskAssessment, RiskMeasure, Role, SystemComponent, User)
from ir_app.services.audit import Actor
from ir_app.services.design import store as design
from tests.ops_support import make_system
from tests.web.form_support import EditCase, sync_sequences

UTC = timezone.utc
CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def _advisory(session, commune, kind: str, answered: dict[int, tuple[str, str]]) -> AdvisoryRecipient:
    """An advisory (or report request) of the province to ``commune`` with actions 2, 29 and 129."""
    advisory = Advisory(id=29, province_id=commune.parent_id, kind=kind, number="125/CAT-PA05",
                        title="Vá lỗ hổng VPN", content="Lỗ hổng đang bị khai thác.", deadline=date(2026, 12, 10),
                        issued_at=CREATED,
                        actions=[AdvisoryAction(id=number, position=index + 1, text=f"Việc {number}")
                                 for index, number in enumerate((2, 29, 129))])
    copy = AdvisoryRecipient(id=29, commune_id=commune.id, acknowledged_at=CREATED)
    copy.responses = [AdvisoryResponse(action_id=action_id, status=status, note=note, recorded_at=CREATED)
                      for action_id, (status, note) in answered.items()]
    advisory.recipients = [copy]
    session.add(advisory)
    session.commit()
    sync_sequences(session, Advisory, AdvisoryAction, AdvisoryRecipient)
    return copy


def advisory_answer(session, commune, make_user, clock) -> EditCase:
    copy = _advisory(session, commune, "advisory", {29: ("done", "Đã cập nhật firmware\nbản 7.2.8"),
                                                     129: ("not_applicable", "Không dùng FortiGate")})
    response = next(row for row in copy.responses if row.action_id == 29)
    return EditCase("/advisories/29", make_user(Role.OFFICER, organisation=commune), copy,
                    ("a29-status", "not_applicable"), action="/advisories/29/actions/29", child=response,
                    # a refused answer: "not applicable" needs its reason, the note is what the user typed
                    filled={"a29-note": ""})


def report_request_answer(session, commune, make_user, clock) -> EditCase:
    copy = _advisory(session, commune, "report_request", {29: ("done", "12 máy tính\n2 máy chủ")})
    return EditCase("/advisories/29", make_user(Role.OFFICER, organisation=commune), copy,
                    ("a29-note", " "), action="/advisories/29/actions/29", child=copy.responses[0])


def advisory_issue(session, commune, make_user, clock) -> EditCase:
    return EditCase("/advisories/new", make_user(Role.OVERSEER, organisation=commune.parent), None,
                    ("deadline", "31/02/2026"),
                    filled={"title": "Vá lỗ hổng VPN", "number": "125/CAT-PA05", "severity": "high",
                            "content": "Lỗ hổng\nđang bị khai thác", "actions": "Cập nhật\nĐổi mật khẩu",
                            "communes": [str(commune.id)]})


def report_request_issue(session, commune, make_user, clock) -> EditCase:
    return EditCase("/advisories/new?kind=report_request", make_user(Role.OVERSEER, organisation=commune.parent),
                    None, ("deadline", "2026-13-01"),
                    filled={"title": "Số máy tính của xã", "content": "Báo cáo số máy", "actions": "Bao nhiêu máy?",
                            "communes": [str(commune.id)]})


def drill_plan(session, commune, make_user, clock) -> EditCase:
    return EditCase("/drills/", make_user(Role.OFFICER, organisation=commune), None, ("planned_on", "31/02/2026"),
                    filled={"title": "Diễn tập mã độc", "playbook_id": "web-defacement",
                            "participants": "Công an xã\nVăn phòng", "objectives": "Cô lập máy trong 15 phút"})


def drill_results(session, commune, make_user, clock) -> EditCase:
    drill = Drill(id=29, commune_id=commune.id, title="Diễn tập quý IV", playbook_id="ransomware",
                  planned_on=date(2026, 11, 20), started_at=CREATED, finished_at=CREATED, created_at=CREATED,
                  what_worked="Cô lập máy nhanh", gaps="Chưa in danh bạ\nChưa thử khôi phục")
    session.add(drill)
    session.commit()
    sync_sequences(session, Drill)
    return EditCase("/drills/29", make_user(Role.OFFICER, organisation=commune), drill, ("gaps", "x" * 10_001),
                    action="/drills/29/results")


def own_channel(session, commune, make_user, clock) -> EditCase:
    return EditCase("/notifications/channels/", make_user(Role.OFFICER, organisation=commune), None,
                    ("address", "không phải mã"), filled={"kind": "telegram", "label": "Điện thoại của tôi",
                                                         "topics": ["incidents", "checks"]})


def commune_channel(session, commune, make_user, clock) -> EditCase:
    return EditCase(f"/notifications/channels/commune?commune={commune.code}",
                    make_user(Role.ADMIN, organisation=commune), None, ("address", "không phải địa chỉ"),
                    filled={"kind": "webhook", "label": "Giám sát", "topics": ["backups"]})


def _system_with_people(session, commune, make_user) -> InformationSystem:
    people = {number: make_user(Role.STAFF, organisation=commune, id=number) for number in (2, 29, 129)}
    sync_sequences(session, User)
    system = make_system(session, commune, id=29, code="MOTCUA", name="Một cửa điện tử")
    system.components = [SystemComponent(id=number, kind="equipment", name=f"Thiết bị {number}")
                         for number in (2, 29, 129)]
    session.commit()
    sync_sequences(session, InformationSystem, SystemComponent)
    system.people = people
    return system


def design_edit(session, commune, make_user, clock) -> EditCase:
    system = _system_with_people(session, commune, make_user)
    saved = design.adopt_starter(session, Actor.system(), system, clock.now())
    session.commit()
    return EditCase(f"/systems/{system.id}/design/edit", system.people[2], saved, ("zones-0-code", ""),
                    filled={"action": "save"}, buttons=("action",), also_sent={"action": "save"})


def _measures(session, commune) -> dict[int, Measure]:
    measures = {number: Measure(id=number, commune_id=commune.id, title=f"Biện pháp {number}", category="technical",
                                scope="commune", created_at=CREATED, updated_at=CREATED,
                                requirement_links=[MeasureRequirement(requirement_id="QL.CS.1")])
                for number in (2, 29, 129)}
    session.add_all(measures.values())
    session.commit()
    sync_sequences(session, Measure)
    return measures


def risk_edit(session, commune, make_user, clock) -> EditCase:
    """The risk form with its acceptance (who, why, until) and the measures that treat it."""
    system = _system_with_people(session, commune, make_user)
    _measures(session, commune)
    risk = Risk(id=29, commune_id=commune.id, system_id=system.id, threat_id="TM.RANSOMWARE", title="Mã độc",
                description="Máy một cửa\nbị mã hóa", asset="Máy trạm", component_id=29, likelihood=3, impact=4,
                treatment="accept", residual_likelihood=2, residual_impact=2, owner_id=29,
                review_on=date(2027, 5, 1), accepted_by="Nguyễn Văn A, Chủ tịch", accepted_reason="Chi phí cao",
                accepted_until=date(2027, 6, 30), created_at=CREATED, updated_at=CREATED,
                measure_links=[RiskMeasure(measure_id=29), RiskMeasure(measure_id=129)])
    session.add(risk)
    session.commit()
    sync_sequences(session, Risk)
    return EditCase("/risks/29/edit", system.people[2], risk, ("accepted_until", "31/02/2027"),
                    related=("measure_ids",))


def risk_new(session, commune, make_user, clock) -> EditCase:
    system = _system_with_people(session, commune, make_user)
    _measures(session, commune)
    return EditCase(f"/systems/{system.id}/risks/new", system.people[2], None, ("review_on", "31/02/2027"),
                    filled={"threat_id": "__free__", "title": "Mất điện", "likelihood": "3", "impact": "4",
                            "treatment": "reduce", "residual_likelihood": "2", "residual_impact": "4",
                            "component_id": "29", "owner_id": "29", "measure_ids": ["29", "129"]})


def measure_edit(session, commune, make_user, clock) -> EditCase:
    people = {number: make_user(Role.STAFF, organisation=commune, id=number) for number in (2, 29, 129)}
    sync_sequences(session, User)
    measure = _measures(session, commune)[29]
    measure.owner_id, measure.status, measure.levels = 29, "partly", [2, 3]
    measure.description, measure.planned_on = "Quy chế\nđã ban hành", date(2027, 1, 15)
    session.commit()
    return EditCase("/measures/29/edit", people[2], measure, ("planned_on", "31/02/2027"))


def measure_new(session, commune, make_user, clock) -> EditCase:
    return EditCase(f"/measures/new?commune={commune.code}", make_user(Role.STAFF, organisation=commune), None,
                    ("planned_on", "2027-02-30"),
                    filled={"title": "Tường lửa", "category": "technical", "scope": "commune", "status": "planned",
                            "description": "Cấu hình\nchặn cổng"})


def risk_assessment(session, commune, make_user, clock) -> EditCase:
    """The detailed assessment of a level 4–5 system (Đ22.5)."""
    system = _system_with_people(session, commune, make_user)
    record = RiskAssessment(id=29, commune_id=commune.id, system_id=system.id, connected_systems="CSDL dân cư\nLGSP",
                            impact_scope="Toàn xã", availability_24x7="Có", assessed_on=date(2026, 11, 20),
                            assessor="Tổ công nghệ", updated_at=CREATED)
    session.add(record)
    session.commit()
    sync_sequences(session, RiskAssessment)
    return EditCase(f"/systems/{system.id}/risks/assessment", system.people[2], record, ("assessed_on", "31/02/2026"))


def measures_bulk(session, commune, make_user, clock) -> EditCase:
    """The list's bulk edit: measure 29 ticked and given the status it has changes nothing; a bad date keeps
    the ticks and the other values."""
    people = {number: make_user(Role.STAFF, organisation=commune, id=number) for number in (2, 29, 129)}
    sync_sequences(session, User)
    measures = _measures(session, commune)
    measure = measures[29]
    measure.owner_id, measure.status, measure.planned_on = 29, "partly", date(2027, 1, 15)
    session.commit()
    return EditCase(f"/measures/?commune={commune.code}", people[2], measure, ("planned_on", "31/02/2027"),
                    action="/measures/bulk", filled={"ids": [f"29:{measure.version}", f"129:{measures[129].version}"],
                                                     "status": "in_place", "owner_id": "129"},
                    also_sent={"ids": [f"29:{measure.version}"], "status": "partly"})


def api_token(session, commune, make_user, clock) -> EditCase:
    return EditCase("/account/tokens", make_user(Role.OFFICER, organisation=commune), None, ("name", " "),
                    filled={"scopes": ["read", "incidents:write"], "expires": "1y"})


CASES = {
    "advisory answer": advisory_answer, "report request answer": report_request_answer,
    "advisory issue": advisory_issue, "report request issue": report_request_issue,
    "drill plan": drill_plan, "drill results": drill_results,
    "own channel": own_channel, "commune channel": commune_channel,
    "design": design_edit, "risk": risk_edit, "new risk": risk_new, "measure": measure_edit,
    "new measure": measure_new, "API token": api_token, "risk assessment": risk_assessment,
    "measures bulk edit": measures_bulk,
}
