"""Drills: planned, run as a practice incident whose tasks are timed, reported in DOCX; a drill never
appears in the incident summary, the officer's dashboard count or the reporting-clock reminders."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from sqlalchemy import select

from ir_app.models import Incident, IncidentTask, Role
from ir_app.models.drills import Drill
from ir_app.services.incidents.clocks import due_incident_clocks
from tests.incident_support import quick_report

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


def _run_drill(client, session, clock):
    response = client.post_form("/drills/", {"title": "Diễn tập mã độc tống tiền quý IV", "playbook_id": "ransomware",
                                             "planned_on": "2026-12-08", "participants": "Công an xã, văn phòng",
                                             "objectives": "Cô lập máy trong 15 phút"})
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    drill = session.scalar(select(Drill))
    assert client.post_form(f"/drills/{drill.id}/start", {}).status_code == 302
    session.expire_all()
    return session.get(Drill, drill.id)


def test_a_drill_runs_as_a_practice_incident_numbered_apart(make_web, officer, commune, session, clock):
    real = quick_report(session, officer, commune, clock.now())
    client = make_web(officer)
    drill = _run_drill(client, session, clock)
    practice = drill.incident
    assert practice.is_drill and practice.code.startswith("DT-") and practice.tasks
    page = client.get(f"/incidents/{practice.id}").get_data(as_text=True)
    assert "DIỄN TẬP — sự cố giả định" in page
    # The next real incident continues the real sequence: no gap for the practice.
    second = quick_report(session, officer, commune, clock.now())
    assert (real.code, second.code) == (f"SC-{commune.code}-{real.year}-0001", f"SC-{commune.code}-{real.year}-0002")


def test_a_drill_is_never_counted_or_reminded_as_a_real_incident(make_web, officer, commune, session, clock):
    drill = _run_drill(make_web(officer), session, clock)
    summary = make_web(officer).get("/incidents/summary").get_data(as_text=True)
    assert drill.incident.code not in summary
    clocks = due_incident_clocks(session, clock.now() + timedelta(hours=1))
    assert all(item.incident_id != drill.incident_id for item in clocks)
    summary_docx = make_web(officer).get("/incidents/summary.docx")
    assert drill.incident.code not in "\n".join(p.text for p in Document(io.BytesIO(summary_docx.data)).paragraphs)


def test_timings_results_and_the_report(make_web, officer, commune, session, clock):
    client = make_web(officer)
    drill = _run_drill(client, session, clock)
    task = session.scalar(select(IncidentTask).where(IncidentTask.incident_id == drill.incident_id)
                          .order_by(IncidentTask.position))
    task.done_at = drill.started_at + timedelta(minutes=10)
    session.commit()
    response = client.post_form(f"/drills/{drill.id}/results", {
        "what_worked": "Cô lập máy nhanh", "gaps": "Chưa có danh bạ khẩn cấp in sẵn\nSao lưu chưa thử khôi phục",
        "version": str(drill.version)})
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    page = client.get(f"/drills/{drill.id}").get_data(as_text=True)
    assert "10 phút" in page and "Lưu kết quả" in page
    document = Document(io.BytesIO(client.get(f"/drills/{drill.id}/report.docx").data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Kết quả diễn tập ứng cứu sự cố an ninh mạng".upper() in text.upper()
    assert "- Chưa có danh bạ khẩn cấp in sẵn" in text and "Cô lập máy nhanh" in text
    assert task.title in cells and "10 phút" in cells


def test_drills_stay_in_their_commune(make_web, make_user, officer, commune, other_commune, session, clock):
    drill = _run_drill(make_web(officer), session, clock)
    stranger = make_web(make_user(Role.OFFICER, organisation=other_commune))
    assert stranger.get(f"/drills/{drill.id}").status_code == 404
    assert stranger.get(f"/drills/{drill.id}/report.docx").status_code == 404
    assert stranger.post_form(f"/drills/{drill.id}/results", {"what_worked": "x"}).status_code == 404
    staff = make_web(make_user(Role.STAFF, organisation=commune))
    assert staff.post_form(f"/drills/{drill.id}/start", {}).status_code == 403
    assert session.scalar(select(Incident).where(Incident.commune_id == other_commune.id)) is None
