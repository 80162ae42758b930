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
                           .order_by(Organisation.slug, Incident.id)).all()
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
    assert session.scalar(select(func.count(Incident.id))) == 4
