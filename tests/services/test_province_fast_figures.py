"""The province's month chart and clock counts, grouped in SQL / read as columns, match the straightforward
computation they replaced (every incident row in Python, every open incident as an ORM object) on varied data."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ir_app.models import Incident, IncidentReport
from ir_app.models.incidents import INCIDENT_STATES, SEVERITIES
from ir_app.services.incidents.clocks import DONE, DueClock, due_incident_clocks, incident_clocks
from ir_app.services.province.charts import incidents_by_month, month_starts
from ir_app.services.province.figures import DAY, THREE_DAYS, overdue_clock_counts
from tests.incident_support import data
from tests.services.test_province_figures import ICT, _inputs

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)  # the conftest clock


def _moments(rng: random.Random) -> list[datetime]:
    """Local 23:30 on the last day of a month and 00:30 the next morning, across the chart's year and
    around it (before its first month, inside this month, and a future-dated one)."""
    found = []
    for first in month_starts(date(2026, 11, 26)) + [date(2025, 11, 1), date(2026, 12, 1)]:
        midnight = datetime.combine(first, time(0), ICT)
        found += [midnight - timedelta(minutes=30), midnight + timedelta(minutes=30)]
    found += [NOW - timedelta(hours=rng.choice((1, 5, 20, 30, 60, 80, 200))) for _ in range(20)]
    return found


def _incidents(session, communes, rng: random.Random) -> None:
    categories = [None] + [item.id for item in data().catalogue.categories]
    rules = [rule.id for rule in data().clock_rules]
    numbers = Counter()
    for detected_at in _moments(rng) * 3:
        commune = rng.choice(communes)
        numbers[commune.id] += 1
        incident = Incident(
            commune_id=commune.id, commune_code=commune.code, year=2026, number=numbers[commune.id],
            title="Sự cố", category=rng.choice(categories), severity=rng.choice((None, *SEVERITIES)),
            detected_at=detected_at, discovered_at=rng.choice((None, detected_at + timedelta(hours=3))),
            state=rng.choice(INCIDENT_STATES), is_drill=rng.random() < 0.15,
            is_cyber_incident=rng.choice((None, True, False)), is_complex=rng.random() < 0.3,
            beyond_capacity=rng.random() < 0.3, national_security_signs=rng.random() < 0.2,
            serious_disruption=rng.random() < 0.2, personal_data_involved=rng.random() < 0.4,
            location_or_biometric=rng.random() < 0.3, state_changed_at=detected_at, created_at=detected_at,
            updated_at=detected_at)
        incident.closed_at = detected_at if incident.state == "closed" else None
        incident.resolved_at = rng.choice((None, detected_at + timedelta(hours=10)))
        for rule in rng.sample(rules, rng.choice((0, 0, 1, 2))) + [None] * rng.choice((0, 1)):
            incident.reports.append(IncidentReport(
                clock_rule_id=rule, kind="report", sent_at=detected_at + timedelta(hours=rng.choice((2, 30, 100))),
                channel="document", recipient="PA05", recorded_at=NOW))
        session.add(incident)
    session.commit()


def _months_as_before(session, commune_ids, today: date) -> dict[tuple[date, str | None], int]:
    """Every incident row of the chart's months, grouped in Python."""
    start = datetime.combine(month_starts(today)[0], time(0), ICT)
    counts: Counter = Counter()
    for category, detected_at in session.execute(
            select(Incident.category, Incident.detected_at)
            .where(Incident.commune_id.in_(commune_ids), Incident.detected_at >= start,
                   Incident.state != "not_incident", Incident.is_drill.is_(False))):
        counts[(detected_at.astimezone(ICT).date().replace(day=1), category)] += 1
    return counts


def _clocks_as_before(session, commune_ids) -> list[DueClock]:
    """Every open incident as an ORM object with its reports, through incident_clocks."""
    incidents = session.scalars(
        select(Incident).where(Incident.state.not_in(data().terminal_states), Incident.is_drill.is_(False),
                               Incident.commune_id.in_(commune_ids))
        .options(joinedload(Incident.reports)).order_by(Incident.id)).unique()
    items = [DueClock(incident.id, incident.commune_id, incident.code, incident.title, clock.rule.id,
                      clock.rule.title, clock.rule.kind, clock.rule.recipient, clock.rule.article, clock.due_at,
                      clock.time_left)
             for incident in incidents for clock in incident_clocks(incident, data(), NOW) if clock.status != DONE]
    return sorted(items, key=lambda item: (item.due_at, item.incident_id))


def test_month_chart_and_clocks_match_the_straightforward_computation(app, session, clock, province, commune,
                                                                      other_commune, foreign_commune):
    _incidents(session, [commune, other_commune, foreign_commune], random.Random(17))  # noqa: S311 - test data, not secrets
    session.expire_all()
    ids = [commune.id, other_commune.id]
    today = NOW.astimezone(ICT).date()

    chart = incidents_by_month(session, ids, today, ICT, data())
    before = _months_as_before(session, ids, today)
    categories = sorted({category for _month, category in before}, key=lambda item: (item is None, item or ""))
    assert [item.label for item in chart.series] == [data().category_title(item) for item in categories]
    assert [item.values for item in chart.series] == [
        tuple(before[(month, category)] for month in month_starts(today)) for category in categories]
    assert sum(sum(item.values) for item in chart.series) > 20  # the data reaches the chart

    clocks = due_incident_clocks(session, NOW, ids, data())
    assert clocks == _clocks_as_before(session, ids)
    assert len({clock.incident_id for clock in clocks}) > 10 and any(not clock.is_overdue for clock in clocks)

    durations = {rule.id: rule.duration for rule in data().clock_rules}
    expected = {"clocks_24h": set(), "clocks_72h": set()}
    for item in clocks:
        if item.is_overdue:
            column = "clocks_24h" if durations[item.rule_id] <= DAY else \
                "clocks_72h" if durations[item.rule_id] <= THREE_DAYS else None
            if column:
                expected[column].add((item.commune_id, item.incident_id))
    counted = sorted(overdue_clock_counts(session, ids, _inputs(app, clock)))
    assert counted == sorted((commune_id, column, count) for column, pairs in expected.items()
                             for commune_id, count in Counter(commune_id for commune_id, _id in pairs).items())
    assert {column for _commune, column, _count in counted} == {"clocks_24h", "clocks_72h"}
