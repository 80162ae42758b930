"""Dossier documents from the demo data: downloads, ZIP manifest, missing data, audit, templates."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from docx import Document
from sqlalchemy import select

from ir_app.cli.data import dossier_bundle, dossier_export
from ir_app.cli.serving import demo
from ir_app.models import AuditEvent, Dossier, InformationSystem, Organisation

TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"

@pytest.fixture(autouse=True)
def sessions_outlive_the_clock(app):
    """These tests re-export documents months later; sign-in limits are tested elsewhere."""
    app.config.update(IR_SESSION_IDLE_MINUTES=60 * 24 * 1000, IR_SESSION_MAX_HOURS=24 * 1000)



@pytest.fixture
def demo_data(app, session):
    result = app.test_cli_runner().invoke(demo, ["--no-serve"])
    assert result.exit_code == 0, result.output
    lan = session.scalar(select(Dossier).join(InformationSystem).join(Organisation, Organisation.id == Dossier.commune_id)
                         .where(InformationSystem.code == "LAN", Organisation.slug == "vinh-lai"))
    return lan


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_auditor_downloads_the_dossier_zip_and_it_is_audited(app, make_web, demo_data, session):
    auditor = make_web()
    auditor.login("auditor@vinh-lai.demo.vn", "demo12345")
    response = auditor.get(f"/dossiers/{demo_data.id}/documents.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = json.loads(archive.read("manifest.json"))
    listed = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    assert "mau-06-quyet-dinh-phe-duyet-cap-do.docx" in listed
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    decision = _text(archive.read("mau-06-quyet-dinh-phe-duyet-cap-do.docx"))
    assert TITLE in decision and "Độc lập - Tự do - Hạnh phúc" in decision
    assert "Mạng nội bộ (LAN) trụ sở UBND" in decision and "Điều 1" in decision and "Điều 3" in decision
    explained = _text(archive.read("thuyet-minh-ho-so-de-xuat-cap-do.docx"))
    for requirement in app.extensions["ir_law"].catalogue.for_level(demo_data.level):
        assert requirement.id in explained
    assert "Chưa có biện pháp — dự kiến" in explained  # the demo's gaps on purpose, with their date
    downloads = session.scalars(select(AuditEvent).where(AuditEvent.action == "download")).all()
    assert any(event.actor_label == "auditor@vinh-lai.demo.vn" for event in downloads)


def test_same_data_and_clock_give_identical_zip(make_web, demo_data):
    client = make_web()
    client.login("officer@vinh-lai.demo.vn", "demo12345")
    first = client.get(f"/dossiers/{demo_data.id}/documents.zip").data
    second = client.get(f"/dossiers/{demo_data.id}/documents.zip").data
    assert first == second


def test_missing_data_is_listed_instead_of_blanks(make_web, demo_data, session):
    pending = session.scalar(select(Dossier).where(Dossier.state == "pending_approval"))
    client = make_web()
    client.login("staff@vinh-lai.demo.vn", "demo12345")
    page = client.get(f"/dossiers/{pending.id}/documents").get_data(as_text=True)
    assert "Còn thiếu:" in page and "Số quyết định phê duyệt" in page
    response = client.get(f"/dossiers/{pending.id}/documents/mau06.docx")
    assert response.status_code == 302
    assert "Còn thiếu" in client.get(response.location).get_data(as_text=True)


def test_commune_bundle_and_annual_report(make_web, demo_data):
    overseer = make_web()
    overseer.login("overseer@hai-phong.demo.vn", "demo12345")
    bundle = overseer.get("/dossiers/bundle.zip?commune=11017")
    assert bundle.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(bundle.data)).namelist()
    assert "LAN-lan-1/mau-06-quyet-dinh-phe-duyet-cap-do.docx" in names and "MANIFEST.txt" in names
    assert overseer.get("/dossiers/bundle.zip?commune=18445").status_code == 404  # Hà Tĩnh is not theirs
    report = overseer.get("/reports/annual.docx?commune=11017&year=2026")
    text = _text(report.data)
    assert "BÁO CÁO" in text.upper() and "15/12/2025" in text  # the data period 15/12–14/12 (Đ35.3)
    assert "Hệ thống thông tin giải quyết thủ tục hành chính" in text
    sheet = overseer.get("/reports/annual.xlsx?commune=11017")
    assert sheet.status_code == 200 and sheet.data.startswith(b"PK")


def test_template_replacement_is_test_rendered_and_sandboxed(app, make_web, make_user, demo_data, session):
    from ir_app.documents.catalog import load_documents
    from ir_app.models import Role

    admin = make_web(make_user(Role.ADMIN, organisation=demo_data.commune))
    folder = app.config["IR_LEVEL_DOSSIERS_DIR"]
    shipped = (folder / "templates" / "nd331-mau06.docx").read_bytes()
    evil = _with_paragraph(shipped, "{{ ''.__class__.__mro__ }}")
    response = admin.post_form("/admin/templates/nd331-2026/mau06", {"file": (io.BytesIO(evil), "mau06.docx")},
                               content_type="multipart/form-data")
    page = admin.get(response.location).get_data(as_text=True)
    assert "chưa được nhận" in page and "Traceback" not in page
    broken = admin.post_form("/admin/templates/nd331-2026/mau06", {"file": (io.BytesIO(b"not a docx"), "x.docx")},
                             content_type="multipart/form-data")
    assert "chưa được nhận" in admin.get(broken.location).get_data(as_text=True)
    edited = _with_paragraph(shipped, "Ghi chú của xã: {{ system.name }}")
    accepted = admin.post_form("/admin/templates/nd331-2026/mau06", {"file": (io.BytesIO(edited), "mau06.docx")},
                               content_type="multipart/form-data")
    assert "Đã dùng mẫu mới" in admin.get(accepted.location).get_data(as_text=True)
    decision = admin.get(f"/dossiers/{demo_data.id}/documents/mau06.docx")
    assert "Ghi chú của xã: Mạng nội bộ (LAN) trụ sở UBND" in _text(decision.data)
    admin.post_form("/admin/templates/nd331-2026/mau06/reset")
    decision = admin.get(f"/dossiers/{demo_data.id}/documents/mau06.docx")
    assert "Ghi chú của xã" not in _text(decision.data)
    assert load_documents(folder / "documents.yaml", folder / "templates").get("nd331-2026", "mau06")


def _with_paragraph(template: bytes, text: str) -> bytes:
    document = Document(io.BytesIO(template))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_cli_export_and_bundle(app, demo_data, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(dossier_export, ["--system", str(demo_data.system_id), "--out", str(tmp_path / "ho-so")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ho-so" / "mau-06-quyet-dinh-phe-duyet-cap-do.docx").exists()
    result = runner.invoke(dossier_bundle, ["--commune", "11017", "--out", str(tmp_path / "xa.zip")])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(tmp_path / "xa.zip").testzip() is None
    assert runner.invoke(dossier_bundle, ["--commune", "00000", "--out", str(tmp_path / "x.zip")]).exit_code != 0


def test_request_number_skipped_at_submission_is_recorded_later_and_reprinted_forever(app, make_web, demo_data,
                                                                                        session, clock):
    email = session.scalar(select(Dossier).join(InformationSystem).join(Organisation, Organisation.id == Dossier.commune_id)
                           .where(InformationSystem.code == "EMAIL", Organisation.slug == "vinh-lai"))
    email.request_number, email.request_on = "", None  # submitted without a number
    session.commit()
    client = make_web()
    client.login("staff@vinh-lai.demo.vn", "demo12345")
    page = client.get(f"/dossiers/{email.id}/documents").get_data(as_text=True)
    assert "Ghi số" in page and f"/dossiers/{email.id}/documents/mau01/number" in page
    draft = _text(client.get(f"/dossiers/{email.id}/documents/mau01.docx").data)
    assert "Số: …/VP" in draft  # a draft until the clerk numbers it
    bad_day = client.post_form(f"/dossiers/{email.id}/documents/mau01/number",
                               {"number": "15", "issued_on": "20/13/2026"})
    assert bad_day.status_code == 422  # refused, and the page shows it with what was typed
    assert 'value="15"' in bad_day.get_data(as_text=True) and "Ngày ban hành không hợp lệ" in bad_day.get_data(as_text=True)
    client.post_form(f"/dossiers/{email.id}/documents/mau01/number", {"number": "15", "issued_on": "2026-11-20"})
    first = _text(client.get(f"/dossiers/{email.id}/documents/mau01.docx").data)
    assert "Số: 15/VP" in first and "Vĩnh Lại, ngày 20 tháng 11 năm 2026" in first
    refused = client.post_form(f"/dossiers/{email.id}/documents/mau01/number", {"number": "16", "issued_on": "2026-11-21"})
    assert refused.status_code == 422 and "không sửa được" in refused.get_data(as_text=True)
    clock.advance(days=400)  # exported again more than a year later: the same number and date
    again = _text(client.get(f"/dossiers/{email.id}/documents/mau01.docx").data)
    assert "Số: 15/VP" in again and "ngày 20 tháng 11 năm 2026" in again


def test_decision_re_exported_later_keeps_its_recorded_number_and_date(make_web, demo_data, clock):
    client = make_web()
    client.login("auditor@vinh-lai.demo.vn", "demo12345")
    first = _text(client.get(f"/dossiers/{demo_data.id}/documents/mau06.docx").data)
    clock.advance(days=90)
    later = _text(client.get(f"/dossiers/{demo_data.id}/documents/mau06.docx").data)
    number = demo_data.decision_number
    day = demo_data.decision_on
    assert f"Số: {number}" in later and f"ngày {day.day:02d} tháng {day.month if day.month > 2 else f'{day.month:02d}'}" in later
    assert first == later


def test_a_draft_downloads_before_every_field_is_filled(make_web, demo_data, session):
    pending = session.scalar(select(Dossier).where(Dossier.state == "pending_approval"))
    pending.system.operator_address = pending.commune.address = ""
    session.commit()
    client = make_web()
    client.login("staff@vinh-lai.demo.vn", "demo12345")
    page = client.get(f"/dossiers/{pending.id}/documents").get_data(as_text=True)
    assert f'href="/systems/{pending.system_id}/edit">Địa chỉ đơn vị vận hành</a>' in page
    # each missing field links to the form that fills it; a draft is offered for every document
    assert f'href="/dossiers/{pending.id}">Số quyết định phê duyệt</a>' in page
    assert f"/dossiers/{pending.id}/documents/mau06.draft.docx" in page
    response = client.get(f"/dossiers/{pending.id}/documents/mau06.draft.docx")
    assert response.status_code == 200 and "du-thao-mau-06" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    assert "DỰ THẢO" in document.sections[0].first_page_header.paragraphs[0].text
    assert "DỰ THẢO" in document.sections[0].header.paragraphs[0].text
    body = _text(response.data)
    assert "[Còn thiếu: Địa chỉ đơn vị vận hành]" in body and "Số: …/QĐ-UBND" in body
    assert "Vĩnh Lại, ngày … tháng … năm …" in body
    assert 'w:highlight w:val="yellow"' in zipfile.ZipFile(io.BytesIO(response.data)).read("word/document.xml").decode()
    assert client.get(f"/dossiers/{pending.id}/documents/mau06.docx").status_code == 302  # the real one waits
    # A reader who cannot fill them (the appraiser) sees what is missing, without links to forms refused to them.
    reader = make_web()
    reader.login("appraiser@vinh-lai.demo.vn", "demo12345")
    page = reader.get(f"/dossiers/{pending.id}/documents").get_data(as_text=True)
    assert "Địa chỉ đơn vị vận hành" in page and f"/systems/{pending.system_id}/edit" not in page


def _plan_tables(document):
    """The thuyết minh's plan tables: those whose header has the "Phương án đáp ứng" column."""
    return [table for table in document.tables
            if any("Phương án đáp ứng" in cell.text for cell in table.rows[0].cells)]


