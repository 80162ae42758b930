"""`ir-app seed-synthetic`: a tiny province, checked for counts, every state, determinism, a valid
audit chain, and pages that work for the people of one commune."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select, text

from ir_app.cli.admin import audit_verify
from ir_app.cli.serving import seed_synthetic
from ir_app.models import (
    Advisory,
    AdvisoryRecipient,
    Base,
    ChannelDelivery,
    Dossier,
    Drill,
    Incident,
    InformationSystem,
    Organisation,
    Risk,
)
from ir_app.models.dossiers import DOSSIER_STATES
from ir_app.models.incidents import INCIDENT_STATES
from ir_app.seed.synthetic import ProvinceExists, SyntheticSpec, seed_province
from ir_app.services.incidents.data import response_data

TINY = ["--communes", "3", "--systems-per-commune", "4", "--incidents", "30"]
# Runtime state the app writes while it runs, not data a province holds.
RUNTIME_TABLES = {"job_runs", "scheduler_leases", "document_templates", "alembic_version",
                  "login_throttles",  # failed sign-in counters: only while someone is guessing
                  "api_tokens",  # personal API tokens: a user creates their own (a seeded secret nobody sees)
                  "recovery_codes",  # made when a person enrols their own phone in two-factor sign-in
                  # derived plan progress: stored on the first read of a dossier's figures, versions
                  # bumped by later edits of measures (tests/services/test_stored_plan_progress.py)
                  "dossier_plan_progress", "plan_progress_versions"}
PASSWORD = "demo12345"


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(seed_synthetic, TINY)
    assert result.exit_code == 0, result.output
    return result


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_tiny_province_fills_every_table_with_every_state_and_a_valid_audit_chain(app, seeded, session):
    assert "Đã tạo tỉnh mô phỏng mã 91" in seeded.output
    assert _count(session, InformationSystem) == 12
    assert session.scalar(select(func.count()).where(Incident.is_drill.is_(False))) == 30
    assert session.scalar(select(func.count()).where(Organisation.kind == "commune")) == 3
    assert set(session.scalars(select(Dossier.state).distinct())) == set(DOSSIER_STATES)
    assert set(session.scalars(select(Incident.state).distinct())) == set(INCIDENT_STATES)
    empty = [table.name for table in Base.metadata.sorted_tables
             if table.name not in RUNTIME_TABLES and not _count(session, table)]
    assert empty == []
    _assert_round_11_registers_look_used(session)
    verified = app.test_cli_runner().invoke(audit_verify)
    assert verified.exit_code == 0, verified.output


def _assert_round_11_registers_look_used(session) -> None:
    """Advisories in every state of a commune's copy, drills done (with a practice incident) and
    planned, accepted risks with their end date, reminders already sent to phones."""
    copies = session.execute(select(AdvisoryRecipient.acknowledged_at, AdvisoryRecipient.completed_at)).all()
    assert any(ack is None for ack, _done in copies) and any(done is not None for _ack, done in copies)
    assert any(ack is not None and done is None for ack, done in copies)
    assert set(session.scalars(select(Advisory.kind).distinct())) == {"advisory", "report_request"}
    drills = list(session.scalars(select(Drill)))
    assert {drill.state for drill in drills} >= {"done", "planned"}
    assert all(drill.incident.is_drill for drill in drills if drill.state == "done")
    assert session.scalar(select(func.count()).where(Risk.treatment == "accept", Risk.accepted_until.is_not(None)))
    assert session.scalar(select(func.count()).where(ChannelDelivery.status == "sent"))


def test_a_province_code_already_in_the_database_is_refused_and_nothing_is_written(app, session):
    _seed(app, SyntheticSpec(communes=1, systems_per_commune=1, incidents=2))
    before = _count(session, Incident)
    again = app.test_cli_runner().invoke(seed_synthetic, TINY)
    assert again.exit_code == 1 and "đã có đơn vị mã «91»" in again.output
    with pytest.raises(ProvinceExists):
        seed_province(session, SyntheticSpec(communes=1, systems_per_commune=1, incidents=0),
                      app.extensions["ir_law"], response_data(app.config["IR_PLAYBOOKS_DIR"]), PASSWORD)
    assert _count(session, Incident) == before
    _seed(app, SyntheticSpec(province_code="92", communes=1, systems_per_commune=1, incidents=2))
    assert _count(session, Incident) > before + 2  # two real incidents, and the drills' practice ones
    assert session.scalar(select(func.count()).where(Incident.is_drill.is_(False))) == 2 + 2


def _fingerprint(engine) -> str:
    """Every row of every table in id order; password hashes are salted on purpose, so left out."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.columns if column.name != "password_hash"]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            digest.update(repr([tuple(row) for row in rows]).encode())
    return digest.hexdigest()


