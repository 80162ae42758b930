"""Level dossiers, their history, protection-plan items, periodic reviews, security policies."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.files import StoredFile
from ir_app.models.inventory import InformationSystem
from ir_app.models.org import Organisation, User

DOSSIER_STATES = ("draft", "submitted", "returned", "accepted", "appraised", "pending_approval",
                  "approved", "protecting", "operating", "superseded")
PLAN_STATUSES = ("not_met", "partly", "met", "not_applicable")
# Who appraised: the specialised unit itself, or one of the independent arrangements of NĐ 331 Đ18.4.
APPRAISAL_BODIES = ("specialised_unit", "subordinate_unit", "independent_council", "ministry")
POLICY_ISSUERS = ("owner", "specialised_unit", "operator", "other")
POLICY_SCOPES = ("commune", "listed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Dossier(Base):
    """One version of a system's level dossier under one regime."""

    __tablename__ = "dossiers"
    __table_args__ = (
        UniqueConstraint("system_id", "version_no"),
        CheckConstraint(_in("state", DOSSIER_STATES), name="state"),
        CheckConstraint("proposed_level IS NULL OR proposed_level BETWEEN 1 AND 5", name="proposed_level"),
        CheckConstraint("determined_level IS NULL OR determined_level BETWEEN 1 AND 5", name="determined_level"),
        CheckConstraint("proposed_level IS NULL OR determined_level IS NULL OR proposed_level >= determined_level",
                        name="never_lower"),
        CheckConstraint("procedure_level IS NULL OR procedure_level BETWEEN 1 AND 5", name="procedure_level"),
        CheckConstraint(f"appraisal_body IS NULL OR {_in('appraisal_body', APPRAISAL_BODIES)}", name="appraisal_body"),
        CheckConstraint("appraisal_result IS NULL OR appraisal_result IN ('phu_hop', 'chua_phu_hop')",
                        name="appraisal_result"),
        CheckConstraint("state NOT IN ('approved', 'protecting', 'operating') OR "
                        "(decision_number IS NOT NULL AND decision_on IS NOT NULL)", name="approved_has_decision"),
        Index("ix_dossiers_commune_state", "commune_id", "state"),
        Index("ix_dossiers_step_due_on", "step_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("information_systems.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    regime: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    wizard_step: Mapped[int] = mapped_column(Integer, default=0)
    determined_level: Mapped[int | None] = mapped_column(Integer)
    proposed_level: Mapped[int | None] = mapped_column(Integer)
    # Set when the law makes the dossier follow a higher level's procedure than its level (NĐ 331 Đ20.4).
    procedure_level: Mapped[int | None] = mapped_column(Integer)
    # Ids of the regime's consistency warnings the proposer confirmed (answers are right as given).
    confirmed_warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    higher_level_justification: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")  # preliminary list of cyber risks (Đ22.4.c)
    # The plan as the appraiser read it: frozen when the dossier is submitted (services/measures/plan.py).
    frozen_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    plan_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    step_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    step_due_on: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request_number: Mapped[str] = mapped_column(String(100), default="")  # công văn đề nghị thẩm định
    request_on: Mapped[date | None] = mapped_column(Date)  # its date, recorded with its number
    return_reason: Mapped[str] = mapped_column(Text, default="")
    appraisal_result: Mapped[str | None] = mapped_column(String(16))
    appraisal_text: Mapped[str] = mapped_column(Text, default="")
    appraisal_by: Mapped[str] = mapped_column(String(300), default="")
    # Mẫu số 04: how the appraisal was done and the opinions of Đ23.1.b–c.
    appraisal_method: Mapped[str] = mapped_column(String(300), default="", server_default="")
    appraisal_design_opinion: Mapped[str] = mapped_column(Text, default="", server_default="")
    appraisal_operation_opinion: Mapped[str] = mapped_column(Text, default="", server_default="")
    appraisal_on: Mapped[date | None] = mapped_column(Date)
    appraisal_number: Mapped[str] = mapped_column(String(100), default="")  # văn bản ý kiến thẩm định
    appraisal_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    # Who appraised and the decision that gave them the task (NĐ 331 Đ18.4: subordinate unit or council).
    appraisal_body: Mapped[str | None] = mapped_column(String(32))
    appraisal_body_decision: Mapped[str] = mapped_column(String(100), default="")
    appraisal_body_decision_on: Mapped[date | None] = mapped_column(Date)
    appraisal_council_members: Mapped[str] = mapped_column(Text, default="")  # one member per line
    decision_number: Mapped[str | None] = mapped_column(String(100))
    decision_on: Mapped[date | None] = mapped_column(Date)
    decision_signer: Mapped[str] = mapped_column(String(200), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The digitally signed decision PDF the approver uploaded, its SHA-256 and what verifying its
    # signature found (signer, signing time, status: "trusted" or "untrusted_root").
    decision_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    decision_file_sha256: Mapped[str | None] = mapped_column(String(64))
    decision_signature: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The person the current step waits on; None = every holder of the role the workflow names.
    # Cleared when the dossier moves on (services/work/handoff.py).
    step_assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    system: Mapped[InformationSystem] = relationship()
    step_assignee: Mapped[User | None] = relationship(foreign_keys=[step_assignee_id])
    commune: Mapped[Organisation] = relationship()
    appraisal_file: Mapped[StoredFile | None] = relationship(foreign_keys=[appraisal_file_id])
    decision_file: Mapped[StoredFile | None] = relationship(foreign_keys=[decision_file_id])
    plan_items: Mapped[list[PlanItem]] = relationship(back_populates="dossier", cascade="all, delete-orphan",
                                                      order_by="PlanItem.position")
    steps: Mapped[list[DossierStep]] = relationship(back_populates="dossier", cascade="all, delete-orphan",
                                                    order_by="DossierStep.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def level(self) -> int | None:
        return self.proposed_level or self.determined_level

    @property
    def workflow_level(self) -> int | None:
        """The level whose procedure the dossier follows: who appraises and approves, deadlines, forms."""
        level = self.level
        if level is None:
            return None
        return max(level, self.procedure_level or level)


class DossierStep(Base):
    """Every transition of a dossier, for its visible history (the audit log has it too)."""

    __tablename__ = "dossier_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")

    dossier: Mapped[Dossier] = relationship(back_populates="steps")


class PlanItem(Base):
    """What a dossier records about one requirement beyond its measures: a justified "not
    applicable" or an explicit status override. Without an override the row's status is derived
    from the measures that cover it (services/measures/plan.py)."""

    __tablename__ = "plan_items"
    __table_args__ = (
        UniqueConstraint("dossier_id", "requirement_id"),
        CheckConstraint("override_status IS NULL OR " + _in("override_status", PLAN_STATUSES), name="override_status"),
        CheckConstraint("override_status IS NULL OR length(override_reason) > 0", name="override_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[str] = mapped_column(String(32))
    catalogue_id: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(32))
    plan_part: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    tcvn: Mapped[str] = mapped_column(String(32), default="")
    override_status: Mapped[str | None] = mapped_column(String(16))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    dossier: Mapped[Dossier] = relationship(back_populates="plan_items")

    __mapper_args__ = {"version_id_col": version}


class Review(Base):
    """A periodic check (kiểm tra, đánh giá) of an approved system."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("result IN ('pass', 'partial', 'fail')", name="result"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(String(300))
    is_independent: Mapped[bool] = mapped_column(Boolean, default=False)
    external_organisation: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    next_due_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    dossier: Mapped[Dossier] = relationship()
    commune: Mapped[Organisation] = relationship()
    findings: Mapped[list[ReviewFinding]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                         order_by="ReviewFinding.id")


class ReviewFinding(Base):
    __tablename__ = "review_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[str] = mapped_column(String(32), default="")
    text: Mapped[str] = mapped_column(Text)
    is_failing: Mapped[bool] = mapped_column(Boolean, default=True)
    due_on: Mapped[date | None] = mapped_column(Date)

    review: Mapped[Review] = relationship(back_populates="findings")


class SecurityPolicy(Base):
    """Quy chế bảo đảm an ninh mạng; approval needs one that covers the system, issued by the
    competent authority on or before the approval date (NĐ 331 Đ30.7; TT 12/2022 Đ9.7)."""

    __tablename__ = "security_policies"
    __table_args__ = (
        CheckConstraint(_in("issuer", POLICY_ISSUERS), name="issuer"),
        CheckConstraint(_in("scope", POLICY_SCOPES), name="scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    decision_number: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(32), default="owner", server_default="owner")
    scope: Mapped[str] = mapped_column(String(16), default="commune", server_default="commune")  # or "listed"
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    commune: Mapped[Organisation] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    systems: Mapped[list[InformationSystem]] = relationship(secondary="security_policy_systems",
                                                            order_by="InformationSystem.name")


class SecurityPolicySystem(Base):
    """The systems a Quy chế lists, when it does not cover the whole commune."""

    __tablename__ = "security_policy_systems"

    policy_id: Mapped[int] = mapped_column(ForeignKey("security_policies.id", ondelete="CASCADE"), primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("information_systems.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)


__all__ = ["Dossier", "DossierStep", "PlanItem", "Review", "ReviewFinding", "SecurityPolicy",
           "SecurityPolicySystem", "APPRAISAL_BODIES", "DOSSIER_STATES", "PLAN_STATUSES", "POLICY_ISSUERS",
           "POLICY_SCOPES"]
