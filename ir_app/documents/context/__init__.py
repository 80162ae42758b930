"""The context contract: exactly what a DOCX template may use.

Services build a plain dict (record -> context -> template); ``context_from_dict`` checks it
against these frozen dataclasses (unknown keys are an error, missing keys take their empty
default) and ``to_template_dict`` turns the result back into the plain nested dict that the
sandboxed Jinja environment sees. Fields marked ``derived`` are computed here (labels, the
"Số: …" line, the place-and-date line) and are ignored when given.

``sample_context(level)`` builds realistic demo data (xã Vĩnh Lại, Hải Phòng; the one-stop-shop
at level 3) used to test-render uploaded templates; ``field_reference()`` lists every field for
template authors (also written to level_dossiers/templates/README.md).
"""
from ir_app.documents.context.contract import (
    AnnualReport,
    AnnualRow,
    AnnualTotals,
    Application,
    Appraisal,
    Approval,
    Commune,
    ContextError,
    DetailedRisk,
    DocumentContext,
    DocumentInfo,
    Dossier,
    Equipment,
    Finding,
    LetterRef,
    NetworkZone,
    Party,
    Plan,
    PlanItem,
    PlanPart,
    PolicyRef,
    ProposedSystem,
    Reason,
    RegimeInfo,
    Review,
    Risk,
    Signer,
    System,
)
from ir_app.documents.context.convert import (
    context_from_dict,
    to_template_dict,
)
from ir_app.documents.context.labels import (
    APPROVAL_STATUS_LABELS,
    CONCLUSION_LABELS,
    DEPLOYMENT_LABELS,
    GROUP_LABELS,
    INFORMATION_LABELS,
    PLAN_STATUS_LABELS,
    REVIEW_DONE_LABELS,
    REVIEW_KIND_LABELS,
    REVIEW_RESULT_LABELS,
    SEVERITY_LABELS,
    SYSTEM_TYPE_LABELS,
)
from ir_app.documents.context.legal import (
    DEFAULT_REGIME,
    REGIMES,
    default_legal_bases,
)
from ir_app.documents.context.plan import (
    PLAN_LETTERS,
    PLAN_PART_TITLES,
    PLAN_PARTS,
    plan_from_catalogue,
    shipped_catalogue,
)
from ir_app.documents.context.reference import (
    FieldInfo,
    field_reference,
)
from ir_app.documents.context.samples import (
    SAMPLE_GENERATED_AT,
    sample_commune_systems,
    sample_context,
    sample_plan,
)

__all__ = [
    "APPROVAL_STATUS_LABELS", "CONCLUSION_LABELS", "DEFAULT_REGIME", "DEPLOYMENT_LABELS",
    "GROUP_LABELS", "INFORMATION_LABELS", "PLAN_LETTERS", "PLAN_PART_TITLES", "PLAN_PARTS",
    "PLAN_STATUS_LABELS", "REGIMES", "REVIEW_DONE_LABELS", "REVIEW_KIND_LABELS",
    "REVIEW_RESULT_LABELS", "SAMPLE_GENERATED_AT", "SEVERITY_LABELS", "SYSTEM_TYPE_LABELS",
    "AnnualReport", "AnnualRow", "AnnualTotals", "Application", "Appraisal", "Approval", "Commune",
    "ContextError", "DetailedRisk", "DocumentContext", "DocumentInfo", "Dossier", "Equipment",
    "FieldInfo", "Finding", "LetterRef", "NetworkZone", "Party", "Plan", "PlanItem", "PlanPart",
    "PolicyRef", "ProposedSystem", "Reason", "RegimeInfo", "Review", "Risk", "Signer", "System",
    "context_from_dict", "default_legal_bases", "field_reference", "plan_from_catalogue",
    "sample_commune_systems", "sample_context", "sample_plan", "shipped_catalogue",
    "to_template_dict",
]
