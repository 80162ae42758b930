"""The audit log is hash-chained: any edit or deletion is found by `ir-app audit verify`."""
from __future__ import annotations

import json
import stat
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text

from ir_app import create_app
from ir_app.cli.admin import audit_checkpoint, audit_verify, db_upgrade
from ir_app.db import make_engine
from ir_app.migrate import upgrade
from ir_app.models import AuditEvent
from ir_app.ops.audit_key import AuditKeyError
from ir_app.services import audit
from ir_app.services.audit import Actor
from tests.ops_support import scratch_database  # noqa: F401  (fixture)


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


# --- A keyed chain: rewriting it without the audit key is noticed (D8) ---------------------------------

def _event(session, event_id):
    table = AuditEvent.__table__
    return session.execute(select(table).where(table.c.id == event_id)).mappings().one()


def _rehash_unkeyed(session, first_id, edit=None, key=None):
    """What someone with write access to the database but not the key can do: change an event and
    recompute every hash from there on (plain SHA-256, as before the chain was keyed), then the head.
    (With `key`: what someone who also stole the key can do.)"""
    previous = _event(session, first_id - 1)["hash"] if first_id > 1 else audit.GENESIS_HASH
    last_id = session.scalar(text("SELECT MAX(id) FROM audit_events"))
    for event_id in range(first_id, last_id + 1):
        row = dict(_event(session, event_id))
        if event_id == first_id and edit:
            row.update(edit)
        row["prev_hash"] = previous
        previous = audit.row_digest(row, key)
        session.execute(text("UPDATE audit_events SET summary = :summary, prev_hash = :prev, hash = :hash "
                             "WHERE id = :id"), {"summary": row["summary"], "prev": row["prev_hash"],
                                                 "hash": previous, "id": event_id})
    session.execute(text("UPDATE audit_chain_head SET last_event_id = :id, last_hash = :hash"),
                    {"id": last_id, "hash": previous})
    session.commit()


def test_deleting_the_last_events_and_moving_the_head_back_is_noticed(app, session, clock, commune):
    _write_events(session, clock, commune)
    third = _event(session, 3)["hash"]
    session.execute(text("DELETE FROM audit_events WHERE id > 3"))
    session.execute(text("UPDATE audit_chain_head SET last_event_id = 3, last_hash = :hash"), {"hash": third})
    session.commit()
    result = audit.verify(session)
    assert not result.ok and "niêm phong đầu chuỗi không khớp" in result.reason
    outcome = app.test_cli_runner().invoke(audit_verify)
    assert outcome.exit_code == 1 and "niêm phong" in outcome.output


def test_editing_the_last_event_and_rehashing_it_is_noticed(session, clock, commune):
    _write_events(session, clock, commune)
    _rehash_unkeyed(session, 5, {"summary": "không có gì xảy ra"})
    result = audit.verify(session)
    assert result.broken_id == 5 and "HMAC" in result.reason


def test_editing_a_middle_event_and_rehashing_the_rest_is_noticed(session, clock, commune):
    _write_events(session, clock, commune)
    _rehash_unkeyed(session, 3, {"summary": "sửa lén"})
    assert audit.verify(session).broken_id == 3


def test_passing_the_rewritten_chain_off_as_one_written_before_keying_is_noticed(session, clock, commune):
    """Rewrite everything unkeyed and make the head look like a database just upgraded, unsealed."""
    _write_events(session, clock, commune)
    _rehash_unkeyed(session, 1, {"summary": "sửa lén"})
    session.execute(text("UPDATE audit_chain_head SET keyed_from_id = 6, mac = ''"))
    session.commit()
    result = audit.verify(session)
    assert not result.ok and "chưa được niêm phong" in result.reason
    # …and the next event the app writes does not seal that state after the fact.
    audit.record(session, Actor.system(), "update", now=clock.now(), object_type="x")
    session.commit()
    assert "chưa được niêm phong" in audit.verify(session).reason
    assert not audit.seal_head(session)  # nor does `ir-app db upgrade`
    session.commit()
    assert not audit.verify(session).ok


