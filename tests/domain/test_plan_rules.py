"""The plan row rules: which measures serve a system, and the derived status."""
from __future__ import annotations

import pytest

from ir_app.domain.plan import MeasureFacts, covering, derived_status, progress, row_status, serves


def measure(scope="commune", status="in_place", levels=(1, 2, 3, 4, 5), systems=(), requirements=("QL.CS.1",)):
    return MeasureFacts(id=1, scope=scope, status=status, levels=tuple(levels), system_ids=frozenset(systems),
                        requirement_ids=frozenset(requirements))


@pytest.mark.parametrize("statuses, expected", [
    ([], "not_met"), (["planned"], "not_met"), (["planned", "planned"], "not_met"),
    (["in_place"], "met"), (["in_place", "in_place"], "met"),
    (["in_place", "planned"], "partly"), (["partly"], "partly"), (["partly", "planned"], "partly"),
])
def test_all_in_place_is_met_some_is_partly_none_is_a_gap(statuses, expected):
    assert derived_status(statuses) == expected


def test_a_recorded_override_wins_over_the_measures():
    assert row_status(["in_place"], "not_met") == "not_met"
    assert row_status([], "not_applicable") == "not_applicable"
    with pytest.raises(ValueError):
        row_status([], "done")


def test_which_measures_serve_a_system():
    assert serves(measure("commune"), 7, 3)
    assert not serves(measure("commune", levels=(1, 2)), 7, 3)  # written for levels 1–2 only
    assert serves(measure("system", systems={7}), 7, 3) and not serves(measure("system", systems={8}), 7, 3)
    assert not serves(measure("system"), 7, 3)  # chosen for no system yet
    assert serves(measure("inherited"), 7, 3)  # the provider serves every system
    assert not serves(measure("inherited", systems={8}), 7, 3)  # unless limited to chosen ones


def test_covering_keeps_only_the_measures_answering_the_requirement():
    answering, other = measure(), measure(requirements=("KT.MC.1",))
    assert covering([answering, other], "QL.CS.1", 7, 2) == [answering]


def test_progress_counts_done_partly_and_gaps():
    result = progress(["met", "not_applicable", "partly", "not_met", "not_met"])
    assert (result.total, result.done, result.partly, result.gaps, result.percent) == (5, 2, 1, 2, 40)
    assert result.deployment == "partial"
    assert progress(["met", "not_applicable"]).deployment == "full"
    assert progress(["not_met"]).deployment == "none" and progress([]).deployment == "none"


def test_commune_measures_gives_the_same_progress_as_the_rows_one_by_one():
    """The province overview's fast path agrees with covering + row_status on random communes."""
    import random

    from ir_app.domain import plan as rules

    chance = random.Random(7)  # noqa: S311 -- reproducible test data, not a secret
    requirements = [f"R{number}" for number in range(30)]
    for _ in range(200):
        measures = [rules.MeasureFacts(
            number, chance.choice(("commune", "system", "inherited")), chance.choice(("planned", "partly", "in_place")),
            tuple(chance.sample((1, 2, 3, 4, 5), chance.randint(1, 3))),
            frozenset(chance.sample(range(1, 6), chance.randint(0, 2))),
            frozenset(chance.sample(requirements, chance.randint(0, 4)))) for number in range(chance.randint(0, 25))]
        system_id, level = chance.randint(1, 5), chance.randint(1, 5)
        overrides = {chance.choice(requirements): chance.choice(rules.ROW_STATUSES) for _ in range(chance.randint(0, 3))}
        expected = rules.progress(
            rules.row_status((m.status for m in rules.covering(measures, requirement, system_id, level)),
                             overrides.get(requirement)) for requirement in requirements)
        assert rules.CommuneMeasures(measures).progress(requirements, system_id, level, overrides) == expected
