"""The providers that narrow in SQL to what a reminder threshold can reach (`reached_only`, the sweep
and "Việc của tôi") keep exactly the deadlines a threshold reaches: the same as the whole list,
filtered afterwards, on every day of a range that crosses month ends, weekends, the year's end and
Tết 2027. Their statements stay constant whatever the number of rows."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from itertools import cycle
from zoneinfo import ZoneInfo

import pytest

from ir_app.models import Dossier, Review, Role
from ir_app.models.drills import Drill
from ir_app.services.drill_due import drill_plans
from ir_app.services.due import providers
from ir_app.services.due.base import DueContext
from ir_app.services.due.reminders import latest_reached
from tests.incident_support import count_statements
from tests.ops_support import make_plan, make_system

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CREATED = datetime(2024, 1, 1, tzinfo=timezone.utc)
NARROWED = {"dossier_steps": providers.dossier_steps, "periodic_reviews": providers.periodic_reviews,
            "annual_report": providers.annual_report, "drill_plans": drill_plans}
# Late June–mid July (the drill reminder, 180 days before 31/12), and 20/11/2026–28/02/2027
# (month ends, the annual report, the year's end, Tết from 06/02/2027, weekends).
DAYS = ([date(2026, 6, 25) + timedelta(days=n) for n in range(20)]
        + [date(2026, 11, 20) + timedelta(days=n) for n in range(101)])
APPROVALS = [date(2025, 8, 31), date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 29), date(2026, 2, 28),
             date(2024, 12, 31), date(2024, 2, 29), date(2023, 12, 15), date(2026, 5, 31), date(2026, 7, 4)]


def _dossier(session, commune, system, state: str, level: int, regime: str = "nd331-2026", **values) -> Dossier:
    dossier = Dossier(system_id=system.id, commune_id=commune.id, regime=regime, state=state,
                      determined_level=level, proposed_level=level, created_at=CREATED, updated_at=CREATED,
                      **values)
    session.add(dossier)
    return dossier


def _populate(session, commune, other_commune, count: int = 1, prefix: str = "") -> None:
    """Dossiers at every step, first and later checks, and communes with and without a drill."""
    levels, regimes = cycle((1, 2, 3, 4, 5)), cycle(("nd331-2026", "nd85-2016", "nd331-2026"))
    steps = cycle(("submitted", "accepted", "pending_approval"))
    for n in range(count * len(APPROVALS)):
        place = (commune, other_commune)[n % 2]
        decided = APPROVALS[n % len(APPROVALS)]
        _dossier(session, place, make_system(session, place, code=f"{prefix}F{n}", name=f"Hệ thống {n}"),
                         "operating", next(levels), next(regimes), decision_number=f"{n}/QĐ",
                         decision_on=decided, approved_at=datetime.combine(decided, time(18), timezone.utc))
        checked = _dossier(session, place, make_system(session, place, code=f"{prefix}R{n}", name=f"Kiểm tra {n}"),
                           "protecting", next(levels), decision_number=f"{n}/QĐ", decision_on=decided)
        _dossier(session, place, make_system(session, place, code=f"{prefix}B{n}", name=f"Bước {n}"), next(steps),
                 next(levels), step_due_on=date(2026, 11, 25) + timedelta(days=7 * n % 95))
        session.flush()
        for months_later in (0, 11):
            reviewed = decided + timedelta(days=30 * months_later)
            session.add(Review(dossier_id=checked.id, commune_id=place.id, reviewed_on=reviewed, assessor="Tổ",
                               result="pass", next_due_on=reviewed + timedelta(days=365), created_at=CREATED))
    for n, place in enumerate((commune, other_commune)):
        make_system(session, place, code=f"{prefix}D{n}", name=f"Diễn tập {n}", approved_level=2 + n,
                    approval_regime=("nd331-2026", "nd85-2016")[n], status="in_operation")
    session.add(Drill(commune_id=other_commune.id, title="Diễn tập", playbook_id="ransomware",
                      planned_on=date(2026, 3, 1), created_at=CREATED))
    session.commit()


def _reached(collect, ctx: DueContext) -> list[str]:
    return [deadline.uid for deadline in collect(ctx)
            if latest_reached(deadline.thresholds, deadline.due, ctx.now, ctx.zone, ctx.holidays,
                              ctx.extra_workdays) is not None]


def test_narrowed_providers_keep_exactly_the_reached_deadlines(session, commune, other_commune):
    _populate(session, commune, other_commune)
    reached_any = set()
    for day in DAYS:
        now = datetime.combine(day, time(9), ZONE)
        for name, collect in NARROWED.items():
            for scope in (None, [commune.id]):
                narrowed = _reached(collect, DueContext(session, now, ZONE, commune_ids=scope, reached_only=True))
                assert narrowed == _reached(collect, DueContext(session, now, ZONE, commune_ids=scope)), (name, day)
                reached_any.update((name, uid) for uid in narrowed)
    # The comparison means something: every provider had deadlines to remind on some day.
    assert {name for name, _ in reached_any} == set(NARROWED)


@pytest.mark.parametrize("reached_only", (True, False))
def test_narrowed_providers_statements_do_not_grow_with_the_rows(app, session, commune, other_commune,
                                                                 reached_only):
    now = datetime(2026, 12, 19, 9, 0, tzinfo=ZONE)  # the annual report and the drills both due

    def counts() -> dict[str, int]:
        found = {}
        for name, collect in NARROWED.items():
            ctx = DueContext(session, now, ZONE, reached_only=reached_only)
            found[name] = count_statements(app, lambda: collect(ctx))
            session.expire_all()
        return found

    _populate(session, commune, other_commune)
    few = counts()
    _populate(session, commune, other_commune, count=4, prefix="more")
    assert counts() == few
    assert few == {"dossier_steps": 1, "periodic_reviews": 1, "annual_report": 1, "drill_plans": 3}


def test_the_annual_report_reads_nothing_while_no_reminder_can_be_due(app, session, commune):
    ctx = DueContext(session, datetime(2026, 11, 26, 9, 0, tzinfo=ZONE), ZONE, commune_ids=[commune.id],
                     reached_only=True)
    assert count_statements(app, lambda: providers.annual_report(ctx)) == 0
    assert providers.annual_report(DueContext(session, ctx.now, ZONE, commune_ids=[commune.id]))


@pytest.mark.parametrize("reached_only", (True, False))
def test_backup_reminders_read_plans_with_their_system_name_only(app, session, commune, make_user, reached_only):
    """Four statements for a commune's plans however many (the plans with their systems' names, and
    three for their runs and restore tests): not their communes, responsible users and roles."""
    officer = make_user(Role.OFFICER, organisation=commune)
    ctx = DueContext(session, datetime(2026, 11, 26, 9, 0, tzinfo=ZONE), ZONE, commune_ids=[commune.id],
                     reached_only=reached_only)

    def statements() -> int:
        session.expire_all()
        return count_statements(app, lambda: providers.backups(ctx))

    make_plan(session, make_system(session, commune, code="P0"), responsible=officer)
    few = statements()
    for n in range(1, 6):
        make_plan(session, make_system(session, commune, code=f"P{n}"), responsible=officer if n % 2 else None)
    assert statements() == few == 4
    assert {deadline.title for deadline in providers.backups(ctx)} >= {"Khôi phục thử bản sao lưu «Sao lưu hằng đêm» (Một cửa điện tử)"}
