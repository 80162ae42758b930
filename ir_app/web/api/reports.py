"""Mẫu 08 (NĐ 331 Đ35–36) as structured data: one commune's table and totals (JSON or XLSX, the same
rows the DOCX prints), and the province roll-up of every commune the token's user may read."""
from __future__ import annotations

from typing import Any

from flask import Response
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ir_app.models import Organisation
from ir_app.services import audit
from ir_app.services.authz import Permission, visible_communes
from ir_app.services.dossiers import annual_report as annual
from ir_app.web.access import require_commune
from ir_app.web.api import schemas as s
from ir_app.web.api.core import ApiBlueprint, token_actor
from ir_app.web.api.resources import catalogue, law
from ir_app.web.context import db, now
from ir_app.web.filters import to_local

bp = ApiBlueprint("api_v1_reports", __name__, description="Báo cáo năm (Mẫu 08) và tổng hợp của tỉnh")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOTAL_KEYS = ("systems", "classified", "dossiers", "appraised", "approved", "reviewed")


class YearArgs(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(2020, 2100))


class AnnualArgs(YearArgs):
    commune = fields.String(load_default=None, validate=validate.Length(max=16),
                            metadata={"description": "Mã xã; mặc định là xã của tài khoản"})


def _year(args: dict[str, Any]) -> int:
    return args.get("year") or to_local(now()).year


def _commune(args: dict[str, Any]) -> Organisation:
    commune = current_user.organisation
    if args.get("commune"):
        commune = db().scalar(select(Organisation).where(Organisation.code == args["commune"]))
    return require_commune(commune, Permission.DOWNLOAD)


def _report(commune: Organisation, year: int) -> dict[str, Any]:
    spec = catalogue().get(law().default_regime.id, "annual_report_mau08")
    context = annual.annual_report_context(db(), commune, spec, year, now(), law())
    report = context["annual_report"]
    return {"commune": commune.code, "commune_name": commune.name, "year": year,
            "period_start": report["period_start"], "period_end": report["period_end"],
            "rows": report["rows"], "totals": report["totals"], "_context": context}


@bp.get("/reports/annual")
@bp.arguments(AnnualArgs, location="query")
@bp.response(200, s.AnnualReportSchema)
def annual_report(args):
    """Báo cáo năm Mẫu 08 của một xã: 12 cột của bảng và số liệu tổng hợp phần 1."""
    return _report(_commune(args), _year(args))


@bp.get("/reports/annual.xlsx")
@bp.arguments(AnnualArgs, location="query")
@bp.response(200, description="Bảng Mẫu 08 (XLSX)", content_type=XLSX)
def annual_report_xlsx(args):
    """Bảng Mẫu 08 của một xã dạng XLSX."""
    commune, year = _commune(args), _year(args)
    data = annual.annual_report_workbook(_report(commune, year)["_context"])
    audit.record(db(), token_actor(), "download", now=now(), object_type="commune", object_id=commune.id,
                 commune_id=commune.id, summary=f"Tải qua API bảng báo cáo năm {year} (XLSX)")
    db().commit()
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=bao-cao-nam-{year}-{commune.slug}.xlsx"})


@bp.get("/reports/province")
@bp.arguments(YearArgs, location="query")
@bp.response(200, s.RollupSchema)
def province_rollup(args):
    """Tổng hợp Mẫu 08 của mọi xã tài khoản được xem (tỉnh: các xã trong tỉnh)."""
    year = _year(args)
    reports = [_report(commune, year) for commune in visible_communes(db(), current_user)]
    totals = {key: sum(report["totals"][key] for report in reports) for key in TOTAL_KEYS}
    return {"year": year, "communes": reports, "totals": totals}