def test_moving_the_start_of_the_keyed_chain_is_noticed(session, clock, commune):
    _write_events(session, clock, commune)
    session.execute(text("UPDATE audit_chain_head SET keyed_from_id = 100"))
    session.commit()
    assert not audit.verify(session).ok


# --- Checkpoints kept outside the database -------------------------------------------------------------

def _head(session):
    return session.execute(text("SELECT last_event_id, last_hash, keyed_from_id, mac FROM audit_chain_head")).one()


def test_a_checkpoint_proves_that_no_event_before_it_changed(app, session, clock, commune, tmp_path):
    runner = app.test_cli_runner()
    _write_events(session, clock, commune)
    sealed_at_five = _head(session)
    _write_events(session, clock, commune, 3)
    checkpoint = tmp_path / "diem-kiem-tra.json"
    outcome = runner.invoke(audit_checkpoint, ["--out", str(checkpoint)])
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(checkpoint.read_text())["last_event_id"] == 8
    outcome = runner.invoke(audit_verify, ["--checkpoint", str(checkpoint)])
    assert outcome.exit_code == 0 and "Khớp điểm kiểm tra: bản ghi #1–#8" in outcome.output

    # An old, validly sealed head put back after deleting what followed: the database alone cannot tell…
    session.execute(text("DELETE FROM audit_events WHERE id > 5"))
    session.execute(text("UPDATE audit_chain_head SET last_event_id = :id, last_hash = :hash, mac = :mac"),
                    {"id": sealed_at_five.last_event_id, "hash": sealed_at_five.last_hash, "mac": sealed_at_five.mac})
    session.commit()
    assert runner.invoke(audit_verify).exit_code == 0
    outcome = runner.invoke(audit_verify, ["--checkpoint", str(checkpoint)])  # …the checkpoint does
    assert outcome.exit_code == 1 and "các bản ghi đến #8 có trong điểm kiểm tra đã bị xóa" in outcome.output


def test_a_checkpoint_catches_even_a_rewrite_made_with_a_stolen_key(app, session, clock, commune, tmp_path):
    runner = app.test_cli_runner()
    _write_events(session, clock, commune)
    checkpoint = tmp_path / "diem-kiem-tra.json"
    assert runner.invoke(audit_checkpoint, ["--out", str(checkpoint)]).exit_code == 0
    key = app.extensions["ir_audit_key"]
    _rehash_unkeyed(session, 2, {"summary": "sửa bằng khóa đánh cắp"}, key=key)
    session.execute(text("UPDATE audit_chain_head SET mac = :mac"), {"mac": audit.head_mac(key, *_head(session)[:3])})
    session.commit()
    assert audit.verify(session).ok
    outcome = runner.invoke(audit_verify, ["--checkpoint", str(checkpoint)])
    assert outcome.exit_code == 1 and "#5" in outcome.output and "khác với điểm kiểm tra" in outcome.output


def test_a_forged_or_foreign_checkpoint_is_refused(app, session, clock, commune, tmp_path):
    runner = app.test_cli_runner()
    _write_events(session, clock, commune)
    path = tmp_path / "diem-kiem-tra.json"
    assert runner.invoke(audit_checkpoint, ["--out", str(path)]).exit_code == 0
    checkpoint = json.loads(path.read_text())
    forged = tmp_path / "gia.json"
    forged.write_text(json.dumps(dict(checkpoint, last_event_id=3, count=3)))
    outcome = runner.invoke(audit_verify, ["--checkpoint", str(forged)])
    assert outcome.exit_code == 1 and "chữ ký của điểm kiểm tra không khớp" in outcome.output
    foreign = tmp_path / "khoa-khac.json"
    foreign.write_text(json.dumps(dict(checkpoint, key_id="0" * 16)))
    outcome = runner.invoke(audit_verify, ["--checkpoint", str(foreign)])
    assert outcome.exit_code == 1 and "khóa nhật ký khác" in outcome.output
    garbage = tmp_path / "rac.json"
    garbage.write_text("{không phải json")
    assert runner.invoke(audit_verify, ["--checkpoint", str(garbage)]).exit_code == 2


