"""Read endpoints: communes, units, systems (+ components), dossiers (deadlines, documents, plan
coverage), measures, risks, notifications. Every list is scoped to the token user's communes."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Response, abort, current_app
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ir_app.documents.catalog import DocumentCatalogue, load_documents
from ir_app.models import Dossier, InformationSystem, Measure, Notification, Organisation, OrgKind, Review, Risk, Unit
from ir_app.services import audit
from ir_app.services.authz import Permission, scope_query
from ir_app.services.dossiers import documents
from ir_app.services.dossiers.protection import next_review_due
from ir_app.services.errors import ServiceError
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan
from ir_app.services.overview import transition_deadline
from ir_app.web.access import load_scoped
from ir_app.web.api import schemas as s
from ir_app.web.api.core import ApiBlueprint, CommuneArgs, DatedArgs, PageArgs, cursor_page, token_actor
from ir_app.web.context import db, now
from ir_app.web.local_time import local_zone

bp = ApiBlueprint("api_v1_records", __name__, description="Xã, đơn vị, hệ thống, hồ sơ cấp độ, biện pháp, thông báo")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def law() -> LawData:
    return current_app.extensions["ir_law"]


def catalogue() -> DocumentCatalogue:
    folder = current_app.config["IR_LEVEL_DOSSIERS_DIR"]
    return load_documents(folder / "documents.yaml", folder / "templates")


def scoped(query, commune_column, args: dict[str, Any]):
    """The user's communes only; `commune=CODE` narrows further (a commune out of reach gives nothing)."""
    query = scope_query(query, commune_column, current_user)
    if args.get("commune"):
        query = query.where(commune_column.in_(select(Organisation.id).where(Organisation.code == args["commune"])))
    return query


# Days outside these bounds select the same rows as the bounds themselves; kept inside them, the
# arithmetic never overflows (9999-12-31 + 1 day, or year 1 moved to UTC, would).
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(9000, 12, 31)


def day_range(query, column, args: dict[str, Any]):
    """`since`/`until` are local calendar days, both included."""
    zone = local_zone()
    if args.get("since"):
        query = query.where(column >= _day_start(_bounded(args["since"]), zone))
    if args.get("until"):
        query = query.where(column < _day_start(_bounded(args["until"]) + timedelta(days=1), zone))
    return query


def _bounded(day: date) -> date:
    return min(max(day, EARLIEST_DAY), LATEST_DAY)


