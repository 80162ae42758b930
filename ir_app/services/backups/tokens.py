"""Secrets for backup scripts: one per plan, shown once, kept only as a hash."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from ir_app.models.backups import BackupPlan
from ir_app.services import audit
from ir_app.services.audit import Actor


TOKEN_PREFIX = "irb_"  # noqa: S105 - the public prefix that marks our tokens, not a secret


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_api_token(session: Session, actor: Actor, plan: BackupPlan, now: datetime) -> str:
    """A new secret for the plan's backup script; shown once, kept only as a hash. Replaces any old one."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    plan.api_token_hash, plan.api_token_created_at = token_hash(token), now
    session.flush()
    audit.record(session, actor, "issue_token", now=now, object_type="backup_plan", object_id=plan.id,
                 commune_id=plan.commune_id, summary=f"{plan.name}: cấp mã cho tập lệnh sao lưu")
    return token


def revoke_api_token(session: Session, actor: Actor, plan: BackupPlan, now: datetime) -> None:
    plan.api_token_hash, plan.api_token_created_at = None, None
    session.flush()
    audit.record(session, actor, "revoke_token", now=now, object_type="backup_plan", object_id=plan.id,
                 commune_id=plan.commune_id, summary=f"{plan.name}: thu hồi mã tập lệnh sao lưu")


def plan_for_token(session: Session, plan_id: int, token: str) -> BackupPlan | None:
    """The plan when `token` is its current secret (compared in constant time); None otherwise."""
    if not 0 < plan_id < 2**63 or not token:  # an id past 64 bits would crash the database driver
        return None
    plan = session.get(BackupPlan, plan_id)
    if plan is None or not plan.api_token_hash:
        return None
    return plan if hmac.compare_digest(plan.api_token_hash, token_hash(token)) else None
