"""The JSON shapes of /api/v1 (marshmallow): the OpenAPI document is generated from these."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ir_app.web.api.core import page_schema

Str, Int, Bool, DT, Date = fields.String, fields.Integer, fields.Boolean, fields.DateTime, fields.Date


def _commune_code(obj) -> str:
    return obj.commune.code


class CommuneSchema(Schema):
    id = Int()
    code = Str()
    name = Str()
    slug = Str()
    commune_type = Str(allow_none=True)
    province = fields.Function(lambda org: org.parent.name if org.parent else None, allow_none=True)
    address = Str()
    phone = Str()
    email = Str()


class UnitSchema(Schema):
    id = Int()
    commune = fields.Function(_commune_code)
    name = Str()
    functions = Str()
    head_name = Str()
    head_title = Str()
    phone = Str()
    email = Str()
    is_cyber_unit = Bool()


class ComponentSchema(Schema):
    id = Int()
    kind = Str()
    name = Str()
    component_type = Str()
    location = Str()
    purpose = Str()
    server = Str()
    operating_system = Str()
    ip_range = Str()


class SystemSchema(Schema):
    id = Int()
    commune = fields.Function(_commune_code)
    code = Str()
    name = Str()
    purpose = Str()
    unit_id = Int(allow_none=True)
    system_type = Str()
    information_types = fields.List(Str())
    hosting = Str()
    internet_exposed = Bool()
    status = Str()
    approved_level = Int(allow_none=True)
    approval_decision_number = Str()
    approval_decision_on = Date(allow_none=True)
    approval_regime = Str()
    updated_at = DT()


class SystemDetailSchema(SystemSchema):
    owner_name = Str()
    operator_name = Str()
    domains = Str()
    components = fields.List(fields.Nested(ComponentSchema))


class ReasonSchema(Schema):
    level = Int(allow_none=True)
    article = Str(allow_none=True)
    text = Str(allow_none=True)


class DossierSchema(Schema):
    id = Int()
    commune = fields.Function(_commune_code)
    system_id = Int()
    version_no = Int()
    regime = Str()
    state = Str()
    determined_level = Int(allow_none=True)
    proposed_level = Int(allow_none=True)
    level = Int(allow_none=True)
    step_started_at = DT(allow_none=True)
    step_due_on = Date(allow_none=True, metadata={"description": "Hạn luật định của bước hiện tại"})
    submitted_at = DT(allow_none=True)
    decision_number = Str(allow_none=True)
    decision_on = Date(allow_none=True)
    approved_at = DT(allow_none=True)
    updated_at = DT()


class DeadlineSchema(Schema):
    kind = Str()
    due_on = Date(allow_none=True)
    description = Str()


class DossierDetailSchema(DossierSchema):
    reasons = fields.List(fields.Nested(ReasonSchema))
    appraisal_result = Str(allow_none=True)
    appraisal_on = Date(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema))


class DocumentSchema(Schema):
    key = Str()
    title = Str()
    form = Str(allow_none=True)
    ready = Bool()
    missing = fields.List(Str())
    number = Str(allow_none=True)
    download = Str(metadata={"description": "Đường dẫn tải DOCX (khi ready)"})


class DocumentListSchema(Schema):
    items = fields.List(fields.Nested(DocumentSchema))


class CoverageRowSchema(Schema):
    requirement_id = Str()
    title = Str()
    plan_part = Str()
    status = Str()
    measures = fields.List(Int())


class CoverageSchema(Schema):
    dossier_id = Int()
    level = Int(allow_none=True)
    total = Int()
    done = Int()
    gaps = Int()
    deployment = Str()
    rows = fields.List(fields.Nested(CoverageRowSchema))


class RiskSchema(Schema):
    """One risk of a system's register: ratings 1–5 before and after treatment (the level follows from
    the matrix in level_dossiers/risks/), the treatment and the measures that carry it."""
    id = Int()
    commune = fields.Function(_commune_code)
    system_id = Int()
    threat_id = Str(allow_none=True)
    title = Str()
    asset = Str()
    likelihood = Int()
    impact = Int()
    treatment = Str()
    treatment_note = Str()
    residual_likelihood = Int()
    residual_impact = Int()
    accepted_by = Str()
    accepted_until = Date(allow_none=True)
    review_on = Date(allow_none=True)
    measures = fields.Function(lambda risk: risk.measure_ids, metadata={"type": "array"})
    updated_at = DT()


class MeasureSchema(Schema):
    id = Int()
    commune = fields.Function(_commune_code)
    title = Str()
    description = Str()
    category = Str()
    scope = Str()
    status = Str()
    responsible_unit = Str()
    planned_on = Date(allow_none=True)
    in_place_since = Date(allow_none=True)
    levels = fields.List(Int())
    requirements = fields.Function(lambda m: [link.requirement_id for link in m.requirement_links],
                                   metadata={"type": "array"})
    updated_at = DT()


class IncidentSchema(Schema):
    id = Int()
    code = Str()
    commune = fields.Function(_commune_code)
    title = Str()
    category = Str(allow_none=True)
    state = Str()
    severity = Str(allow_none=True)
    detected_at = DT()
    is_cyber_incident = Bool(allow_none=True)
    is_confidential = Bool()
    closed_at = DT(allow_none=True)
    updated_at = DT()


class TimelineSchema(Schema):
    id = Int()
    at = DT()
    recorded_at = DT()
    actor_label = Str()
    is_automatic = Bool()
    event = Str()
    text = Str()


class IncidentDetailSchema(IncidentSchema):
    description = Str()
    current_situation = Str()
    reporter_name = Str()
    systems = fields.Function(lambda incident: [system.id for system in incident.systems],
                              metadata={"type": "array"})
    timeline = fields.List(fields.Nested(TimelineSchema))


class IncidentCreateSchema(Schema):
    what = Str(required=True, validate=validate.Length(min=1, max=2000),
               metadata={"description": "Chuyện gì đang xảy ra (cảnh báo của công cụ giám sát)"})
    commune = Str(load_default=None, validate=validate.Length(max=16),
                  metadata={"description": "Mã xã; mặc định là xã của tài khoản"})
    category = Str(load_default=None, validate=validate.Length(max=64))
    system_id = Int(load_default=None, validate=validate.Range(1, 2**63 - 1))
    detected_at = Str(load_default=None, validate=validate.Length(max=40),
                      metadata={"description": "ISO 8601; để trống là lúc này"})
    contact = Str(load_default=None, validate=validate.Length(max=50))


class TimelineCreateSchema(Schema):
    text = Str(required=True, validate=validate.Length(min=1, max=5000))
    at = Str(load_default=None, validate=validate.Length(max=40), metadata={"description": "ISO 8601"})


class BackupRunSchema(Schema):
    id = Int()
    plan_id = Int()
    system_id = fields.Function(lambda run: run.plan.system_id)
    commune = fields.Function(lambda run: run.plan.commune.code)
    ran_at = DT()
    result = Str()
    size_bytes = Int(allow_none=True)
    notes = Str()
    source = Str()


class BackupRunCreateSchema(Schema):
    result = Str(required=True, validate=validate.Length(max=20), metadata={"description": "ok | failed | partial"})
    size = Str(load_default=None, validate=validate.Length(max=40), metadata={"description": "ví dụ 1.5GB"})
    at = Str(load_default=None, validate=validate.Length(max=40), metadata={"description": "giờ địa phương"})
    notes = Str(load_default=None, validate=validate.Length(max=5000))


class NotificationSchema(Schema):
    id = Int()
    kind = Str()
    subject = Str()
    body = Str()
    link = Str()
    created_at = DT()
    read_at = DT(allow_none=True)


class AnnualRowSchema(Schema):
    number = Int()
    system_name = Str()
    owner_name = Str()
    operator_name = Str()
    level = Int(allow_none=True)
    approval_status = Str()
    decision = Str()
    security_policy = Str()
    expected_approval = Str()
    plan_status = Str()
    expected_plan_completion = Str()
    reviews = fields.List(Str())


class AnnualTotalsSchema(Schema):
    systems = Int()
    classified = Int()
    dossiers = Int()
    appraised = Int()
    approved = Int()
    reviewed = Int()
    expected_completion = Str()


class CommuneAnnualSchema(Schema):
    commune = Str()
    commune_name = Str()
    year = Int()
    period_start = Date()
    period_end = Date()
    totals = fields.Nested(AnnualTotalsSchema)


class AnnualReportSchema(CommuneAnnualSchema):
    rows = fields.List(fields.Nested(AnnualRowSchema))


class RollupTotalsSchema(Schema):
    systems = Int()
    classified = Int()
    dossiers = Int()
    appraised = Int()
    approved = Int()
    reviewed = Int()


class RollupSchema(Schema):
    year = Int()
    communes = fields.List(fields.Nested(CommuneAnnualSchema))
    totals = fields.Nested(RollupTotalsSchema)


CommunePage = page_schema(CommuneSchema, "CommunePage")
UnitPage = page_schema(UnitSchema, "UnitPage")
SystemPage = page_schema(SystemSchema, "SystemPage")
DossierPage = page_schema(DossierSchema, "DossierPage")
MeasurePage = page_schema(MeasureSchema, "MeasurePage")
RiskPage = page_schema(RiskSchema, "RiskPage")
IncidentPage = page_schema(IncidentSchema, "IncidentPage")
BackupRunPage = page_schema(BackupRunSchema, "BackupRunPage")
NotificationPage = page_schema(NotificationSchema, "NotificationPage")
