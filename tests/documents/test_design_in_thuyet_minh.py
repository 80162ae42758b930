"""The thuyết minh carries the system's design: the logical and physical model paragraphs are
filled (from the suggested draft before the commune saves its own) and the diagram picture
follows the physical-model line, as one PNG, the same bytes on every export."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from docx import Document
from PIL import Image

from ir_app.documents.catalog import load_documents
from ir_app.models import Dossier, InformationSystem, Role, SecurityPolicy, SystemComponent
from ir_app.services.audit import Actor
from ir_app.services.design import store
from ir_app.services.dossiers import documents

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def dossier(session, commune):
    system = InformationSystem(commune_id=commune.id, code="MOTCUA", name="Hệ thống một cửa điện tử",
                               hosting="provincial_dc", system_type="citizen_service", handles_admin_procedures=True,
                               information_types=["public", "personal"], created_at=NOW, updated_at=NOW)
    system.components.append(SystemComponent(kind="application", name="Phần mềm một cửa điện tử"))
    session.add(system)
    session.flush()
    dossier = Dossier(system_id=system.id, commune_id=commune.id, regime="nd331-2026", state="draft",
                      determined_level=3, proposed_level=3, answers={},
                      reasons=[{"level": 3, "article": "Đ13.2.b", "text": "Hệ thống giải quyết thủ tục hành chính",
                                "criterion_id": "nd331.l3.admin_procedures"}],
                      created_at=NOW, updated_at=NOW)
    session.add(dossier)
    session.commit()
    return dossier


def thuyet_minh(app, session, dossier, *, draft: bool = False) -> bytes:
    law = app.extensions["ir_law"]
    folder = app.config["IR_LEVEL_DOSSIERS_DIR"]
    catalogue = load_documents(folder / "documents.yaml", folder / "templates")
    spec = catalogue.get("nd331-2026", "thuyet_minh")
    records = documents.load_dossier(session, dossier.id, law)
    context = documents.dossier_context(records, spec, law, NOW)
    render = documents.render_draft_one if draft else documents.render_one
    return render(session, catalogue, spec, context, records)


def model_lines(data: bytes) -> tuple[str, str, list]:
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    logical = next(t for t in texts if t.startswith("a) Mô hình lô-gic:"))
    physical_at = next(i for i, t in enumerate(texts) if t.startswith("b) Mô hình vật lý:"))
    pictures = [part for part in document.part.related_parts.values() if part.content_type == "image/png"]
    # The picture is the paragraph right after the physical model, its caption the next one.
    after = document.paragraphs[physical_at + 1]
    assert after._p.xpath(".//pic:pic"), "no picture after the physical model line"
    assert document.paragraphs[physical_at + 2].text == "Hình 1. Sơ đồ mô hình Hệ thống một cửa điện tử"
    return logical, texts[physical_at], pictures


def test_the_suggested_design_fills_the_model_lines_and_the_diagram(app, session, dossier):
    data = thuyet_minh(app, session, dossier)
    logical, physical, pictures = model_lines(data)
    assert "Hệ thống một cửa điện tử được tổ chức thành" in logical
    assert "mạng truyền số liệu chuyên dùng" in logical and "HTTPS/443" in logical
    assert "Trung tâm dữ liệu tỉnh" in physical and len(physical) > len("b) Mô hình vật lý: ") + 50
    assert len(pictures) == 1
    image = Image.open(io.BytesIO(pictures[0].blob))
    assert image.format == "PNG" and image.width == 1600
    assert thuyet_minh(app, session, dossier) == data  # the same records give the same file
    draft = thuyet_minh(app, session, dossier, draft=True)
    assert len(model_lines(draft)[2]) == 1


def test_the_communes_own_design_and_words_are_what_the_appraiser_reads(app, session, dossier, make_user, commune):
    actor = Actor.of(make_user(Role.STAFF, organisation=commune))
    system = dossier.system
    design = store.view_of(session, system).design
    rows = design.as_rows()
    rows["zones"][0]["name"] = "Mạng Internet công cộng"
    store.save_design(session, actor, system, rows["zones"], rows["nodes"], rows["links"],
                      "Mô hình ba lớp do Sở cung cấp.", "", NOW, None)
    session.commit()
    logical, physical, pictures = model_lines(thuyet_minh(app, session, dossier))
    assert logical == "a) Mô hình lô-gic: Mô hình ba lớp do Sở cung cấp."
    assert "Trung tâm dữ liệu tỉnh" in physical and len(pictures) == 1


def test_a_template_without_the_model_line_is_left_as_it_is(app, session, dossier):
    from ir_app.services.design.document import embed_diagram

    law = app.extensions["ir_law"]
    folder = app.config["IR_LEVEL_DOSSIERS_DIR"]
    catalogue = load_documents(folder / "documents.yaml", folder / "templates")
    spec = catalogue.get("nd331-2026", "mau01")
    records = documents.load_dossier(session, dossier.id, law)
    data = documents.render_one(session, catalogue, spec, documents.dossier_context(records, spec, law, NOW), records)
    assert embed_diagram(data, lambda: pytest.fail("drawn for nothing"), "Hình 1", NOW) == data


def test_the_submitted_version_keeps_its_design_and_the_next_version_takes_the_edits(app, session, commune,
                                                                                      make_user):
    """Submission freezes the design into the version: a later edit of the zones or the wording changes
    neither its model lines nor its picture; a new version of the dossier prints the edit."""
    from ir_app.services.dossiers import lifecycle

    law = app.extensions["ir_law"]
    staff = make_user(Role.STAFF, organisation=commune)
    system = InformationSystem(commune_id=commune.id, code="MOTCUA", name="Hệ thống một cửa điện tử",
                               hosting="provincial_dc", system_type="citizen_service", handles_admin_procedures=True,
                               information_types=["public", "personal"], created_at=NOW, updated_at=NOW)
    system.components.append(SystemComponent(kind="application", name="Phần mềm một cửa điện tử"))
    session.add(system)
    session.flush()
    store.adopt_starter(session, Actor.of(staff), system, NOW)
    submitted = lifecycle.start_dossier(session, Actor.of(staff), system, law.default_regime, NOW)
    submitted.answers = {"system_type": "citizen_service", "information": ["public", "personal"],
                         "handles_admin_procedures": True, "personal_data_subjects": 18500}
    lifecycle.save_proposal(session, Actor.of(staff), submitted, law.default_regime,
                            lifecycle.Proposal(None, "", "", []), NOW, None)
    lifecycle.take_action(session, staff, Actor.of(staff), submitted, "submit", lifecycle.StepInput(), law, NOW)
    session.commit()
    read_by_appraiser = model_lines(thuyet_minh(app, session, submitted))

    saved = store.saved_design(session, system)
    rows = store.view_of(session, system).design.as_rows()
    rows["zones"] = [zone | {"name": "Trung tâm dữ liệu mới"} if zone["kind"] == "provider" else zone
                     for zone in rows["zones"]]
    store.save_design(session, Actor.of(staff), system, rows["zones"], rows["nodes"], rows["links"],
                      "Mô hình sửa sau khi nộp.", "", NOW, saved.version)
    session.commit()

    logical, physical, pictures = model_lines(thuyet_minh(app, session, submitted))
    assert (logical, physical) == read_by_appraiser[:2]
    assert [p.blob for p in pictures] == [p.blob for p in read_by_appraiser[2]]
    assert "Trung tâm dữ liệu mới" not in physical and "Mô hình sửa" not in logical

    # Approved: the next version starts from here.
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ-UBND",
                               issued_on=date(2026, 1, 2), created_at=NOW))
    submitted.state, submitted.decision_number, submitted.decision_on = "approved", "2/QĐ-UBND", date(2026, 12, 1)
    session.flush()
    following = lifecycle.start_dossier(session, Actor.of(staff), system, law.default_regime, NOW)
    following.proposed_level = following.determined_level = 3
    session.commit()
    logical, physical, pictures = model_lines(thuyet_minh(app, session, following))
    assert logical == "a) Mô hình lô-gic: Mô hình sửa sau khi nộp." and "Trung tâm dữ liệu mới" in physical
    assert [p.blob for p in pictures] != [p.blob for p in read_by_appraiser[2]]
