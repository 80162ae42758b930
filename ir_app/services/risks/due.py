"""Reminders before and when an accepted risk's acceptance runs out (30 and 7 days before, and
on the day): the officer who follows the commune's security and the risk's owner. The expiry
date is part of the key, so renewing an acceptance starts a new series; each reminder is sent
once (services/due/reminders.py)."""
from __future__ import annotations

from sqlalchemy import select

from ir_app.domain.reminders import before
from ir_app.models import InformationSystem
from ir_app.models.risks import Risk
from ir_app.services.due.base import Deadline, DueContext

ACCEPTANCE_THRESHOLDS = (before(30), before(7), before(0))


def accepted_risks(ctx: DueContext) -> list[Deadline]:
    """One statement of the columns drawn (not the risks as objects with their systems)."""
    query = (select(Risk.id, Risk.title, Risk.accepted_until, Risk.commune_id, Risk.owner_id, Risk.accepted_by,
                    Risk.accepted_reason, InformationSystem.name)
             .join(InformationSystem, InformationSystem.id == Risk.system_id)
             .where(Risk.treatment == "accept", Risk.accepted_until.is_not(None)).order_by(Risk.id))
    if (scope := ctx.scoped(Risk.commune_id)) is not None:
        query = query.where(scope)
    if (remindable := ctx.remindable(Risk.accepted_until, ACCEPTANCE_THRESHOLDS)) is not None:
        query = query.where(remindable)
    return [Deadline(
        uid=f"risk:{risk_id}:acceptance:{until.isoformat()}", kind="risk_acceptance",
        title=f"Hết hạn chấp nhận rủi ro «{title}» ({system_name})", due=until,
        commune_id=commune_id, roles=("officer",), user_ids=(owner_id,) if owner_id else (),
        thresholds=ACCEPTANCE_THRESHOLDS, link=f"/risks/{risk_id}/edit",
        detail=(f"Chấp nhận bởi {accepted_by}: {reason} Hãy đánh giá lại: gia hạn chấp nhận "
                "(kèm lý do) hoặc chọn biện pháp giảm thiểu."))
        for risk_id, title, until, commune_id, owner_id, accepted_by, reason, system_name
        in ctx.session.execute(query)]
