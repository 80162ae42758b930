"""Incidents: the record, tasks copied from playbooks, timeline, evidence with custody, reports.

The lifecycle, the categories and the reporting clocks are data (playbooks/); the tables keep
what happened. Tasks, timeline entries, custody entries and reports are never deleted.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    false,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.files import StoredFile
from ir_app.models.inventory import InformationSystem
from ir_app.models.org import Organisation, User

# The states of playbooks/lifecycle.yaml; a test keeps the two in step.
INCIDENT_STATES = ("received", "analysed", "contained", "restored", "traced", "reviewed", "closed",
                   "not_incident")
TERMINAL_STATES = ("closed", "not_incident")
SEVERITIES = ("thong_thuong", "nghiem_trong")
REPORT_KINDS = ("initial_notice", "report", "update", "final_report", "pdp_notice", "subject_notice", "other")
CUSTODY_ACTIONS = ("acquired", "transferred", "examined", "stored", "returned", "destroyed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def incident_code(commune_code: str, year: int, number: int, prefix: str = "SC", width: int = 4) -> str:
    """"SC-11017-2026-0001": unique in the province; "SC-2026-0001" for numbers issued earlier;
    "DT-11017-2026-01" for a drill's practice incident."""
    place = f"{commune_code}-" if commune_code else ""
    return f"{prefix}-{place}{year}-{number:0{width}d}"


