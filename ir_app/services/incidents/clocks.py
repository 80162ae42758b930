"""Reporting clocks: which legal deadlines apply to an incident, when each falls due, which are met.

The rules are data (playbooks/clocks.yaml); an incident's facts (category, severity, flags) decide
which apply. A clock is completed by recording a report for it (IncidentReport.clock_rule_id).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from ir_app.domain.playbooks import ClockRule, due_clocks
from ir_app.models import Incident, IncidentReport
from ir_app.models.incidents import incident_code
from ir_app.services.incidents.data import ResponseData, response_data

PENDING, OVERDUE, DONE = "pending", "overdue", "done"
NOT_AN_INCIDENT = "not_incident"  # the lifecycle state for a false alarm: nothing to report


def incident_facts(incident: Incident, data: ResponseData) -> dict[str, Any]:
    """The facts clock conditions read (categories.yaml › flags, plus category and severity)."""
    cyber = incident.is_cyber_incident
    if cyber is None:
        # A UPS failure is not a cyber incident unless the officer says so; an unclassified
        # report is treated as one (None never matches "is: false"), the cautious default.
        category = data.category(incident.category)
        cyber = category.cyber_incident if category else None
    return {
        "category": incident.category,
        "severity": incident.severity,
        "national_security_signs": incident.national_security_signs,
        "serious_disruption": incident.serious_disruption,
        "cyber_incident": cyber,
        "complex": incident.is_complex,
        "beyond_capacity": incident.beyond_capacity,
        "personal_data_involved": incident.personal_data_involved,
        "location_or_biometric": incident.location_or_biometric,
    }


@dataclass(frozen=True)
class ClockStatus:
    """One applicable deadline of one incident, seen at ``now``."""

    rule: ClockRule
    due_at: datetime
    report: IncidentReport | ClockReport | None  # the first report recorded for this rule
    now: datetime

    @property
    def status(self) -> str:
        if self.report is not None:
            return DONE
        return OVERDUE if self.now > self.due_at else PENDING

    @property
    def time_left(self) -> timedelta:
        return self.due_at - self.now

    @property
    def is_met(self) -> bool:
        """Reported on time (the summary's "met"); late or still missing after the due time is missed."""
        return self.report is not None and self.report.sent_at <= self.due_at

    @property
    def is_missed(self) -> bool:
        return self.status == OVERDUE or (self.report is not None and not self.is_met)


@dataclass(frozen=True)
class ClockReport:
    """What of a report completes a clock: its rule and when it was sent."""

    clock_rule_id: str
    sent_at: datetime


@dataclass
class ClockIncident:
    """The columns of a real (not drill) incident that its clocks read, without an ORM object:
    the province view and the scheduler read every open incident of a province at once."""

    id: int
    commune_id: int
    commune_code: str
    year: int
    number: int
    title: str
    state: str
    category: str | None
    severity: str | None
    national_security_signs: bool
    serious_disruption: bool
    is_cyber_incident: bool | None
    is_complex: bool
    beyond_capacity: bool
    personal_data_involved: bool
    location_or_biometric: bool
    detected_at: datetime
    discovered_at: datetime | None
    resolved_at: datetime | None
    reports: list[ClockReport] = field(default_factory=list)

    @property
    def code(self) -> str:
        return incident_code(self.commune_code, self.year, self.number)


_CLOCK_COLUMNS = tuple(getattr(Incident, item.name) for item in fields(ClockIncident) if item.name != "reports")


def incident_clocks(incident: Incident | ClockIncident, data: ResponseData, now: datetime,
                    rules: Iterable[ClockRule] | None = None) -> list[ClockStatus]:
    """Every clock that applies to the incident, earliest due first (reports must be loaded).
    ``rules`` narrows the playbooks' rules to those the caller counts (default: all)."""
    if incident.state == NOT_AN_INCIDENT:
        return []
    found = due_clocks(data.clock_rules if rules is None else rules, incident_facts(incident, data), incident.detected_at,
                       incident.discovered_at, resolved_at=incident.resolved_at)
    first: dict[str, IncidentReport | ClockReport] = {}
    for report in sorted(incident.reports, key=lambda item: item.sent_at):
        if report.clock_rule_id:
            first.setdefault(report.clock_rule_id, report)
    return [ClockStatus(rule, due_at, first.get(rule.id), now) for rule, due_at in found]


@dataclass(frozen=True)
class DueClock:
    """An open reporting deadline of an open incident: what the scheduler reminds about."""

    incident_id: int
    commune_id: int
    incident_code: str
    incident_title: str
    rule_id: str
    rule_title: str
    kind: str
    recipient: str
    article: str
    due_at: datetime
    time_left: timedelta  # negative once overdue

    @property
    def is_overdue(self) -> bool:
        return self.time_left < timedelta(0)


def due_incident_clocks(session: Session, now: datetime, commune_ids: Iterable[int] | Select | None = None,
                        data: ResponseData | None = None, rules: Iterable[ClockRule] | None = None) -> list[DueClock]:
    """Clocks not yet completed by a report, on incidents not closed, earliest due first.

    ``commune_ids`` (a list or a sub-select) limits the communes; None means all. ``data`` is the
    playbooks folder (default: the configured one, loaded once per process); ``rules`` only some
    of its rules (default: all). One statement whatever the number of incidents.
    """
    data = data or response_data()
    rules = None if rules is None else tuple(rules)
    items = [
        DueClock(incident.id, incident.commune_id, incident.code, incident.title, clock.rule.id, clock.rule.title,
                 clock.rule.kind, clock.rule.recipient, clock.rule.article, clock.due_at, clock.time_left)
        for incident in open_clock_incidents(session, commune_ids, data)
        for clock in incident_clocks(incident, data, now, rules)
        if clock.status != DONE
    ]
    return sorted(items, key=lambda item: (item.due_at, item.incident_id))


def open_clock_incidents(session: Session, commune_ids: Iterable[int] | Select | None,
                         data: ResponseData) -> list[ClockIncident]:
    """Incidents not closed, with the reports that complete clocks, in one statement (an outer join:
    the same statement whether or not an incident is open; this runs on every page for the
    "Việc của tôi" count). A drill's clocks are practised on its page, never reminded as real legal
    deadlines."""
    query = (select(*_CLOCK_COLUMNS, IncidentReport.clock_rule_id, IncidentReport.sent_at)
             .outerjoin(IncidentReport, and_(IncidentReport.incident_id == Incident.id,
                                             IncidentReport.clock_rule_id.is_not(None)))
             .where(Incident.state.not_in(data.terminal_states), Incident.is_drill.is_(False))
             .order_by(Incident.id))
    if commune_ids is not None:
        query = query.where(Incident.commune_id.in_(commune_ids))
    found: dict[int, ClockIncident] = {}
    for *columns, rule_id, sent_at in session.execute(query):
        incident = found.get(columns[0])
        if incident is None:
            incident = found[columns[0]] = ClockIncident(*columns)
        if rule_id is not None:
            incident.reports.append(ClockReport(rule_id, sent_at))
    return list(found.values())


def overdue_incident_ids(session: Session, now: datetime, commune_ids: Iterable[int] | Select | None,
                         data: ResponseData) -> set[int]:
    return {item.incident_id for item in due_incident_clocks(session, now, commune_ids, data) if item.is_overdue}
