"""Backup runs: the list, and recording a run from a backup script.

A script records its run either with a personal API token carrying `backups:write` (its user must
manage backups in the plan's commune) or with the plan's own secret (`ir-app backups token`), as
before. The old address /api/backups/plans/<id>/runs keeps working (ir_app/web/api/legacy.py).
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ir_app.domain.backups import parse_size
from ir_app.models import BackupPlan, BackupRun
from ir_app.services.api_tokens import BACKUPS_WRITE
from ir_app.services.audit import Actor
from ir_app.services.authz import Permission, can_reach_commune
from ir_app.services.backups import plans as backups
from ir_app.services.backups import tokens as plan_tokens
from ir_app.services.errors import ValidationFailed
from ir_app.web.api import schemas as s
from ir_app.web.api.core import ApiBlueprint, DatedArgs, bearer_secret, cursor_page, needs, token_actor
from ir_app.web.api.resources import day_range, scoped
from ir_app.web.context import client_ip, db, now
from ir_app.web.local_time import local_zone

bp = ApiBlueprint("api_v1_backups", __name__, description="Sao lưu")


def accepts_plan_token(view):
    """The view also takes a backup plan's own secret (checked by the view itself)."""
    view.api_plan_token = True
    return view


def plan_secret() -> str:
    from flask import request

    return bearer_secret() or request.headers.get("X-Backup-Token", "").strip()


def record_from(data: Mapping[str, Any], plan: BackupPlan, actor: Actor) -> BackupRun:
    """One run from a script's fields (result, size, at, notes); ValidationFailed on bad input."""
    try:
        size = str(data.get("size") or "").strip()
        size_bytes = parse_size(size) if size else None
        at = str(data.get("at") or "").strip()
        ran_at = backups.parse_local_datetime(at, local_zone()) if at else now()
    except (ValueError, OverflowError) as error:
        raise ValidationFailed({"size_or_at": str(error)}) from None
    return backups.record_run(db(), actor, plan, result=str(data.get("result") or "")[:20], ran_at=ran_at,
                              now=now(), size_bytes=size_bytes, notes=str(data.get("notes") or ""), source="api")


@bp.get("/backup-runs")
@bp.arguments(DatedArgs, location="query")
@bp.response(200, s.BackupRunPage)
def backup_runs(args):
    """Các lần sao lưu đã ghi; `state` lọc theo kết quả (ok, failed, partial), `since`/`until` theo ngày chạy."""
    query = (select(BackupRun).join(BackupPlan, BackupRun.plan_id == BackupPlan.id)
             .options(selectinload(BackupRun.plan).selectinload(BackupPlan.commune)))
    if args.get("state"):
        query = query.where(BackupRun.result == args["state"])
    query = day_range(scoped(query, BackupPlan.commune_id, args), BackupRun.ran_at, args)
    return cursor_page("backup-runs", query, BackupRun.id, args)


@bp.post("/backups/plans/<int:plan_id>/runs")
@needs(BACKUPS_WRITE)
@accepts_plan_token
@bp.arguments(s.BackupRunCreateSchema)
@bp.response(201, s.BackupRunSchema)
def record_backup_run(body: dict[str, Any], plan_id: int):
    """Ghi một lần sao lưu (mã API có quyền backups:write, hoặc mã riêng của phương án sao lưu)."""
    if "api_token" in g:
        plan = db().get(BackupPlan, plan_id)
        if plan is None or not can_reach_commune(current_user, plan.commune, Permission.MANAGE_BACKUPS):
            abort(404)
        actor = token_actor()
    else:
        plan = plan_tokens.plan_for_token(db(), plan_id, plan_secret())
        if plan is None:
            abort(401)
        actor = Actor(None, f"tập lệnh sao lưu (phương án #{plan.id})", client_ip())
    run = record_from(body, plan, actor)
    db().commit()
    return run
