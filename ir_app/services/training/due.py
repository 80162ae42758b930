"""Reminders for training: a person whose requirement expires within the warning window (30 days)
or is missing is reminded, with the commune's officer, once per requirement period — the period is
part of the key (domain.training.Standing.period_start), so a new training starts a new series."""
from __future__ import annotations

from sqlalchemy import select

from ir_app.domain.reminders import before
from ir_app.domain.training import EXPIRING, Standing, TrainingRules
from ir_app.models import Organisation, OrgKind
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.training.coverage import configured_rules, coverage_by_commune


def training_gaps(ctx: DueContext) -> list[Deadline]:
    """Four statements for every commune in scope, whatever the number of people."""
    rules = configured_rules()
    ids = (list(ctx.commune_ids) if ctx.commune_ids is not None
           else select(Organisation.id).where(Organisation.kind == OrgKind.COMMUNE))
    deadlines = []
    for commune_id, found in sorted(coverage_by_commune(ctx.session, ids, rules, ctx.today).items()):
        for row in found.rows:
            for item in row.standings:
                if item.is_valid and item.state != EXPIRING:
                    continue
                deadlines.append(_deadline(commune_id, row.person.name, row.person.key, row.person.user_id, item,
                                           rules, ctx))
    return deadlines


def _deadline(commune_id: int, name: str, key: str, user_id: int | None, item: Standing, rules: TrainingRules,
              ctx: DueContext) -> Deadline:
    topic = rules.topics[item.requirement.topic]
    if item.state == EXPIRING:
        title = f"Tập huấn «{topic}» của {name} hết hạn ngày {item.valid_until:%d/%m/%Y}"
        due = item.valid_until
    else:
        title = f"{name} chưa tập huấn «{topic}» (còn thiếu)"
        due = max(item.period_start, ctx.today)
    basis = "; ".join(entry.citation for entry in item.requirement.basis)
    return Deadline(
        uid=f"training:{commune_id}:{item.requirement.id}:{key}:{item.period_start.isoformat()}",
        kind="training_due", title=title, due=due, commune_id=commune_id, roles=("officer",),
        user_ids=(user_id,) if user_id else (), thresholds=(before(rules.warn_days),), show_threshold=False,
        detail=f"{item.requirement.title} (căn cứ: {basis}). Hãy ghi nhận khóa tập huấn khi người này đã học.",
        link="/training/coverage", in_calendar=item.state == EXPIRING)
