"""The due provider: each commune's open copy of an advisory is due by its deadline (reminders a few
days before and once overdue, "Việc của tôi", the calendar)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ir_app.domain.reminders import OVERDUE, before
from ir_app.models.advisories import Advisory, AdvisoryRecipient
from ir_app.services.advisories.issue import ANSWERING_ROLES
from ir_app.services.due.base import Deadline, DueContext

ADVISORY_THRESHOLDS = (before(3), OVERDUE)


def open_advisories(ctx: DueContext) -> list[Deadline]:
    """One statement: every copy not yet completed, in the context's communes."""
    query = (select(AdvisoryRecipient).join(Advisory).where(AdvisoryRecipient.completed_at.is_(None))
             .options(contains_eager(AdvisoryRecipient.advisory)).order_by(AdvisoryRecipient.id))
    scope = ctx.scoped(AdvisoryRecipient.commune_id)
    if scope is not None:
        query = query.where(scope)
    if (remindable := ctx.remindable(Advisory.deadline, ADVISORY_THRESHOLDS)) is not None:
        query = query.where(remindable)
    return [Deadline(
        uid=f"advisory:{copy.advisory_id}:commune:{copy.commune_id}", kind="advisory_due",
        title=(f"Gửi báo cáo đột xuất «{copy.advisory.title}»" if copy.advisory.is_report_request
               else f"Thực hiện khuyến nghị «{copy.advisory.title}»"), due=copy.advisory.deadline,
        commune_id=copy.commune_id, roles=ANSWERING_ROLES, thresholds=ADVISORY_THRESHOLDS,
        detail=copy.advisory.code,
        link=f"/advisories/{copy.advisory_id}") for copy in ctx.session.scalars(query)]
