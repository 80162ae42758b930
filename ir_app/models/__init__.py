"""SQLAlchemy 2 typed models. Import everything here so Alembic sees the whole metadata."""
from ir_app.models.advisories import Advisory, AdvisoryAction, AdvisoryRecipient, AdvisoryResponse
from ir_app.models.api_tokens import ApiToken
from ir_app.models.audit import AuditChainHead, AuditEvent
from ir_app.models.backups import BackupPlan, BackupRun, RestoreTest
from ir_app.models.base import Base, UTCDateTime
from ir_app.models.channels import ChannelDelivery, ChannelEndpoint
from ir_app.models.checks import CheckItem, CheckResult, MorningCheck
from ir_app.models.dossiers import (
    Dossier,
    DossierStep,
    PlanItem,
    Review,
    ReviewFinding,
    SecurityPolicy,
    SecurityPolicySystem,
)
from ir_app.models.design import SystemDesign
from ir_app.models.drills import Drill
from ir_app.models.documents import DocumentTemplate, IssuedDocument
from ir_app.models.files import StoredFile
from ir_app.models.incidents import (
    CustodyEntry,
    Evidence,
    Incident,
    IncidentPlaybook,
    IncidentReport,
    IncidentTask,
    TimelineEntry,
)
from ir_app.models.measures import Measure, MeasureEvidence, MeasureRequirement, MeasureSystem
from ir_app.models.inventory import (
    ComponentKind,
    EmergencyContact,
    Hosting,
    InformationSystem,
    InformationType,
    OperatedBy,
    SystemComponent,
    SystemStatus,
    SystemType,
)
from ir_app.models.notifications import Notification
from ir_app.models.plan_progress import DossierPlanProgress, PlanProgressVersion
from ir_app.models.risks import Risk, RiskAssessment, RiskMeasure
from ir_app.models.org import (
    CommuneType,
    LoginAttempt,
    LoginThrottle,
    Organisation,
    OrgKind,
    RecoveryCode,
    Role,
    Unit,
    User,
    UserRole,
)
from ir_app.models.roster import ResponseTeamMember
from ir_app.models.scheduling import CalendarFeed, JobRun, SchedulerLease
from ir_app.models.training import TrainingAttendance, TrainingCourse, TrainingSession

__all__ = [
    "Advisory", "AdvisoryAction", "AdvisoryRecipient", "AdvisoryResponse", "ApiToken", "AuditChainHead", "AuditEvent", "BackupPlan", "BackupRun", "Base", "CalendarFeed", "ChannelDelivery", "ChannelEndpoint", "CheckItem", "CheckResult",
    "CustodyEntry", "DocumentTemplate", "DossierPlanProgress", "PlanProgressVersion", "Drill", "IssuedDocument", "Evidence", "Incident", "IncidentPlaybook", "IncidentReport",
    "IncidentTask", "JobRun", "Measure", "MeasureEvidence", "MeasureRequirement", "MeasureSystem", "MorningCheck",
    "RestoreTest", "ResponseTeamMember", "Risk", "RiskAssessment", "RiskMeasure", "SchedulerLease", "TimelineEntry", "Dossier", "DossierStep", "PlanItem", "Review",
    "ReviewFinding", "SecurityPolicy", "SecurityPolicySystem", "CommuneType", "ComponentKind", "EmergencyContact",
    "Hosting", "InformationSystem", "Notification", "InformationType", "LoginAttempt", "LoginThrottle", "OperatedBy",
    "OrgKind", "Organisation",
    "RecoveryCode", "Role", "StoredFile", "SystemComponent", "SystemDesign", "SystemStatus", "SystemType", "TrainingAttendance", "TrainingCourse", "TrainingSession", "UTCDateTime", "Unit",
    "User", "UserRole",
]
