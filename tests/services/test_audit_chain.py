"""The audit log is hash-chained: any edit or deletion is found by `ir-app audit verify`."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from ir_app.cli.admin import audit_verify
from ir_app.services import audit
from ir_app.services.audit import Actor


def _write_events(session, clock, commune, count=5):
    for index in range(count):
        audit.record(session, Actor.system(), "update", now=clock.now() + timedelta(minutes=index),
                     object_type="information_system", object_id=index, commune_id=commune.id,
                     changes={"name": ["Cũ", f"Mới {index}"]})
    session.commit()


def test_intact_chain_verifies(session, clock, commune):
    _write_events(session, clock, commune)
    result = audit.verify(session)
    assert result.ok and result.checked == 5


def test_edited_row_breaks_the_chain(app, session, clock, commune):
    _write_events(session, clock, commune)
    session.execute(text("UPDATE audit_events SET summary = 'sửa lén' WHERE id = 3"))
    session.commit()
    result = audit.verify(session)
    assert result.broken_id == 3
    runner = app.test_cli_runner()
    outcome = runner.invoke(audit_verify)
    assert outcome.exit_code != 0
    assert "#3" in outcome.output


def test_deleted_row_breaks_the_chain(session, clock, commune):
    _write_events(session, clock, commune)
    session.execute(text("DELETE FROM audit_events WHERE id = 2"))
    session.commit()
    assert audit.verify(session).broken_id == 2


def test_deleted_tail_is_noticed(session, clock, commune):
    _write_events(session, clock, commune)
    session.execute(text("DELETE FROM audit_events WHERE id = 5"))
    session.commit()
    assert audit.verify(session).broken_id == 5


def test_cli_reports_ok(app, session, clock, commune):
    _write_events(session, clock, commune, 2)
    outcome = app.test_cli_runner().invoke(audit_verify)
    assert outcome.exit_code == 0 and "2 bản ghi" in outcome.output


def test_diff_keeps_only_changed_fields():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}