def test_every_demo_thuyet_minh_prints_every_plan_cell(app, demo_data, session, tmp_path):
    """`ir-app dossier export` of each demo level-2/3 system: no empty cell in the plan tables."""
    runner = app.test_cli_runner()
    dossiers = session.scalars(select(Dossier).where(Dossier.state != "superseded")).all()
    exported = 0
    for dossier in dossiers:
        if dossier.level not in (2, 3):
            continue
        out = tmp_path / f"he-thong-{dossier.system_id}"
        result = runner.invoke(dossier_export, ["--system", str(dossier.system_id), "--out", str(out)])
        assert result.exit_code == 0, result.output
        document = Document(str(out / "thuyet-minh-ho-so-de-xuat-cap-do.docx"))
        tables = _plan_tables(document)
        rows = [row for table in tables for row in table.rows[1:]]
        assert len(rows) == len(app.extensions["ir_law"].catalogue.for_level(dossier.level)), dossier.system.code
        empty = [(dossier.system.code, row.cells[1].text[:20], index) for row in rows
                 for index, cell in enumerate(row.cells) if not cell.text.strip()]
        assert empty == []
        _assert_design_and_risks(document, dossier.system.code)
        exported += 1
    assert exported >= 4


def _assert_design_and_risks(document, code: str) -> None:
    """Issue 11's bar for the same export: model texts, a diagram, a risk table with every cell filled."""
    texts = [paragraph.text for paragraph in document.paragraphs]
    logical = next(text for text in texts if text.startswith("a) Mô hình lô-gic:"))
    physical = next(text for text in texts if text.startswith("b) Mô hình vật lý:"))
    assert len(logical) > 60 and len(physical) > 60, (code, logical, physical)
    assert [part for part in document.part.related_parts.values() if part.content_type == "image/png"], code
    risk_tables = [table for table in document.tables
                   if [cell.text.strip() for cell in table.rows[0].cells][1:2] == ["Nguy cơ, rủi ro"]]
    assert risk_tables and len(risk_tables[0].rows) > 1, code
    assert all(cell.text.strip() for row in risk_tables[0].rows[1:] for cell in row.cells), code