def test_no_checkpoint_is_made_of_a_broken_chain(app, session, clock, commune, tmp_path):
    _write_events(session, clock, commune)
    session.execute(text("UPDATE audit_events SET summary = 'sửa lén' WHERE id = 2"))
    session.commit()
    outcome = app.test_cli_runner().invoke(audit_checkpoint, ["--out", str(tmp_path / "cp.json")])
    assert outcome.exit_code == 1 and "#2" in outcome.output and not (tmp_path / "cp.json").exists()


# --- The key: outside the database; databases from before keying ---------------------------------------

def test_the_audit_key_is_kept_in_the_data_dir_readable_by_the_app_alone(database_url, tmp_path):
    config = {"IR_DATABASE_URL": database_url, "IR_DATA_DIR": tmp_path / "data", "SECRET_KEY": "x",
              "IR_AUDIT_KEY": None}
    first, second = create_app(config), create_app(config)
    path = tmp_path / "data" / "audit_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.extensions["ir_audit_key"] == second.extensions["ir_audit_key"] == path.read_bytes().strip()
    path.chmod(0o644)  # copied around carelessly: put back to the app's user alone
    create_app(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(AuditKeyError, match="IR_AUDIT_KEY quá ngắn"):
        create_app(dict(config, IR_AUDIT_KEY="ngan-qua"))
    for built in (first, second):
        built.extensions["ir_engine"].dispose()


def test_a_chain_checked_with_another_key_says_so(app, session, clock, commune, tmp_path):
    _write_events(session, clock, commune)
    other = create_app({"IR_DATABASE_URL": str(session.bind.url.render_as_string(hide_password=False)),
                        "IR_DATA_DIR": tmp_path / "khac", "SECRET_KEY": "x", "IR_AUDIT_KEY": "k" * 40})
    try:
        outcome = other.test_cli_runner().invoke(audit_verify)
    finally:
        other.extensions["ir_engine"].dispose()
    assert outcome.exit_code == 1 and "#1" in outcome.output and "khóa nhật ký không phải khóa đã ký" in outcome.output


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_events_written_before_the_chain_was_keyed_keep_verifying(kind, tmp_path, clock, scratch_database):
    url = scratch_database(kind, "chuoi_cu")
    engine = make_engine(url)
    upgrade(engine, "0010")  # the last schema with the unkeyed chain
    previous = audit.GENESIS_HASH
    with engine.begin() as connection:
        for event_id in (1, 2, 3):
            row = {"id": event_id, "at": clock.now(), "actor_id": None, "actor_label": "hệ thống", "commune_id": None,
                   "action": "update", "object_type": "information_system", "object_id": str(event_id),
                   "summary": f"Sự kiện cũ {event_id}", "changes": {"name": ["A", "B"]}, "ip_address": "",
                   "prev_hash": previous}
            row["hash"] = previous = audit.row_digest(row)  # plain SHA-256, as written then
            connection.execute(insert(AuditEvent.__table__), [row])
        connection.execute(text("UPDATE audit_chain_head SET last_event_id = 3, last_hash = :hash"), {"hash": previous})
    engine.dispose()
    app = create_app({"IR_DATABASE_URL": url, "IR_DATA_DIR": tmp_path / "data", "SECRET_KEY": "x", "IR_CLOCK": clock})
    runner = app.test_cli_runner()
    session = app.extensions["ir_session_factory"]()
    try:
        assert runner.invoke(db_upgrade).exit_code == 0  # migrates, then seals the head
        outcome = runner.invoke(audit_verify)
        assert outcome.exit_code == 0 and "3 bản ghi" in outcome.output, outcome.output
        audit.record(session, Actor.system(), "update", now=clock.now(), object_type="information_system")
        session.commit()
        assert audit.verify(session).checked == 4
        assert _head(session).keyed_from_id == 4
        assert _event(session, 4)["hash"] == audit.row_digest(dict(_event(session, 4)), app.extensions["ir_audit_key"])
        # The old events are protected too: the first keyed event seals the hash of the last old one.
        _rehash_unkeyed(session, 2, {"summary": "sửa lén"})
        assert audit.verify(session).broken_id == 4
    finally:
        session.close()
        app.extensions["ir_engine"].dispose()
