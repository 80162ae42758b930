"""The queue's plan gaps from plain columns give what the plan page's own derivation gives."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ir_app.models import Dossier, Role
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.inventory import systems as inventory
from ir_app.services.measures import plan, register
from ir_app.services.work.plan_gaps import DossierGaps, dossier_gaps
from tests.services.test_measures import LEVEL_3, MOTCUA

STATES = ("approved", "protecting")


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


def old_derivation(session, commune_id, catalogue) -> list[DossierGaps]:
    """The work queue's former source: every plan view in full, then its gap rows."""
    found = list(session.scalars(select(Dossier).options(joinedload(Dossier.system))
                                 .where(Dossier.commune_id == commune_id, Dossier.state.in_(STATES))
                                 .order_by(Dossier.id)))
    result = []
    for view in plan.plan_views(session, found, catalogue).values():
        if view.gaps:
            planned = [m.planned_on for row in view.gaps for m in row.measures if m.planned_on]
            result.append(DossierGaps(view.dossier.id, view.dossier.system.name, len(view.gaps),
                                      min(planned, default=None)))
    return result


def _dossier(session, law, commune, clock, code, state, level):
    system = inventory.create_system(session, Actor.system(), commune, MOTCUA | {"code": code, "name": f"HT {code}"},
                                     clock.now())
    dossier = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    dossier.answers = dict(LEVEL_3)
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    dossier.determined_level, dossier.proposed_level, dossier.state = level, level, state
    if state != "draft":
        dossier.decision_number, dossier.decision_on = f"QĐ {code}", date(2026, 11, 1)
    return dossier


def _seed(session, law, commune, clock, owners, rng: random.Random):
    """Dossiers at several levels and states, measures of every scope, status, level list and owner,
    and overrides of every kind."""
    states = ["approved", "protecting", "approved", "protecting", "draft", "operating"]
    made = [_dossier(session, law, commune, clock, f"S{rng.randrange(10**6)}x{index}", state, rng.choice((2, 3, 4)))
            for index, state in enumerate(states)]
    pool = [requirement.id for requirement in law.catalogue.for_level(4)][:14]
    for index in range(25):
        scope = rng.choice(("commune", "system", "inherited"))
        chosen = tuple(rng.sample([d.system_id for d in made], rng.randrange(0, 3)))
        if scope == "system" and not chosen:
            chosen = (made[0].system_id,)
        raw = {"title": f"Biện pháp {index}", "category": "technical", "scope": scope,
               "status": rng.choice(("planned", "planned", "partly", "in_place")),
               "requirements": ", ".join(rng.sample(pool, rng.randrange(1, 4))), "description": "Nội dung",
               "provider_name": "Trung tâm dữ liệu tỉnh" if scope == "inherited" else "",
               "levels": rng.choice(([], ["3"], ["2", "3"], ["4", "5"]))}
        if rng.random() < 0.7:
            raw["planned_on"] = (date(2026, 12, 1) + timedelta(days=rng.randrange(0, 200))).isoformat()
        owner = rng.choice(owners + [None])
        register.save_measure(session, Actor.system(), commune, raw,
                              register.MeasureInput(system_ids=chosen, owner_id=owner.id if owner else None),
                              law.catalogue, clock.now())
    for dossier in made[:4]:
        for requirement_id in rng.sample(pool[:10], 3):
            if any(r.id == requirement_id for r in law.catalogue.for_level(dossier.level)):
                plan.set_override(session, Actor.system(), dossier, requirement_id,
                                  rng.choice(("not_applicable", "met", "partly", "not_met")), "Lý do", law.catalogue,
                                  clock.now())
    session.commit()
    return made


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_gaps_from_columns_are_those_of_the_plan_views(session, law, commune, other_commune, make_user, clock,
                                                           seed):
    rng = random.Random(seed)  # noqa: S311 - varied test data, repeatable by seed
    owners = [make_user(Role.STAFF, organisation=commune), make_user(Role.OFFICER, organisation=commune)]
    _seed(session, law, commune, clock, owners, rng)
    _seed(session, law, other_commune, clock, [make_user(Role.STAFF, organisation=other_commune)], rng)
    session.expire_all()
    for place in (commune, other_commune):
        expected = old_derivation(session, place.id, law.catalogue)
        assert expected, "the data has gaps to compare"
        assert dossier_gaps(session, place.id, STATES, law.catalogue) == expected


def test_no_dossier_in_force_means_no_gap(session, law, commune, clock):
    _dossier(session, law, commune, clock, "D", "draft", 3)
    session.commit()
    assert dossier_gaps(session, commune.id, STATES, law.catalogue) == []
