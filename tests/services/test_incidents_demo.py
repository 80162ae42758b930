"""Demo incidents: built through the services, in different states, loaded once."""
from __future__ import annotations

from sqlalchemy import func, select

from ir_app.cli.serving import demo
from ir_app.models import Incident, IncidentReport, Organisation, TimelineEntry
from ir_app.services import audit


def test_demo_incidents_in_different_states(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(demo, ["--no-serve"]).exit_code == 0
    rows = session.execute(select(Organisation.slug, Incident.category, Incident.state).join(Incident.commune)
                           .where(Incident.is_drill.is_(False)).order_by(Organisation.slug, Incident.id)).all()
    assert rows == [("hai-an", "infrastructure_failure", "restored"),
                    ("vinh-lai", "ransomware", "contained"), ("vinh-lai", "phishing", "closed"),
                    ("vinh-lai", None, "received")]
    ransomware = session.scalar(select(Incident).where(Incident.category == "ransomware"))
    assert [pinned.playbook_id for pinned in ransomware.playbooks] == ["ransomware"]
    assert 0 < sum(task.done_at is not None for task in ransomware.tasks) < len(ransomware.tasks)
    assert session.scalar(select(func.count(IncidentReport.id))) >= 1
    assert session.scalar(select(func.count(TimelineEntry.id)).where(TimelineEntry.event == "note")) >= 2
    assert audit.verify(session).ok
    assert "0 bản ghi mới" in runner.invoke(demo, ["--no-serve"]).output
    assert session.scalar(select(func.count(Incident.id)).where(Incident.is_drill.is_(False))) == 4


def test_demo_has_a_past_drill_with_its_report_and_a_team_in_every_commune(app, session):
    from docx import Document
    import io

    from ir_app.models.drills import Drill
    from ir_app.models.roster import ResponseTeamMember
    from ir_app.services import drills
    from ir_app.services.incidents.data import response_data
    from ir_app.services.incidents.documents import render_report
    from zoneinfo import ZoneInfo

    runner = app.test_cli_runner()
    assert runner.invoke(demo, ["--no-serve"]).exit_code == 0
    drill = session.scalar(select(Drill))
    assert drill.state == "done" and drill.incident.is_drill and drill.gaps
    rows = drills.timings(drill)
    assert sum(row.taken is not None for row in rows) == 6 and {row.met for row in rows} >= {True, False}
    data = response_data()
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    content = render_report("drill_report", drills.report_context(drill, data, drill.finished_at, zone),
                            data.folder / "reports")
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert drill.title in text and "Mật khẩu quản trị tường lửa" in text
    teams = session.execute(select(Organisation.slug, func.count(ResponseTeamMember.id))
                            .join(ResponseTeamMember.commune).group_by(Organisation.slug)).all()
    assert sorted(teams) == [("cho-don", 5), ("hai-an", 5), ("mai-phu", 5), ("vinh-lai", 5)]
    assert "0 bản ghi mới" in runner.invoke(demo, ["--no-serve"]).output
