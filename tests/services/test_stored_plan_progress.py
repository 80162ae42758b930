"""Stored plan progress (models/plan_progress.py, services/measures/stored_progress.py): after every
change through the services, what the pages read equals what the measures say at that moment."""
from __future__ import annotations

import dataclasses
import random

import pytest
from sqlalchemy import event, func, select

from ir_app.models import Dossier, DossierPlanProgress, MeasureRequirement, MeasureSystem, PlanProgressVersion
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.inventory import systems as inventory
from ir_app.services.measures import plan, register
from ir_app.services.measures.stored_progress import progress_of
from tests.incident_support import count_statements
from tests.services.test_measures import _level_3_dossier, _measure, _system, law  # noqa: F401 (fixture)

LEVEL = func.coalesce(Dossier.proposed_level, Dossier.determined_level)


def _keys(session) -> list[plan.DossierKey]:
    return [plan.DossierKey(*row) for row in session.execute(
        select(Dossier.id, Dossier.commune_id, Dossier.system_id, LEVEL).order_by(Dossier.id))]


def _derived(session, catalogue) -> dict:
    return plan.progress_by_dossier(session, _keys(session), catalogue)


def _read(session, catalogue) -> dict:
    """What a page reads, in a fresh transaction as a page would."""
    session.commit()
    return progress_of(session, _keys(session), catalogue)


def _stored_count(session) -> int:
    return session.scalar(select(func.count()).select_from(DossierPlanProgress))


def _assert_exact(session, catalogue) -> None:
    """Stored (or served) progress equals the derived one, and equals the full plan view."""
    read, derived = _read(session, catalogue), _derived(session, catalogue)
    assert read == derived
    for dossier in session.scalars(select(Dossier)):
        assert read[dossier.id] == plan.plan_view(session, dossier, catalogue).progress


@pytest.fixture
def plan_world(session, commune, other_commune, law, clock):  # noqa: F811
    """Two communes, two systems each, a level-3 dossier per system; progress read once (stored)."""
    systems = [_system(session, place, clock, code=f"S{place.id}{index}", name=f"Hệ thống {place.id}-{index}")
               for place in (commune, other_commune) for index in range(2)]
    for system in systems:
        _level_3_dossier(session, law, system, clock)
    session.commit()
    _read(session, law.catalogue)
    return systems


def _first_measure(session, commune, law, clock, **raw):  # noqa: F811
    measure = _measure(session, commune, law, clock, **raw)
    session.commit()
    _read(session, law.catalogue)  # the stored rows now say what the measure says
    return measure


# --------------------------------------------------------------------------- randomised

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_changes_keep_the_stored_progress_exact(session, commune, other_commune, law, clock,  # noqa: F811
                                                       plan_world, seed):
    rng = random.Random(seed)  # noqa: S311 (a repeatable sequence of changes)
    catalogue = law.catalogue
    requirements = [requirement.id for requirement in catalogue.for_level(3)][:12] + \
                   [requirement.id for requirement in catalogue.for_level(4)][-3:]
    places = [commune, other_commune]
    measures = []

    def systems_of(place):
        return [system for system in plan_world if system.commune_id == place.id and system.id is not None
                and system in session]

    def new_measure():
        place = rng.choice(places)
        scope = rng.choice(["commune", "system", "inherited"])
        raw = {"title": f"Biện pháp {len(measures)}", "scope": scope, "status": rng.choice(["planned", "partly", "in_place"]),
               "requirements": "\n".join(rng.sample(requirements, rng.randint(1, 4))),
               "levels": rng.sample([3, 4], rng.randint(1, 2))}
        if scope == "inherited":
            raw["provider_name"] = "Trung tâm dữ liệu tỉnh"
        chosen = rng.sample(systems_of(place), rng.randint(0 if scope == "inherited" else 1, len(systems_of(place))))
        raw["system_ids"] = [system.id for system in chosen]
        measures.append(_measure(session, place, law, clock, **raw))

    def edit_measure():
        measure = rng.choice(measures)
        place = commune if measure.commune_id == commune.id else other_commune
        raw = {"title": measure.title, "scope": measure.scope, "status": measure.status,
               "provider_name": measure.provider_name,
               "requirements": "\n".join(rng.sample(requirements, rng.randint(1, 4))),
               "levels": sorted(measure.levels), "system_ids": measure.system_ids or (
                   [] if measure.scope != "system" else [systems_of(place)[0].id])}
        _measure(session, place, law, clock, measure=measure, **raw)

    def status():
        register.set_status(session, Actor.system(), rng.choice(measures), rng.choice(["planned", "partly", "in_place"]),
                            clock.now())

    def add_system():
        measure = rng.choice(measures)
        place = commune if measure.commune_id == commune.id else other_commune
        register.add_system(session, Actor.system(), measure, rng.choice(systems_of(place)), clock.now())

    def override():
        dossier = rng.choice(list(session.scalars(select(Dossier).where(Dossier.state != "superseded"))))
        requirement = rng.choice([r.id for r in catalogue.for_level(dossier.level)][:12])
        chosen = rng.choice([None, "not_applicable", "met", "partly", "not_met"])
        plan.set_override(session, Actor.system(), dossier, requirement, chosen, "Lý do" if chosen else "",
                          catalogue, clock.now())

    def level():
        dossier = rng.choice(list(session.scalars(select(Dossier).where(Dossier.state == "draft"))))
        dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime,
                               dossiers.Proposal(rng.choice([None, 4]), "Rủi ro cao", "", []), clock.now(), None)

    def delete_system():
        candidates = [system for place in places for system in systems_of(place)[1:]]
        if candidates:
            system = rng.choice(candidates)
            inventory.delete_system(session, Actor.system(), system, clock.now(), None)
            plan_world.remove(system)

    new_measure()
    steps = [new_measure, edit_measure, status, status, add_system, override, override, level]
    for step in [rng.choice(steps) for _ in range(25)] + [delete_system] + [rng.choice(steps) for _ in range(5)]:
        step()
        _assert_exact(session, catalogue)
    assert _stored_count(session) == session.scalar(select(func.count(Dossier.id)))