incident_systems = Table(
    "incident_systems",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    # Deleting a system from the inventory only removes the link; the incident stays.
    Column("system_id", ForeignKey("information_systems.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("commune_id", "year", "number"),
        CheckConstraint(_in("state", INCIDENT_STATES), name="state"),
        CheckConstraint(f"severity IS NULL OR {_in('severity', SEVERITIES)}", name="severity"),
        CheckConstraint("personal_data_subjects IS NULL OR personal_data_subjects >= 0", name="subjects"),
        CheckConstraint("state <> 'closed' OR closed_at IS NOT NULL", name="closed_has_time"),
        Index("ix_incidents_commune_state", "commune_id", "state"),
        Index("ix_incidents_commune_detected", "commune_id", "detected_at"),
        # The province list (newest first over every commune) reads this index backwards.
        Index("ix_incidents_detected_id", "detected_at", "id"),
        Index("ix_incidents_category", "category"),
        Index("ix_incidents_severity", "severity"),
        Index("ix_incidents_reporter_created", "reported_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)  # per commune and year: SC-11017-2026-0001
    # The commune's code when the number was issued: it makes the number unique in the province.
    # Empty for incidents numbered before it was part of the number (they keep "SC-2026-0001").
    commune_code: Mapped[str] = mapped_column(String(16), default="", server_default="")
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(32))  # categories.yaml; None until classified
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When a personal-data breach was found (NĐ 356/2025): may be later than detection.
    discovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_name: Mapped[str] = mapped_column(String(200), default="")
    reporter_contact: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(300), default="")
    detection_method: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    current_situation: Mapped[str] = mapped_column(Text, default="")
    notified_parties: Mapped[str] = mapped_column(Text, default="")
    technical_details: Mapped[str] = mapped_column(Text, default="")  # OS, services, IPs, domains
    support_request: Mapped[str] = mapped_column(Text, default="")
    personal_data_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    personal_data_kinds: Mapped[str] = mapped_column(Text, default="")
    personal_data_subjects: Mapped[int | None] = mapped_column(Integer)
    location_or_biometric: Mapped[bool] = mapped_column(Boolean, default=False)
    severity: Mapped[str | None] = mapped_column(String(16))
    severity_reason: Mapped[str] = mapped_column(Text, default="")
    national_security_signs: Mapped[bool] = mapped_column(Boolean, default=False)
    serious_disruption: Mapped[bool] = mapped_column(Boolean, default=False)
    # None = as the category says (categories.yaml cyber_incident); True/False = officer's finding.
    is_cyber_incident: Mapped[bool | None] = mapped_column(Boolean)
    is_complex: Mapped[bool] = mapped_column(Boolean, default=False)
    beyond_capacity: Mapped[bool] = mapped_column(Boolean, default=False)
    is_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # A practice incident of a drill (diễn tập): numbered apart (DT-2026-01), never counted in
    # summaries, metrics, reminders or reports to the authorities.
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    state: Mapped[str] = mapped_column(String(32), default="received")
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When each response phase started ({phase id: ISO moment}); anchors "phase_start" task dues.
    phase_starts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contained_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The three things the 72-hour report must state (NĐ 331/2026 Đ31.2.d), then the outcome.
    cause: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    lessons_learned: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    commune: Mapped[Organisation] = relationship()
    reported_by: Mapped[User | None] = relationship()
    systems: Mapped[list[InformationSystem]] = relationship(secondary=incident_systems,
                                                            order_by="InformationSystem.code")
    playbooks: Mapped[list[IncidentPlaybook]] = relationship(back_populates="incident",
                                                             order_by="IncidentPlaybook.id")
    tasks: Mapped[list[IncidentTask]] = relationship(back_populates="incident",
                                                     order_by="IncidentTask.position")
    timeline: Mapped[list[TimelineEntry]] = relationship(back_populates="incident",
                                                         order_by="[TimelineEntry.at, TimelineEntry.id]")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="incident", order_by="Evidence.number")
    reports: Mapped[list[IncidentReport]] = relationship(back_populates="incident",
                                                         order_by="IncidentReport.sent_at")

    __mapper_args__ = {"version_id_col": version}

    @property
    def code(self) -> str:
        if self.is_drill:  # drills count down from -1, apart from the real sequence
            return incident_code(self.commune_code, self.year, -self.number, prefix="DT", width=2)
        return incident_code(self.commune_code, self.year, self.number)

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES


class IncidentPlaybook(Base):
    """A playbook applied to an incident, pinned to the exact file that produced its tasks."""

    __tablename__ = "incident_playbooks"
    __table_args__ = (UniqueConstraint("incident_id", "playbook_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    playbook_id: Mapped[str] = mapped_column(String(64))
    playbook_version: Mapped[str] = mapped_column(String(32))
    playbook_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    incident: Mapped[Incident] = relationship(back_populates="playbooks")


class IncidentTask(Base):
    """One playbook step copied into the incident: done, or not applicable with a reason."""

    __tablename__ = "incident_tasks"
    __table_args__ = (
        UniqueConstraint("incident_playbook_id", "step_id"),
        CheckConstraint("NOT (is_not_applicable AND done_at IS NOT NULL)", name="done_or_na"),
        CheckConstraint("NOT is_not_applicable OR length(na_reason) > 0", name="na_has_reason"),
        Index("ix_incident_tasks_incident_phase", "incident_id", "phase"),
        Index("ix_incident_tasks_open_due", "done_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    incident_playbook_id: Mapped[int] = mapped_column(ForeignKey("incident_playbooks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    step_id: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    role: Mapped[str] = mapped_column(String(16))
    is_required: Mapped[bool] = mapped_column(Boolean, default=True)
    is_continuity: Mapped[bool] = mapped_column(Boolean, default=False)
    # A reporting task names its clock rule: it is required only while that rule applies.
    clock_rule_id: Mapped[str | None] = mapped_column(String(64))
    due_after: Mapped[str | None] = mapped_column(String(16))  # detection | discovery | phase_start
    due_within_seconds: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    depends_on: Mapped[list[str]] = mapped_column(JSON, default=list)
    guidance: Mapped[str] = mapped_column(Text, default="")
    evidence_expected: Mapped[list[str]] = mapped_column(JSON, default=list)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_note: Mapped[str] = mapped_column(Text, default="")
    is_not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    na_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    incident: Mapped[Incident] = relationship(back_populates="tasks")
    playbook: Mapped[IncidentPlaybook] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_settled(self) -> bool:
        return self.done_at is not None or self.is_not_applicable


class TimelineEntry(Base):
    """What happened when: manual notes and automatic events (transitions, tasks, reports)."""

    __tablename__ = "incident_timeline"
    __table_args__ = (Index("ix_incident_timeline_incident_at", "incident_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    is_automatic: Mapped[bool] = mapped_column(Boolean, default=True)
    event: Mapped[str] = mapped_column(String(32))  # note, reported, transition, playbook, task, ...
    text: Mapped[str] = mapped_column(Text)

    incident: Mapped[Incident] = relationship(back_populates="timeline")


class Evidence(Base):
    """An item in the evidence register; the file itself is a StoredFile."""

    __tablename__ = "incident_evidence"
    __table_args__ = (UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # CC-01, CC-02 … within the incident
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    description: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acquired_by: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300), default="")  # device, account, place
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    incident: Mapped[Incident] = relationship(back_populates="evidence")
    file: Mapped[StoredFile] = relationship()
    custody: Mapped[list[CustodyEntry]] = relationship(back_populates="evidence",
                                                       order_by="[CustodyEntry.at, CustodyEntry.id]")

    @property
    def code(self) -> str:
        return f"CC-{self.number:02d}"


class CustodyEntry(Base):
    """Chain of custody: every hand-over, examination and storage of an evidence item."""

    __tablename__ = "incident_custody"
    __table_args__ = (CheckConstraint(_in("action", CUSTODY_ACTIONS), name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("incident_evidence.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(16))
    from_person: Mapped[str] = mapped_column(String(200), default="")
    to_person: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    evidence: Mapped[Evidence] = relationship(back_populates="custody")


class IncidentReport(Base):
    """A notice or report actually sent; one with a clock rule completes that clock."""

    __tablename__ = "incident_reports"
    __table_args__ = (
        CheckConstraint(_in("kind", REPORT_KINDS), name="kind"),
        Index("ix_incident_reports_incident_rule", "incident_id", "clock_rule_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    clock_rule_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(32))
    reference_number: Mapped[str] = mapped_column(String(100), default="")
    recipient: Mapped[str] = mapped_column(String(300))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    late_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    incident: Mapped[Incident] = relationship(back_populates="reports")
    file: Mapped[StoredFile | None] = relationship()


__all__ = ["CUSTODY_ACTIONS", "CustodyEntry", "Evidence", "INCIDENT_STATES", "Incident", "IncidentPlaybook",
           "IncidentReport", "IncidentTask", "REPORT_KINDS", "SEVERITIES", "TERMINAL_STATES", "TimelineEntry",
           "incident_systems"]
