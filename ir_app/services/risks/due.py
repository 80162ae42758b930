"""Reminders before and when an accepted risk's acceptance runs out (30 and 7 days before, and
on the day): the officer who follows the commune's security and the risk's owner. The expiry
date is part of the key, so renewing an acceptance starts a new series; each reminder is sent
once (services/due/reminders.py)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ir_app.domain.reminders import before
from ir_app.models.risks import Risk
from ir_app.services.due.base import Deadline, DueContext

ACCEPTANCE_THRESHOLDS = (before(30), before(7), before(0))


def accepted_risks(ctx: DueContext) -> list[Deadline]:
    query = (select(Risk).where(Risk.treatment == "accept", Risk.accepted_until.is_not(None))
             .options(joinedload(Risk.system)).order_by(Risk.id))
    if (scope := ctx.scoped(Risk.commune_id)) is not None:
        query = query.where(scope)
    if (remindable := ctx.remindable(Risk.accepted_until, ACCEPTANCE_THRESHOLDS)) is not None:
        query = query.where(remindable)
    return [Deadline(
        uid=f"risk:{risk.id}:acceptance:{risk.accepted_until.isoformat()}", kind="risk_acceptance",
        title=f"Hết hạn chấp nhận rủi ro «{risk.title}» ({risk.system.name})", due=risk.accepted_until,
        commune_id=risk.commune_id, roles=("officer",), user_ids=(risk.owner_id,) if risk.owner_id else (),
        thresholds=ACCEPTANCE_THRESHOLDS, link=f"/risks/{risk.id}/edit",
        detail=(f"Chấp nhận bởi {risk.accepted_by}: {risk.accepted_reason} Hãy đánh giá lại: gia hạn chấp nhận "
                "(kèm lý do) hoặc chọn biện pháp giảm thiểu."))
        for risk in ctx.session.scalars(query)]