# --------------------------------------------------------------------------- one test per invalidation

def _stale_if_unbumped(session, law, change) -> None:
    """Apply ``change``, commit, and check the pages see its effect (they would read the old stored
    value if the change did not move the commune's version)."""
    before = _read(session, law.catalogue)
    change()
    session.commit()
    after = _read(session, law.catalogue)
    assert after != before, "the change should move some progress"
    assert after == _derived(session, law.catalogue)


def test_a_measure_status_change_reaches_the_pages(session, commune, law, clock, plan_world):  # noqa: F811
    measure = _first_measure(session, commune, law, clock, status="planned")
    _stale_if_unbumped(session, law, lambda: register.set_status(session, Actor.system(), measure, "in_place",
                                                                  clock.now()))


def test_a_new_requirement_link_alone_reaches_the_pages(session, commune, law, clock, plan_world):  # noqa: F811
    measure = _first_measure(session, commune, law, clock, status="in_place")
    other = next(r.id for r in law.catalogue.for_level(3) if r.id not in measure.requirement_ids)
    _stale_if_unbumped(session, law, lambda: session.add(MeasureRequirement(measure_id=measure.id,
                                                                            requirement_id=other)))


def test_a_removed_requirement_link_reaches_the_pages(session, commune, law, clock, plan_world):  # noqa: F811
    measure = _first_measure(session, commune, law, clock, status="in_place")
    link = session.scalar(select(MeasureRequirement).where(MeasureRequirement.measure_id == measure.id))
    session.expunge(measure)  # the link alone is deleted: the measure is not in this flush
    _stale_if_unbumped(session, law, lambda: session.delete(link))


def test_a_new_system_link_alone_reaches_the_pages(session, commune, law, clock, plan_world):  # noqa: F811
    first, second = plan_world[0], plan_world[1]
    measure = _first_measure(session, commune, law, clock, status="in_place", scope="system", system_ids=[first.id])
    _stale_if_unbumped(session, law, lambda: session.add(MeasureSystem(measure_id=measure.id, system_id=second.id)))


def test_deleting_a_system_reaches_the_other_systems_plans(session, commune, law, clock, plan_world):  # noqa: F811
    """An inherited measure limited to one system serves every system once that system is gone
    (its link goes by ON DELETE CASCADE, which no flush event sees)."""
    first, second = plan_world[0], plan_world[1]
    _first_measure(session, commune, law, clock, status="in_place", scope="inherited",
                   provider_name="Trung tâm dữ liệu tỉnh", system_ids=[first.id])
    _stale_if_unbumped(session, law, lambda: inventory.delete_system(session, Actor.system(), first, clock.now(), None))
    assert second.id is not None


def test_an_override_reaches_the_pages(session, commune, law, clock, plan_world):  # noqa: F811
    dossier = session.scalar(select(Dossier).where(Dossier.system_id == plan_world[0].id))
    requirement = law.catalogue.for_level(3)[0].id
    _stale_if_unbumped(session, law, lambda: plan.set_override(session, Actor.system(), dossier, requirement,
                                                               "not_applicable", "Không có", law.catalogue, clock.now()))
    _stale_if_unbumped(session, law, lambda: plan.set_override(session, Actor.system(), dossier, requirement,
                                                               None, "", law.catalogue, clock.now()))


