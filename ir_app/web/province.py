"""The province view (overseer, Công an tỉnh): communes as rows with red/amber/green cells, charts with
a table fallback, drill-down to one commune, and the province summary as XLSX."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ir_app.datafiles.holidays import calendar_for
from ir_app.datafiles.training import training_rules_in
from ir_app.models import Organisation, OrgKind
from ir_app.services import audit
from ir_app.services.authz import Permission, has_permission, is_global, province_id_of
from ir_app.services.lawdata import LawData
from ir_app.services.province import charts, rag
from ir_app.services.province.drilldown import commune_detail
from ir_app.services.province.export import province_xlsx
from ir_app.services.incidents.documents import render_report
from ir_app.services.incidents.summary import PERIODS, period_of
from ir_app.services.province.figures import Inputs, commune_rows, province_communes, province_totals, sort_rows
from ir_app.services.province.incidents import province_summary_context, province_summary_xlsx, summarise_province
from ir_app.web.access import requires
from ir_app.web.context import actor, db, now
from ir_app.web.incidents.common import DOCX_MIME, attachment, local_zone, response_data
from ir_app.web.inventory import XLSX_MIME
from ir_app.web.page_cache import cached_html

bp = Blueprint("province", __name__, url_prefix="/province")


def law() -> LawData:
    return current_app.extensions["ir_law"]


def overseen_province(permission: Permission = Permission.VIEW_PROVINCE) -> Organisation:
    """The overseer's own province; an admin may name one (?province=CODE). Anyone else: 403."""
    if not has_permission(current_user, permission):
        abort(403)
    if is_global(current_user):
        code = request.args.get("province", "")[:16]
        query = select(Organisation).where(Organisation.kind == OrgKind.PROVINCE)
        query = query.where(Organisation.code == code) if code else query.order_by(Organisation.name)
        province = db().scalars(query.limit(1)).first()
        if province is None and not code:
            province = db().get(Organisation, province_id_of(current_user))
    else:
        province = db().get(Organisation, province_id_of(current_user))
    if province is None or province.kind != OrgKind.PROVINCE:
        abort(404)
    return province


def inputs() -> Inputs:
    moment, zone = now(), local_zone()
    year = moment.astimezone(zone).year
    return Inputs(now=moment, zone=zone, catalogue=law().catalogue, transition=law().default_regime.transition,
                  response=response_data(), calendar=calendar_for(range(year - 1, year + 2), law().folder),
                  training=training_rules_in(law().folder))


def _sort_args() -> tuple[str | None, bool]:
    column = request.args.get("sort", "")[:32]
    column = column if column in (*rag.COLUMN_KEYS, "name") else None
    # Figures read worst first; names read A to Z (the phone's sort form sends no direction).
    return column, request.args.get("dir", "asc" if column == "name" else "desc") != "asc"


@bp.get("/")
@requires(Permission.VIEW_PROVINCE)
def index():
    province = overseen_province()
    column, descending = _sort_args()
    body = cached_html("province-view", lambda: _province_body(province, column, descending),
                       province.id, column, descending, request.args.get("province"))
    return render_template("province/index.html", body=body)


def _province_body(province: Organisation, column: str | None, descending: bool) -> str:
    given = inputs()
    rows = commune_rows(db(), province.id, given)
    ids = [row.commune.id for row in rows]
    figures = [
        charts.incidents_by_month(db(), ids, given.today, given.zone, given.response, gettext),
        charts.dossiers_by_state(db(), ids, law().workflow, gettext),
        charts.plan_coverage(rows, gettext),
    ]
    return render_template("province/_body.html", province=province, rows=sort_rows(rows, column, descending),
                           totals=province_totals(rows), columns=rag.COLUMNS, sort=column, descending=descending,
                           charts=figures, today=given.today, transition=given.transition,
                           level_words={level: gettext(word) for level, word in rag.LEVEL_LABELS.items()})


@bp.get("/summary.xlsx")
@requires(Permission.VIEW_PROVINCE)
def summary_spreadsheet():
    province = overseen_province(Permission.DOWNLOAD)
    given = inputs()
    rows = commune_rows(db(), province.id, given)
    column, descending = _sort_args()
    rows = sort_rows(rows, column, descending)
    content = province_xlsx(province, rows, province_totals(rows), given.now, given.zone)
    audit.record(db(), actor(), "export", now=given.now, object_type="organisation", object_id=province.id,
                 summary=f"Xuất tổng hợp tình hình các xã của {province.full_name} (XLSX)")
    db().commit()
    return attachment(content, XLSX_MIME, f"tong-hop-tinh-{province.slug}-{given.today:%Y%m%d}.xlsx")


@bp.get("/communes/<int:org_id>")
@requires(Permission.VIEW_PROVINCE)
def commune(org_id: int):
    """Drill-down: the records behind each figure of the commune's row."""
    commune = db().get(Organisation, org_id)
    if commune is None or commune.kind != OrgKind.COMMUNE:
        abort(404)
    province = commune.parent if is_global(current_user) else overseen_province()
    if commune.parent_id != province.id:
        abort(404)  # another province's commune: its existence does not leak
    given = inputs()
    detail = commune_detail(db(), commune, given, law().default_regime)
    return render_template("province/commune.html", province=province, commune=commune, detail=detail,
                           today=given.today, workflow=law().workflow, data=given.response)


# --------------------------------------------------------------------------- incident summary

def _period():
    kind = request.args.get("period", "month")
    kind = kind if kind in PERIODS else "month"
    try:
        day = date.fromisoformat(request.args.get("on", "")[:10])
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:
        day = now().astimezone(local_zone()).date()
    return period_of(kind, day, local_zone())


def _incident_summary(province: Organisation):
    period = _period()
    return summarise_province(db(), province, province_communes(db(), province.id), period, now(),
                              response_data()), period


@bp.get("/incidents")
@requires(Permission.VIEW_PROVINCE)
def incident_summary():
    province = overseen_province()
    result, period = _incident_summary(province)
    return render_template("province/incidents.html", province=province, result=result, summary=result.summary,
                           period=period, data=response_data())


@bp.get("/incidents.xlsx")
@requires(Permission.VIEW_PROVINCE)
def incident_summary_spreadsheet():
    province = overseen_province(Permission.DOWNLOAD)
    result, period = _incident_summary(province)
    _audit_export(province, f"Xuất tổng hợp sự cố toàn tỉnh {period.label} (XLSX)")
    return attachment(province_summary_xlsx(result, response_data(), local_zone()), XLSX_MIME,
                      f"tong-hop-su-co-{province.slug}-{period.first_day:%Y%m%d}.xlsx")


@bp.get("/incidents.docx")
@requires(Permission.VIEW_PROVINCE)
def incident_summary_document():
    province = overseen_province(Permission.DOWNLOAD)
    result, period = _incident_summary(province)
    data = response_data()
    content = render_report("summary", province_summary_context(result, data, now(), local_zone()),
                            data.folder / "reports")
    _audit_export(province, f"Xuất tổng hợp sự cố toàn tỉnh {period.label} (DOCX)")
    return attachment(content, DOCX_MIME, f"tong-hop-su-co-{province.slug}-{period.first_day:%Y%m%d}.docx")


def _audit_export(province: Organisation, text: str) -> None:
    audit.record(db(), actor(), "export", now=now(), object_type="organisation", object_id=province.id,
                 summary=text)
    db().commit()
