"""Yearly drill planning: a commune whose classified systems oblige it to drill (the regime's `drills`
data) and that has planned no drill this year gets one e-mail, through the real outbox and SMTP, once
per year; a commune that planned one, or whose systems are not classified, gets none."""
from __future__ import annotations

from datetime import date

import pytest

from ir_app.domain.regimes.model import DrillDuty
from ir_app.models import Role
from ir_app.models.drills import Drill
from ir_app.services.lawdata import load_law_data
from tests.ops_support import UTC, hanoi, make_system, run_all, smtp  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")


def drill_mails(smtp, address: str) -> list[str]:
    return [mail["Subject"] for mail in smtp.to(address) if "kế hoạch diễn tập" in mail["Subject"]]


def test_the_regimes_say_which_levels_drill_and_how_often(app):
    law = load_law_data(app.config["IR_LEVEL_DOSSIERS_DIR"])
    for regime in law.regimes.values():
        duty = regime.drill_duty(2)
        assert duty is not None and duty.period_months == 12 and duty.article
        assert regime.drill_duty(None) is None
    half_yearly = DrillDuty(levels=(3, 4, 5), period_months=6, remind_days_before_end=30, article="Đ31.3")
    assert half_yearly.period_of(date(2027, 8, 15)) == (date(2027, 7, 1), date(2027, 12, 31))
    assert half_yearly.period_of(date(2027, 2, 28)) == (date(2027, 1, 1), date(2027, 6, 30))


def test_a_commune_without_a_planned_drill_is_reminded_once_a_year(
        app, session, smtp, commune, other_commune, foreign_commune, make_user, make_web, clock):
    officers = {place.id: make_user(Role.OFFICER, organisation=place) for place in (commune, other_commune,
                                                                                      foreign_commune)}
    make_system(session, commune, approved_level=2, approval_regime="nd331-2026", status="in_operation")
    make_system(session, other_commune, code="CONG", approved_level=3, approval_regime="nd331-2026",
                status="in_operation")
    make_system(session, foreign_commune, code="LAN")   # not classified: no duty to drill
    session.add(Drill(commune_id=other_commune.id, title="Diễn tập lộ lọt dữ liệu", playbook_id="ransomware",
                      planned_on=date(2027, 10, 20), created_at=hanoi(2027, 1, 5, 9, 0)))
    session.commit()

    run_all(app, hanoi(2027, 3, 2, 9, 0))      # early in the year: time enough, no reminder yet
    assert drill_mails(smtp, officers[commune.id].email) == []
    for moment in (hanoi(2027, 7, 6, 9, 0), hanoi(2027, 7, 7, 10, 0), hanoi(2027, 12, 30, 9, 0)):
        run_all(app, moment)
    assert drill_mails(smtp, officers[commune.id].email) == [
        "[ATTT xã] Lập kế hoạch diễn tập ứng cứu sự cố 01/01/2027–31/12/2027 — Xã Vĩnh Lại"]
    assert drill_mails(smtp, officers[other_commune.id].email) == []
    assert drill_mails(smtp, officers[foreign_commune.id].email) == []
    clock.current = hanoi(2027, 7, 6, 9, 0)   # … and it waits in "Việc của tôi", with a link to plan one
    work = make_web(officers[commune.id]).get("/work?kind=drill_plan_due").get_data(as_text=True)
    assert "Lập kế hoạch diễn tập ứng cứu sự cố 01/01/2027–31/12/2027" in work and "/drills/?commune=11017" in work

    # A new year, a new reminder; once a drill is planned in it, none.
    run_all(app, hanoi(2028, 7, 6, 9, 0))
    assert len(drill_mails(smtp, officers[commune.id].email)) == 2
    session.add(Drill(commune_id=commune.id, title="Diễn tập 2029", playbook_id="ransomware",
                      planned_on=date(2029, 4, 2), created_at=hanoi(2029, 1, 5, 9, 0)))
    session.commit()
    run_all(app, hanoi(2029, 7, 6, 9, 0))
    assert len(drill_mails(smtp, officers[commune.id].email)) == 2
