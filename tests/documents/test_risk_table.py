"""The thuyết minh's risk table is filled from the system's risk register: every cell of every row
(opened with python-docx), for the demo's level-2/3 dossiers; a level 4 system's detailed
assessment (Đ22.5) prints from the same register."""
from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import select

from ir_app.cli.serving import demo
from ir_app.models import Dossier, InformationSystem, Organisation
from ir_app.services.risks import assessment

RISK_HEADER = ["STT", "Nguy cơ, rủi ro", "Mức độ ảnh hưởng dự kiến", "Khả năng xảy ra", "Biện pháp giảm thiểu"]


@pytest.fixture(autouse=True)
def sessions_outlive_the_clock(app):
    app.config.update(IR_SESSION_IDLE_MINUTES=60 * 24 * 1000, IR_SESSION_MAX_HOURS=24 * 1000)


@pytest.fixture
def demo_data(app, session):
    result = app.test_cli_runner().invoke(demo, ["--no-serve"])
    assert result.exit_code == 0, result.output


def _risk_table(data: bytes):
    document = Document(io.BytesIO(data))
    for table in document.tables:
        if [cell.text.strip() for cell in table.rows[0].cells] == RISK_HEADER:
            return table
    raise AssertionError("no risk table in the thuyết minh")


def _thuyet_minh(client, dossier_id: int) -> bytes:
    response = client.get(f"/dossiers/{dossier_id}/documents/thuyet_minh.draft.docx")
    assert response.status_code == 200, response.status_code
    return response.data


def test_every_cell_of_the_risk_table_is_filled_for_the_demo_dossiers(demo_data, make_web, session):
    client = make_web()
    client.login("officer@vinh-lai.demo.vn", "demo12345")
    dossiers = session.scalars(select(Dossier).join(Organisation, Organisation.id == Dossier.commune_id)
                               .where(Organisation.slug == "vinh-lai", Dossier.proposed_level.in_([2, 3]))).all()
    assert dossiers
    for dossier in dossiers:
        table = _risk_table(_thuyet_minh(client, dossier.id))
        rows = table.rows[1:]
        assert len(rows) >= 3, dossier.system.name
        for row in rows:
            cells = [cell.text.strip() for cell in row.cells]
            assert all(cells), (dossier.system.name, cells)
            assert "Chưa nhận diện" not in cells[1]
        text = "\n".join(cell.text for row in rows for cell in row.cells)
        assert "Mức rủi ro:" in text and "Rủi ro còn lại:" in text and "/5)" in text


def test_a_level_4_thuyet_minh_prints_the_detailed_assessment_from_the_register(demo_data, make_web, session, clock):
    dossier = session.scalar(select(Dossier).join(InformationSystem).join(
        Organisation, Organisation.id == Dossier.commune_id).where(
        Organisation.slug == "vinh-lai", Dossier.proposed_level == 3))
    dossier.proposed_level = 4
    from ir_app.services.audit import Actor

    assessment.save_assessment(session, Actor.system(), dossier.system, {
        "connected_systems": "Cổng Dịch vụ công quốc gia\nCơ sở dữ liệu quốc gia về dân cư",
        "impact_scope": "Gián đoạn tiếp nhận hồ sơ của người dân trên địa bàn xã",
        "availability_24x7": "Tiếp nhận hồ sơ trực tuyến 24/7", "assessed_on": "2026-11-20",
        "assessor": "Công an xã Vĩnh Lại"}, clock.now())
    session.commit()
    client = make_web()
    client.login("officer@vinh-lai.demo.vn", "demo12345")
    document = Document(io.BytesIO(_thuyet_minh(client, dossier.id)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "- Cổng Dịch vụ công quốc gia;" in text
    attack = next(p.text for p in document.paragraphs if p.text.startswith("b) Các nguy cơ tấn công mạng"))
    assert "khả năng xảy ra" in attack and "mức rủi ro" in attack
    assert "Gián đoạn tiếp nhận hồ sơ của người dân trên địa bàn xã" in text
    assert "Tiếp nhận hồ sơ trực tuyến 24/7" in text
