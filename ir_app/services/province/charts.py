"""The province charts' data (one grouped statement each) and their SVG, with the same numbers as a table."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Callable

from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ir_app.domain.dates import add_months
from ir_app.domain.state_machine import StateMachine
from ir_app.i18n_markers import N_
from ir_app.models import Dossier, Incident
from ir_app.services.incidents.data import ResponseData
from ir_app.services.province.figures import CommuneRow
from ir_app.services.province.svg import Series, stacked_bars

MONTHS = 12
Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    rows: list[str]              # the bars (and the table's rows)
    series: list[Series]         # the segments (and the table's columns)
    unit: str = ""
    maximum: float | None = None

    @property
    def svg(self) -> Markup:
        return stacked_bars(self.title, self.rows, self.series, self.unit, self.maximum)

    @property
    def table(self) -> list[tuple[str, list[float], float]]:
        """Each row: its label, one value per series, and the row's total."""
        return [(row, [item.values[index] for item in self.series],
                 sum(item.values[index] for item in self.series)) for index, row in enumerate(self.rows)]


def month_starts(today: date) -> list[date]:
    """The first days of the last twelve months, oldest first, this month last."""
    first = today.replace(day=1)
    return [add_months(first, offset) for offset in range(-(MONTHS - 1), 1)]


def month_bucket(column, boundaries: list[datetime]):
    """The index of the month a moment falls in: 0 before ``boundaries[0]``, i before ``boundaries[i]``,
    ``len(boundaries)`` after the last. The boundaries are local midnights as instants, so the
    database groups by local month without knowing the time zone (SQLite and PostgreSQL alike)."""
    return case(*((column < boundary, index) for index, boundary in enumerate(boundaries)),
                else_=len(boundaries))


def incidents_by_month(session: Session, commune_ids, today: date, zone: tzinfo, data: ResponseData,
                       translate: Translate = _same) -> Chart:
    months = month_starts(today)
    starts = [datetime.combine(month, time(0), zone) for month in months]
    next_month = datetime.combine(add_months(months[-1], 1), time(0), zone)
    # Bucket 0 is the first month; bucket MONTHS holds later (future-dated) incidents: not drawn,
    # but their categories still get a series, as when the rows were grouped in Python.
    # Grouped outside a sub-select: PostgreSQL would not match the CASE's bound values twice.
    rows = (select(Incident.category, month_bucket(Incident.detected_at, [*starts[1:], next_month]).label("month"))
            .where(Incident.commune_id.in_(commune_ids), Incident.detected_at >= starts[0],
                   Incident.state != "not_incident", Incident.is_drill.is_(False))
            .subquery())
    counts: Counter = Counter()
    categories = set()
    for category, index, count in session.execute(
            select(rows.c.category, rows.c.month, func.count()).group_by(rows.c.category, rows.c.month)):
        categories.add(category)
        counts[(index, category)] += count
    ordered = sorted(categories, key=lambda item: (item is None, item or ""))
    series = [Series(translate(data.category_title(category)),
                     tuple(counts[(index, category)] for index in range(MONTHS))) for category in ordered]
    return Chart("incidents", translate(N_("Sự cố theo tháng và loại (12 tháng)")),
                 [f"{month:%m/%Y}" for month in months], series)


def dossiers_by_state(session: Session, commune_ids, workflow: StateMachine, translate: Translate = _same) -> Chart:
    level = func.coalesce(Dossier.proposed_level, Dossier.determined_level)
    counts: Counter = Counter()
    for state, dossier_level, count in session.execute(
            select(Dossier.state, level, func.count()).where(Dossier.commune_id.in_(commune_ids),
                                                             Dossier.state != "superseded")
            .group_by(Dossier.state, level)):
        counts[(state, dossier_level)] += count
    states = [state.id for state in workflow.states if any(key[0] == state.id for key in counts)]
    levels = sorted({key[1] for key in counts}, key=lambda item: (item is None, item or 0))
    series = [Series(translate(N_("Cấp %(level)s")) % {"level": lvl} if lvl else translate(N_("Chưa xác định cấp")),
                     tuple(counts[(state, lvl)] for state in states)) for lvl in levels]
    return Chart("dossiers", translate(N_("Hồ sơ cấp độ theo trạng thái và cấp độ")),
                 [translate(workflow.state(state).title) for state in states], series)


def plan_coverage(rows: list[CommuneRow], translate: Translate = _same) -> Chart:
    """Percent of the protection-plan requirements met, per commune (communes without a plan show 0)."""
    ordered = sorted(rows, key=lambda row: (row.plan_percent is None, -(row.plan_percent or 0), row.commune.name))
    return Chart("plans", translate(N_("Mức đáp ứng phương án bảo vệ theo xã (%)")),
                 [row.commune.full_name for row in ordered],
                 [Series(translate(N_("Đã đáp ứng")), tuple(row.plan_percent or 0 for row in ordered))],
                 unit="%", maximum=100)
