"""The province table's figures and colours (service level, real database)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from ir_app.datafiles.holidays import calendar_for
from ir_app.models import MorningCheck, Role
from ir_app.services.province import rag
from ir_app.services.province.charts import dossiers_by_state, incidents_by_month, month_starts, plan_coverage
from ir_app.services.province.figures import Inputs, commune_rows, name_key, province_totals, sort_rows, week_days_due
from ir_app.services.province.svg import Series, stacked_bars
from tests.incident_support import data, quick_report
from tests.ops_support import make_plan, make_system

ICT = timezone(timedelta(hours=7))


def _inputs(app, clock) -> Inputs:
    law = app.extensions["ir_law"]
    return Inputs(now=clock.now(), zone=ICT, catalogue=law.catalogue, transition=law.default_regime.transition,
                  response=data(), calendar=calendar_for(range(2025, 2028), law.folder))


def test_each_figure_and_its_colour(app, session, clock, province, commune, other_commune, foreign_commune,
                                    make_user):
    officer = make_user(Role.OFFICER, organisation=commune)
    quick_report(session, officer, commune, clock.now() - timedelta(days=4))        # 72-hour report overdue
    quick_report(session, officer, commune, clock.now() - timedelta(hours=2))       # open, nothing overdue yet
    system = make_system(session, commune)                                          # no approved level
    make_plan(session, system, starts_at=datetime(2026, 11, 1, tzinfo=timezone.utc))  # never ran: overdue
    make_system(session, other_commune, approved_level=2)
    # Thursday 26/11/2026: Monday and Wednesday were working days (24/11, Ngày Văn hóa, is a day off);
    # Hải An checked on both, Vĩnh Lại on neither.
    for day in (23, 25):
        session.add(MorningCheck(commune_id=other_commune.id, checked_on=date(2026, 11, day), checked_at=clock.now()))
    session.commit()
    rows = {row.commune.code: row for row in commune_rows(session, province.id, _inputs(app, clock))}
    assert set(rows) == {"11017", "11311"}  # not the other province's commune
    vinh_lai, hai_an = rows["11017"], rows["11311"]
    assert (vinh_lai.counts["open_incidents"], vinh_lai.counts["clocks_72h"], vinh_lai.counts["clocks_24h"]) == (2, 1, 0)
    assert vinh_lai.cells["clocks_72h"].level == rag.RED and vinh_lai.cells["open_incidents"].level == rag.AMBER
    assert vinh_lai.cells["unapproved"] == rag.Cell(1, rag.AMBER)
    assert vinh_lai.counts["backups_overdue"] == 1 and vinh_lai.cells["backups_overdue"].level == rag.AMBER
    assert vinh_lai.cells["checks_missed"] == rag.Cell(2, rag.AMBER)
    assert hai_an.cells["checks_missed"] == rag.Cell(0, rag.GREEN)
    assert hai_an.cells["unapproved"].level == rag.GREEN and hai_an.cells["clocks_72h"].level == rag.GREEN
    assert vinh_lai.cells["policy_missing"].text == "Chưa có" and vinh_lai.cells["policy_missing"].level == rag.RED
    assert [row.commune.code for row in sort_rows(list(rows.values()), None)] == ["11017", "11311"]
    totals = province_totals(list(rows.values()))
    assert totals.communes == 2 and totals.counts["open_incidents"] == 2 and totals.counts["checks_missed"] == 2
    assert totals.levels["checks_missed"][rag.GREEN] == 1 and totals.levels["checks_missed"][rag.AMBER] == 1


def test_charts_count_the_province_and_draw_escaped_svg(app, session, clock, province, commune, other_commune,
                                                        make_user):
    officer = make_user(Role.OFFICER, organisation=commune)
    quick_report(session, officer, commune, clock.now() - timedelta(days=40))
    quick_report(session, officer, commune, clock.now())
    law = app.extensions["ir_law"]
    chart = incidents_by_month(session, [commune.id, other_commune.id], clock.now().date(), ICT, data())
    assert chart.rows[0] == "12/2025" and chart.rows[-1] == "11/2026" and len(chart.rows) == 12
    assert [total for _label, _values, total in chart.table][-2:] == [1, 1]
    assert "<svg" in chart.svg and 'role="img"' in chart.svg
    assert dossiers_by_state(session, [commune.id], law.workflow).rows == []
    rows = commune_rows(session, province.id, _inputs(app, clock))
    assert plan_coverage(rows).series[0].values == (0, 0)
    svg = stacked_bars("<b>", ["<script>"], [Series("a&b", (1,))])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg


@pytest.mark.parametrize(("count", "deadlines", "level"), [
    (0, [], rag.GREEN),
    (2, [date(2027, 7, 1)], rag.AMBER),               # more than six months away
    (1, [date(2027, 1, 1), date(2027, 7, 1)], rag.RED),  # the nearer one within six months
    (1, [date(2026, 1, 1)], rag.RED),                 # passed
])
def test_transition_deadlines_turn_red_six_months_ahead(count, deadlines, level):
    assert rag.transition_level(count, deadlines, date(2026, 11, 26)) == level


def test_plan_gaps_and_thresholds():
    assert rag.plan_level(0, 40) == rag.GREEN
    assert rag.plan_level(10, 40) == rag.AMBER
    assert rag.plan_level(21, 40) == rag.RED
    rule = rag.by_threshold(1, 3)
    assert [rule(value) for value in (0, 1, 2, 3, 9)] == [rag.GREEN, rag.AMBER, rag.AMBER, rag.RED, rag.RED]
    assert all(rag.Cell(1, level).label and rag.Cell(1, level).symbol for level in (rag.RED, rag.AMBER, rag.GREEN))


def test_week_and_names():
    calendar = calendar_for(range(2025, 2028))
    assert week_days_due(date(2026, 11, 23), calendar) == []          # Monday: nothing due yet
    assert week_days_due(date(2026, 11, 26), calendar) == [date(2026, 11, 23), date(2026, 11, 25)]
    assert month_starts(date(2026, 11, 26))[0] == date(2025, 12, 1)
    assert sorted(["Vĩnh Lại", "Đông Hải", "Ân Thi", "Bình An"], key=name_key) == [
        "Ân Thi", "Bình An", "Đông Hải", "Vĩnh Lại"]