def _day_start(day: date, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


# --------------------------------------------------------------------------- communes and units

@bp.get("/communes")
@bp.arguments(PageArgs, location="query")
@bp.response(200, s.CommunePage)
def communes(args):
    """Các xã mà tài khoản được xem."""
    query = select(Organisation).options(selectinload(Organisation.parent)).where(
        Organisation.kind == OrgKind.COMMUNE)
    return cursor_page("communes", scope_query(query, Organisation.id, current_user), Organisation.id, args)


@bp.get("/communes/<code>")
@bp.response(200, s.CommuneSchema)
def commune(code: str):
    """Một xã theo mã."""
    found = db().scalar(scope_query(select(Organisation).where(Organisation.kind == OrgKind.COMMUNE,
                                                               Organisation.code == code[:16]),
                                    Organisation.id, current_user))
    if found is None:
        abort(404)
    return found


@bp.get("/units")
@bp.arguments(CommuneArgs, location="query")
@bp.response(200, s.UnitPage)
def units(args):
    """Đơn vị trực thuộc xã."""
    query = select(Unit).options(selectinload(Unit.commune))
    return cursor_page("units", scoped(query, Unit.commune_id, args), Unit.id, args)


# --------------------------------------------------------------------------- systems

@bp.get("/systems")
@bp.arguments(DatedArgs, location="query")
@bp.response(200, s.SystemPage)
def systems(args):
    """Hệ thống thông tin; `state` lọc theo tình trạng (in_operation, under_investment, retired…),
    `since`/`until` theo ngày cập nhật."""
    query = select(InformationSystem).options(selectinload(InformationSystem.commune))
    if args.get("state"):
        query = query.where(InformationSystem.status == args["state"])
    query = day_range(scoped(query, InformationSystem.commune_id, args), InformationSystem.updated_at, args)
    return cursor_page("systems", query, InformationSystem.id, args)


@bp.get("/systems/<int:system_id>")
@bp.response(200, s.SystemDetailSchema)
def system(system_id: int):
    """Một hệ thống cùng các thành phần (thiết bị, ứng dụng, vùng mạng)."""
    return load_scoped(InformationSystem, system_id, Permission.VIEW)


# --------------------------------------------------------------------------- dossiers

@bp.get("/dossiers")
@bp.arguments(DatedArgs, location="query")
@bp.response(200, s.DossierPage)
def dossiers(args):
    """Hồ sơ đề xuất cấp độ; `state` lọc theo trạng thái, `since`/`until` theo ngày cập nhật."""
    query = select(Dossier).options(selectinload(Dossier.commune))
    if args.get("state"):
        query = query.where(Dossier.state == args["state"])
    query = day_range(scoped(query, Dossier.commune_id, args), Dossier.updated_at, args)
    return cursor_page("dossiers", query, Dossier.id, args)


@bp.get("/dossiers/<int:dossier_id>")
@bp.response(200, s.DossierDetailSchema)
def dossier(dossier_id: int):
    """Một hồ sơ: trạng thái, cấp độ, căn cứ, các hạn luật định."""
    found = load_scoped(Dossier, dossier_id, Permission.VIEW)
    found.deadlines = _deadlines(found)
    return found


def _deadlines(found: Dossier) -> list[dict[str, Any]]:
    deadlines = []
    if found.step_due_on:
        deadlines.append({"kind": "current_step", "due_on": found.step_due_on,
                          "description": f"Hạn xử lý bước hiện tại ({found.state})"})
    reviews = list(db().scalars(select(Review).where(Review.dossier_id == found.id)))
    review_due = next_review_due(found, reviews, law())
    if review_due:
        deadlines.append({"kind": "periodic_review", "due_on": review_due, "description": "Hạn kiểm tra, đánh giá định kỳ"})
    transition = transition_deadline(found.system, law().default_regime)
    if transition:
        deadlines.append({"kind": "transition", "due_on": transition[0], "description": str(transition[1])})
    return deadlines


@bp.get("/dossiers/<int:dossier_id>/documents")
@bp.response(200, s.DocumentListSchema)
def dossier_documents(dossier_id: int):
    """Văn bản của hồ sơ ở cấp độ hiện tại, văn bản nào tạo được, còn thiếu gì."""
    found = load_scoped(Dossier, dossier_id, Permission.VIEW)
    records = documents.load_dossier(db(), found.id, law())
    items = [{"key": status.spec.key, "title": status.spec.display_name, "form": status.spec.form,
              "ready": status.ready, "missing": list(status.missing), "number": status.issued.number or None,
              "download": f"/api/v1/dossiers/{found.id}/documents/{status.spec.key}"}
             for status in documents.dossier_documents(catalogue(), records, law(), now())]
    return {"items": items}


@bp.get("/dossiers/<int:dossier_id>/documents/<doc_key>")
@bp.response(200, description="Tệp DOCX", content_type=DOCX)
def dossier_document(dossier_id: int, doc_key: str):
    """Tải một văn bản (DOCX) của hồ sơ; 409 khi còn thiếu dữ liệu."""
    found = load_scoped(Dossier, dossier_id, Permission.DOWNLOAD)
    records = documents.load_dossier(db(), found.id, law())
    status = next((item for item in documents.dossier_documents(catalogue(), records, law(), now())
                   if item.spec.key == doc_key), None)
    if status is None:
        abort(404)
    if not status.ready:
        raise ServiceError("Chưa tạo được văn bản; còn thiếu: " + ", ".join(status.missing))
    data = documents.render_one(db(), catalogue(), status.spec,
                                documents.dossier_context(records, status.spec, law(), now()))
    audit.record(db(), token_actor(), "download", now=now(), object_type="dossier", object_id=found.id,
                 commune_id=found.commune_id, summary=f"Tải qua API: {status.spec.display_name}"[:500])
    db().commit()
    return Response(data, mimetype=DOCX,
                    headers={"Content-Disposition": f"attachment; filename={status.spec.filename}.docx"})


@bp.get("/dossiers/<int:dossier_id>/plan")
@bp.response(200, s.CoverageSchema)
def dossier_plan(dossier_id: int):
    """Độ phủ phương án bảo đảm an ninh mạng: mỗi yêu cầu của cấp độ, trạng thái và biện pháp đáp ứng."""
    found = load_scoped(Dossier, dossier_id, Permission.VIEW)
    view = plan.plan_view(db(), found, law().catalogue)
    if view is None:
        return {"dossier_id": found.id, "level": None, "total": 0, "done": 0, "gaps": 0, "deployment": "none",
                "rows": []}
    progress = view.progress
    rows = [{"requirement_id": row.requirement.id, "title": row.requirement.title,
             "plan_part": row.requirement.plan_part, "status": row.status,
             "measures": [measure.id for measure in row.measures]} for row in view.rows]
    return {"dossier_id": found.id, "level": view.level, "total": progress.total, "done": progress.done,
            "gaps": progress.gaps, "deployment": progress.deployment, "rows": rows}


# --------------------------------------------------------------------------- measures, notifications

@bp.get("/measures")
@bp.arguments(DatedArgs, location="query")
@bp.response(200, s.MeasurePage)
def measures(args):
    """Biện pháp bảo đảm an ninh mạng của xã; `state` lọc theo tình trạng (planned, in_place…)."""
    query = select(Measure).options(selectinload(Measure.commune), selectinload(Measure.requirement_links))
    return _commune_records("measures", query, Measure, Measure.status, args)


@bp.get("/risks")
@bp.arguments(DatedArgs, location="query")
@bp.response(200, s.RiskPage)
def risks(args):
    """Danh mục rủi ro của các hệ thống; `state` lọc theo cách xử lý (reduce, accept, transfer, avoid)."""
    query = select(Risk).options(selectinload(Risk.commune), selectinload(Risk.measure_links))
    return _commune_records("risks", query, Risk, Risk.treatment, args)


def _commune_records(name: str, query, model, state_column, args):
    """A commune's records: `state` on their state column, scoped, by day of last update, a cursor page."""
    if args.get("state"):
        query = query.where(state_column == args["state"])
    query = day_range(scoped(query, model.commune_id, args), model.updated_at, args)
    return cursor_page(name, query, model.id, args)


@bp.get("/notifications")
@bp.arguments(DatedArgs, location="query")
@bp.response(200, s.NotificationPage)
def notifications(args):
    """Thông báo gửi cho chính tài khoản; `state=unread` chỉ lấy thông báo chưa đọc."""
    query = select(Notification).where(Notification.user_id == current_user.id)
    if args.get("state") == "unread":
        query = query.where(Notification.read_at.is_(None))
    if args.get("commune"):
        query = query.where(Notification.commune_id.in_(select(Organisation.id)
                                                         .where(Organisation.code == args["commune"])))
    return cursor_page("notifications", day_range(query, Notification.created_at, args), Notification.id, args)
