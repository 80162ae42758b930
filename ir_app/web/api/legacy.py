"""The first machine endpoint, kept at its old address for scripts already deployed. Backup scripts
record their runs with a per-plan secret token:

    curl -X POST -H "Authorization: Bearer $TOKEN" -d result=ok -d size=1.5GB \\
         https://attt.example.vn/api/backups/plans/12/runs

New scripts use /api/v1/backups/plans/<id>/runs (JSON; a plan secret or a personal API token).
The route is @public (no session, no CSRF: a script has neither) and checks the token itself;
a wrong, revoked or missing token gets 401 whatever the plan id, so ids do not leak.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from ir_app.services.audit import Actor
from ir_app.services.backups import tokens as backup_tokens
from ir_app.services.errors import ValidationFailed
from ir_app.web.access import public
from ir_app.web.api.backups import plan_secret, record_from
from ir_app.web.app import csrf
from ir_app.web.context import client_ip, db

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/backups/plans/<int:plan_id>/runs")
@public
@csrf.exempt
def record_backup_run(plan_id: int):
    plan = backup_tokens.plan_for_token(db(), plan_id, plan_secret())
    if plan is None:
        return jsonify(error="Mã xác thực không hợp lệ hoặc đã bị thu hồi."), 401
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data if isinstance(data, dict) or hasattr(data, "get") else {}
    try:
        run = record_from(data, plan, Actor(None, f"tập lệnh sao lưu (phương án #{plan.id})", client_ip()))
    except ValidationFailed as failure:
        db().rollback()
        return jsonify(error="; ".join(failure.errors.values()), fields=failure.errors), 422
    db().commit()
    return jsonify(id=run.id, plan_id=plan.id, result=run.result, ran_at=run.ran_at.isoformat()), 201