def test_every_demo_system_has_a_saved_local_design_frozen_into_submitted_versions(app, demo_data, session):
    from ir_app.models import SystemDesign

    systems = session.scalars(select(InformationSystem)).all()
    designs = {row.system_id: row for row in session.scalars(select(SystemDesign))}
    assert systems and set(designs) == {system.id for system in systems}
    motcua = next(s for s in systems if s.code == "MOTCUA" and s.commune.slug == "vinh-lai")
    design = designs[motcua.id]
    provider = next(zone for zone in design.zones if zone["kind"] == "provider")
    assert provider["name"] == "Trung tâm dữ liệu thành phố Hải Phòng"
    gov_links = [link for link in design.links if link["channel"] == "gov_network"]
    assert gov_links and all(link["encrypted"] for link in gov_links)
    assert any(node["name"] == "Tường lửa biên (Firewall UTM)" for node in design.nodes)
    camera = designs[next(s.id for s in systems if s.code == "CAMERA")]
    assert any(link["protocol"] == "RTSP/554" for link in camera.links)
    submitted = [d for d in session.scalars(select(Dossier)) if d.frozen_plan]
    assert submitted and all(d.frozen_plan["design"]["zones"] == designs[d.system_id].zones for d in submitted)


def test_every_demo_commune_adopted_the_library_with_gaps_on_purpose_and_keeps_risk_registers(demo_data,
                                                                                              session):
    from ir_app.models import Measure
    from ir_app.models.risks import Risk

    communes = session.scalars(select(Organisation).where(Organisation.kind == "commune")).all()
    assert {c.slug for c in communes} >= {"vinh-lai", "hai-an", "mai-phu", "cho-don"}
    for commune in communes:
        measures = session.scalars(select(Measure).where(Measure.commune_id == commune.id)).all()
        assert len([m for m in measures if m.library_id]) >= 60, commune.slug  # the starter library, adopted
        statuses = {m.status for m in measures}
        assert {"in_place", "planned"} <= statuses, commune.slug  # mostly done, some gaps on purpose
        assert any(m.scope == "inherited" and m.provider_name for m in measures), commune.slug
        risks = session.scalars(select(Risk).where(Risk.commune_id == commune.id)).all()
        systems = session.scalars(select(InformationSystem).where(InformationSystem.commune_id == commune.id)).all()
        assert {r.system_id for r in risks} == {s.id for s in systems}, commune.slug
        accepted = [r for r in risks if r.treatment == "accept"]
        assert accepted and all(r.accepted_by and r.accepted_reason and r.accepted_until for r in accepted)