def _empty(engine) -> None:
    names = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                connection.execute(text(f"DELETE FROM {name}"))


def _seed(app, spec: SyntheticSpec) -> None:
    session = app.extensions["ir_session_factory"]()
    try:
        seed_province(session, spec, app.extensions["ir_law"], response_data(app.config["IR_PLAYBOOKS_DIR"]),
                      PASSWORD)
        session.commit()
    finally:
        session.close()


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not(app):
    engine = app.extensions["ir_engine"]
    spec = SyntheticSpec(communes=2, systems_per_commune=3, incidents=12, seed=7)
    _seed(app, spec)
    first = _fingerprint(engine)
    _empty(engine)
    _seed(app, spec)
    assert _fingerprint(engine) == first
    _empty(engine)
    _seed(app, SyntheticSpec(communes=2, systems_per_commune=3, incidents=12, seed=8))
    assert _fingerprint(engine) != first


def test_pages_work_for_the_people_of_one_commune(app, seeded, make_web, session):
    first, second = session.scalars(select(Organisation).where(Organisation.kind == "commune")
                                    .order_by(Organisation.code).limit(2))
    dossier = session.scalar(select(Dossier.id).where(Dossier.commune_id == first.id).limit(1))
    incident = session.scalar(select(Incident.id).where(Incident.commune_id == first.id,
                                                        Incident.is_confidential.is_(False)).limit(1))
    officer = make_web()
    assert officer.login(f"officer@{first.slug}.synth.vn", PASSWORD).status_code == 302
    for url in ("/", "/systems/", "/dossiers/", "/incidents/", "/incidents/?overdue=1", "/backups/", "/checks/",
                "/notifications/", f"/dossiers/{dossier}", f"/dossiers/{dossier}/plan", f"/incidents/{incident}"):
        response = officer.get(url)
        assert response.status_code == 200, url
        assert second.name not in response.get_data(as_text=True), url
    other = session.scalar(select(Incident.id).where(Incident.commune_id == second.id).limit(1))
    assert officer.get(f"/incidents/{other}").status_code == 404
    auditor = make_web()
    assert auditor.login(f"auditor@{first.slug}.synth.vn", PASSWORD).status_code == 302
    assert auditor.get("/audit/").status_code == 200
    overseer = make_web()
    assert overseer.login("overseer@mp91.synth.vn", PASSWORD).status_code == 302
    overview = overseer.get("/").get_data(as_text=True)
    assert first.name in overview and second.name in overview


def test_the_planner_has_statistics_after_the_bulk_load(app, seeded, session):
    """Without ANALYZE the planner takes the new tables for empty and reads a province's 20 000
    incidents to show 25 of them, until autovacuum comes by."""
    if session.bind.dialect.name == "sqlite":
        analysed = session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'incidents'"))
    else:
        # Emptied by the test set-up (reltuples -1, "never analysed"); ANALYZE counts the 30 rows
        # (and the drills' practice incidents).
        analysed = session.scalar(text("SELECT reltuples >= 30 FROM pg_class WHERE relname = 'incidents'"))
    assert analysed