def test_a_level_change_reaches_the_pages(session, commune, law, clock, plan_world):  # noqa: F811
    dossier = session.scalar(select(Dossier).where(Dossier.system_id == plan_world[0].id))
    _stale_if_unbumped(session, law, lambda: dossiers.save_proposal(
        session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(4, "Rủi ro cao", "", []),
        clock.now(), None))


def test_another_catalogue_is_not_read_from_the_stored_rows(session, commune, law, clock, plan_world):  # noqa: F811
    """A new decree or an edited data file: the stored rows are keyed by the requirements they counted."""
    smaller = dataclasses.replace(law.catalogue, requirements=law.catalogue.requirements[1:])
    stored = _read(session, law.catalogue)
    keys = _keys(session)
    assert progress_of(session, keys, smaller) == plan.progress_by_dossier(session, keys, smaller) != stored


# --------------------------------------------------------------------------- races and storing

def test_a_value_read_before_a_change_committed_is_not_kept(app, session, commune, law, clock,  # noqa: F811
                                                           plan_world, monkeypatch):
    """A reader reads the version and the measures, then a writer commits before the reader stores:
    what the reader stores carries the older version and is derived again on the next view."""
    from ir_app.services.measures import stored_progress

    measure = _first_measure(session, commune, law, clock, status="planned")
    register.set_status(session, Actor.system(), measure, "partly", clock.now())  # the commune is stale
    session.commit()

    def derive_then_a_writer_commits(reading, dossiers, catalogue):
        found = plan.progress_by_dossier(reading, dossiers, catalogue)
        register.set_status(session, Actor.system(), measure, "in_place", clock.now())
        session.commit()
        return found

    monkeypatch.setattr(stored_progress, "progress_by_dossier", derive_then_a_writer_commits)
    reader = app.extensions["ir_session_factory"]()
    try:
        progress_of(reader, _keys(reader), law.catalogue)
    finally:
        reader.close()
    monkeypatch.undo()
    assert _read(session, law.catalogue) == _derived(session, law.catalogue)


def test_nothing_is_stored_from_uncommitted_writes(app, session, commune, law, clock, plan_world):  # noqa: F811
    """They could still be rolled back (and on SQLite a second connection would wait for this one's lock)."""
    measure = _first_measure(session, commune, law, clock, status="planned")
    register.set_status(session, Actor.system(), measure, "in_place", clock.now())
    written = []
    engine = app.extensions["ir_engine"]

    def watch(_connection, _cursor, statement, *_args):
        if "dossier_plan_progress" in statement and statement.lstrip().upper().startswith("INSERT"):
            written.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        seen = progress_of(session, _keys(session), law.catalogue)  # inside the writing transaction
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert seen == _derived(session, law.catalogue) and written == []
    session.rollback()
    assert _read(session, law.catalogue) == _derived(session, law.catalogue)


def test_two_readers_storing_the_same_rows_both_succeed(app, session, commune, law, clock, plan_world,  # noqa: F811
                                                       monkeypatch, caplog):
    """Two workers that both found nothing stored derive the same rows and both store them."""
    from ir_app.services.measures import stored_progress

    session.execute(DossierPlanProgress.__table__.delete())
    session.commit()
    monkeypatch.setattr(stored_progress, "_valid_rows", lambda *_args: {})  # neither sees the other's rows
    readers = [app.extensions["ir_session_factory"]() for _ in range(2)]
    try:
        results = [progress_of(reader, _keys(reader), law.catalogue) for reader in readers]
    finally:
        for reader in readers:
            reader.close()
    monkeypatch.undo()
    assert results[0] == results[1] == _derived(session, law.catalogue)
    assert "not stored" not in caplog.text and _stored_count(session) == len(_keys(session))


def test_the_second_read_is_one_statement(app, session, commune, law, clock, plan_world):  # noqa: F811
    keys = _keys(session)
    session.commit()
    assert count_statements(app, lambda: progress_of(session, keys, law.catalogue)) == 1
    bumped = session.scalar(select(func.count()).select_from(PlanProgressVersion))
    assert bumped == 0  # no write so far touched a plan input


def test_the_first_read_issues_as_many_statements_for_more_communes(app, session, commune, law, clock,  # noqa: F811
                                                                   plan_world):
    """Derived and stored in a fixed number of statements: one commune's dossiers, then both communes'."""
    keys = _keys(session)
    counts = []
    for wanted in ([key for key in keys if key.commune_id == commune.id], keys):
        session.execute(DossierPlanProgress.__table__.delete())
        session.commit()
        counts.append(count_statements(app, lambda: progress_of(session, wanted, law.catalogue)))
        session.commit()
    assert counts[0] == counts[1] and _stored_count(session) == len(keys)
