"""Measures and the plan as a view over them, through the services (real database)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ir_app.models import AuditEvent, Measure, Role, SecurityPolicy
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.inventory import systems as inventory
from ir_app.services.measures import export, plan, register
from ir_app.services.measures.library import adopt_library, adopt_one, load_starter_library

MOTCUA = {"code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service", "status": "in_operation",
          "hosting": "provincial_dc", "information_types": ["public", "personal"], "handles_admin_procedures": True}
LEVEL_3 = {"system_type": "citizen_service", "information": ["public", "personal"], "handles_admin_procedures": True,
           "personal_data_subjects": 18500}


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


@pytest.fixture
def library(app, law):
    return load_starter_library(app.config["IR_LEVEL_DOSSIERS_DIR"], law.catalogue)


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


def _system(session, commune, clock, **changes):
    return inventory.create_system(session, Actor.system(), commune, MOTCUA | changes, clock.now())


def _level_3_dossier(session, law, system, clock):
    dossier = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    dossier.answers = dict(LEVEL_3)
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    return dossier


def _measure(session, commune, law, clock, **raw):
    values = {"title": "Biện pháp riêng", "category": "technical", "scope": "commune", "status": "planned",
              "requirements": "KT.MC.1", "description": "Nội dung riêng"} | raw
    extra = register.MeasureInput(system_ids=tuple(raw.pop("system_ids", ())) if "system_ids" in raw else ())
    values.pop("system_ids", None)
    return register.save_measure(session, Actor.system(), commune, values, extra, law.catalogue, clock.now())


def test_adopting_the_library_twice_creates_each_measure_once(session, commune, library, clock):
    first = adopt_library(session, Actor.system(), commune, library, clock.now())
    first[0].title = "Quy chế của xã, đã sửa"  # the commune's own edit survives a second adoption
    second = adopt_library(session, Actor.system(), commune, library, clock.now())
    assert len(first) == len(library.measures) == 67 and second == []
    assert session.scalar(select(func.count(Measure.id)).where(Measure.commune_id == commune.id)) == 67
    assert {(m.library_id, m.library_version, m.status) for m in first} == {("commune-starter", 1, "planned")}
    inherited = next(m for m in first if m.scope == "inherited")
    assert inherited.provider_name and inherited.requirement_ids
    assert first[0].title == "Quy chế của xã, đã sửa"
    assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "adopt")) == 2


def test_a_plan_row_holds_own_commune_wide_and_inherited_measures(session, commune, law, clock):
    system = _system(session, commune, clock)
    other = _system(session, commune, clock, code="CONG", name="Cổng thông tin")
    dossier = _level_3_dossier(session, law, system, clock)
    shared = _measure(session, commune, law, clock, title="Mật khẩu mạnh", status="in_place")
    own = _measure(session, commune, law, clock, title="Riêng một cửa", scope="system", system_ids=[system.id],
                   status="partly")
    provided = _measure(session, commune, law, clock, title="TTDL", scope="inherited", provider_name="Trung tâm dữ liệu tỉnh",
                        status="in_place")
    elsewhere = _measure(session, commune, law, clock, title="Chỉ cổng", scope="system", system_ids=[other.id])
    level_1_only = _measure(session, commune, law, clock, title="Cấp 1", levels=["1"])
    row = plan.plan_view(session, dossier, law.catalogue).row("KT.MC.1")
    assert [m.title for m in row.measures] == ["Mật khẩu mạnh", "Riêng một cửa", "TTDL"]
    assert row.status == "partly"
    assert elsewhere not in row.measures and level_1_only not in row.measures
    register.set_status(session, Actor.system(), own, "in_place", clock.now())
    assert plan.plan_view(session, dossier, law.catalogue).row("KT.MC.1").status == "met"
    assert (shared.id, provided.id) and own.in_place_since == date(2026, 11, 26)


def test_a_gap_offers_the_library_measure_and_the_measure_of_another_system(session, commune, law, library, clock):
    system = _system(session, commune, clock)
    other = _system(session, commune, clock, code="CONG", name="Cổng thông tin")
    dossier = _level_3_dossier(session, law, system, clock)
    camera = adopt_one(session, Actor.system(), commune.id, library, "BP.KT.CAMERA", clock.now(), other)
    row = plan.plan_view(session, dossier, law.catalogue, library).row("KT.MG.1")
    assert row.is_gap and camera in row.elsewhere
    assert "BP.KT.CAMERA" not in {p.id for p in row.proposals} and row.proposals
    register.add_system(session, Actor.system(), camera, system, clock.now())
    assert camera in plan.plan_view(session, dossier, law.catalogue).row("KT.MG.1").measures
    assert sorted(camera.system_ids) == sorted([system.id, other.id])


def test_not_applicable_needs_a_reason_and_prints_it(session, commune, law, clock):
    dossier = _level_3_dossier(session, law, _system(session, commune, clock), clock)
    with pytest.raises(ValidationFailed) as refused:
        plan.set_override(session, Actor.system(), dossier, "QL.CS.1", "not_applicable", " ", law.catalogue, clock.now())
    assert "lý do" in refused.value.errors["override_reason"].lower()
    plan.set_override(session, Actor.system(), dossier, "QL.CS.1", "not_applicable", "Xã không có máy chủ",
                      law.catalogue, clock.now())
    row = plan.plan_view(session, dossier, law.catalogue).row("QL.CS.1")
    assert row.status == "not_applicable" and plan.row_entry(row)["measure"] == "Xã không có máy chủ"
    plan.set_override(session, Actor.system(), dossier, "QL.CS.1", None, "", law.catalogue, clock.now())
    assert plan.plan_view(session, dossier, law.catalogue).row("QL.CS.1").status == "not_met"


def test_a_printed_row_is_never_empty(session, commune, law, clock):
    dossier = _level_3_dossier(session, law, _system(session, commune, clock), clock)
    _measure(session, commune, law, clock, title="Sao lưu 3-2-1", requirements="KT.DL.3", planned_on="31/03/2027",
             responsible_unit="Công an xã")
    _measure(session, commune, law, clock, title="Mật khẩu", description="Mỗi người một tài khoản.", status="in_place")
    entries = plan.document_entries(plan.plan_view(session, dossier, law.catalogue))
    assert all(entry["measure"].strip() and entry["responsible"].strip() for entry in entries.values())
    assert entries["KT.DL.3"]["measure"].startswith("Chưa có biện pháp — dự kiến: «Sao lưu 3-2-1», hoàn thành trước "
                                                    "ngày 31/03/2027")
    assert entries["KT.DL.3"]["due_date"] == date(2027, 3, 31) and entries["KT.DL.3"]["responsible"] == "Công an xã"
    assert entries["KT.MC.1"]["measure"] == "Mỗi người một tài khoản." and entries["KT.MC.1"]["status"] == "met"
    assert entries["QL.CS.1"]["measure"].startswith("Chưa có biện pháp")


def test_the_submitted_plan_is_frozen_and_later_edits_show_in_the_next_version(session, commune, law, clock,
                                                                                make_user):
    system = _system(session, commune, clock)
    measure = _measure(session, commune, law, clock, description="Bản khi nộp", status="in_place")
    dossier = _level_3_dossier(session, law, system, clock)
    staff = make_user(Role.STAFF, organisation=commune)
    dossiers.take_action(session, staff, Actor.of(staff), dossier, "submit", dossiers.StepInput(), law, clock.now())
    assert dossier.plan_frozen_at == clock.now() and len(dossier.frozen_plan["rows"]) == 66
    register.save_measure(session, Actor.system(), commune, {
        "title": measure.title, "category": "technical", "scope": "commune", "status": "in_place",
        "requirements": "KT.MC.1", "description": "Bản sửa sau khi nộp"}, register.MeasureInput(), law.catalogue,
        clock.now(), measure, measure.version)
    kept = plan.entries_for_documents(session, dossier, law.catalogue)
    live = plan.entries_for_documents(session, dossier, law.catalogue, live=True)
    assert kept["KT.MC.1"]["measure"] == "Bản khi nộp" and live["KT.MC.1"]["measure"] == "Bản sửa sau khi nộp"
    # Approved, then re-determined: the next version reads the measures as they are now.
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ",
                               issued_on=date(2026, 1, 2), created_at=clock.now()))
    dossier.state, dossier.decision_number, dossier.decision_on = "approved", "2/QĐ", date(2026, 12, 1)
    session.flush()
    second = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    second.answers, second.proposed_level, second.determined_level = dict(LEVEL_3), 3, 3
    assert plan.entries_for_documents(session, second, law.catalogue)["KT.MC.1"]["measure"] == "Bản sửa sau khi nộp"
    assert plan.entries_for_documents(session, dossier, law.catalogue)["KT.MC.1"]["measure"] == "Bản khi nộp"


def test_a_measure_is_checked_before_it_is_saved(session, commune, other_commune, law, clock):
    foreign = inventory.create_system(session, Actor.system(), other_commune, MOTCUA, clock.now())
    cases = [({"scope": "inherited"}, "provider_name"), ({"requirements": "QL.CS.1, XX.1"}, "requirements"),
             ({"requirements": ""}, "requirements"), ({"scope": "system"}, "system_ids"),
             ({"scope": "system", "system_ids": [foreign.id]}, "system_ids"), ({"title": ""}, "title")]
    for raw, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            _measure(session, commune, law, clock, **raw)
        assert field in refused.value.errors, raw
    measure = _measure(session, commune, law, clock, requirements="ql.cs.1; QL.CS.2,QL.CS.1")
    assert measure.requirement_ids == ["QL.CS.1", "QL.CS.2"]


def test_bulk_edit_refuses_a_measure_changed_meanwhile(session, commune, law, library, clock, officer):
    measures = adopt_library(session, Actor.system(), commune, library, clock.now())[:3]
    selection = {m.id: m.version for m in measures}
    register.set_status(session, Actor.system(), measures[1], "partly", clock.now())
    session.commit()
    with pytest.raises(ConflictError):
        register.bulk_update(session, Actor.system(), commune, selection, {"status": "in_place"}, None, clock.now())
    session.rollback()
    fresh = {m.id: m.version for m in session.scalars(select(Measure).where(Measure.id.in_(selection)))}
    assert register.bulk_update(session, Actor.system(), commune, fresh, {"status": "in_place"}, officer.id,
                                clock.now()) == 3
    assert {(m.status, m.owner_id) for m in session.scalars(select(Measure).where(Measure.id.in_(fresh)))} == \
        {("in_place", officer.id)}
    with pytest.raises(ValidationFailed):
        register.bulk_update(session, Actor.system(), commune, fresh, {}, None, clock.now())  # nothing to change


def test_the_register_export_writes_formula_like_text_as_text(session, commune, law, clock):
    _measure(session, commune, law, clock, title="=HYPERLINK(\"http://x\")", description="+1-2",
             responsible_unit="@SUM(A1)")
    _measure(session, commune, law, clock, title="- gạch đầu dòng", description="Bình thường\x07")
    measures = list(session.scalars(register.measures_query(commune.id, register.MeasureFilter())))
    sheet = load_workbook(io.BytesIO(export.export_measures(measures, {}))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    risky = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))]
    assert risky and all(cell.quotePrefix for cell in risky)  # the shared export rule: shown as typed, never run
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert '=HYPERLINK("http://x")' in texts and "- gạch đầu dòng" in texts and "Bình thường" in texts


def test_plan_gaps_for_lists_the_gaps_whose_measures_the_user_owns(session, commune, law, clock, officer):
    dossier = _level_3_dossier(session, law, _system(session, commune, clock), clock)
    mine = _measure(session, commune, law, clock, title="Sao lưu", requirements="KT.DL.3")
    register.bulk_update(session, Actor.system(), commune, {mine.id: mine.version}, {}, officer.id, clock.now())
    _measure(session, commune, law, clock, title="Không của tôi", requirements="KT.MC.1")
    gaps = plan.plan_gaps_for(session, officer, law.catalogue)
    assert [(gap.dossier.id, gap.requirement.id, [m.title for m in gap.measures]) for gap in gaps] == \
        [(dossier.id, "KT.DL.3", ["Sao lưu"])]


def test_every_change_to_a_measure_is_audited(session, commune, law, clock):
    measure = _measure(session, commune, law, clock)
    register.set_status(session, Actor.system(), measure, "in_place", clock.now())
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "measure",
                                                      AuditEvent.object_id == str(measure.id))
                             .order_by(AuditEvent.id)).all()
    assert [event.action for event in events] == ["create", "update"]
    assert events[1].changes["status"] == ["planned", "in_place"]
    with pytest.raises(ConflictError):
        register.set_status(session, Actor.system(), measure, "planned", clock.now(), expected_version=1)
