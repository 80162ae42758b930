"""The due provider: each commune's open copy of an advisory is due by its deadline (reminders a few
days before and once overdue, "Việc của tôi", the calendar)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import load_only

from ir_app.domain.reminders import OVERDUE, before
from ir_app.models.advisories import Advisory, AdvisoryRecipient
from ir_app.services.advisories.issue import ANSWERING_ROLES
from ir_app.services.due.base import Deadline, DueContext

ADVISORY_THRESHOLDS = (before(3), OVERDUE)


def open_advisories(ctx: DueContext) -> list[Deadline]:
    """One statement: every copy not yet completed, in the context's communes — two columns of the
    copy, and of its advisory only what the reminder shows (each advisory loaded once, not per copy)."""
    query = (select(AdvisoryRecipient.commune_id, Advisory)
             .join(Advisory, Advisory.id == AdvisoryRecipient.advisory_id)
             .options(load_only(Advisory.id, Advisory.kind, Advisory.number, Advisory.title, Advisory.deadline))
             .where(AdvisoryRecipient.completed_at.is_(None)).order_by(AdvisoryRecipient.id))
    scope = ctx.scoped(AdvisoryRecipient.commune_id)
    if scope is not None:
        query = query.where(scope)
    if (remindable := ctx.remindable(Advisory.deadline, ADVISORY_THRESHOLDS)) is not None:
        query = query.where(remindable)
    return [Deadline(
        uid=f"advisory:{advisory.id}:commune:{commune_id}", kind="advisory_due",
        title=(f"Gửi báo cáo đột xuất «{advisory.title}»" if advisory.is_report_request
               else f"Thực hiện khuyến nghị «{advisory.title}»"), due=advisory.deadline,
        commune_id=commune_id, roles=ANSWERING_ROLES, thresholds=ADVISORY_THRESHOLDS, detail=advisory.code,
        link=f"/advisories/{advisory.id}") for commune_id, advisory in ctx.session.execute(query)]
