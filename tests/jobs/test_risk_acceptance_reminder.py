"""An accepted risk reminds before and when its acceptance runs out: 30 days, 7 days, on the day,
each exactly once, whatever how often the scheduler sweeps; renewing starts a new series."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ir_app.models import Notification, Role
from ir_app.models.risks import Risk
from tests.ops_support import hanoi, make_system, run_all

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")
CREATED = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _keys(session, user) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(Notification.dedup_key).where(
        Notification.dedup_key.like("risk:%"), Notification.user_id == user.id).order_by(Notification.id)))


def test_acceptance_expiry_reminds_at_30_and_7_days_and_on_the_day_exactly_once(app, session, commune, make_user):
    officer = make_user(Role.OFFICER, organisation=commune)
    owner = make_user(Role.STAFF, organisation=commune)
    bystander = make_user(Role.STAFF, organisation=commune)
    system = make_system(session, commune)
    risk = Risk(commune_id=commune.id, system_id=system.id, title="Mất điện kéo dài", likelihood=2, impact=2,
                residual_likelihood=2, residual_impact=2, treatment="accept", owner_id=owner.id,
                accepted_by="Nguyễn Văn A — Chủ tịch UBND xã", accepted_reason="Có máy phát dự phòng",
                accepted_until=date(2027, 3, 31), created_at=CREATED, updated_at=CREATED)
    session.add(risk)
    session.commit()
    prefix = f"risk:{risk.id}:acceptance:2027-03-31"

    run_all(app, hanoi(2027, 2, 27, 9, 0))   # 32 days before: nothing yet
    assert _keys(session, officer) == []
    for hour in (9, 10, 15):                  # 30 days before, swept several times
        run_all(app, hanoi(2027, 3, 1, hour, 0))
    assert _keys(session, officer) == [f"{prefix}:due-30d"]
    assert _keys(session, owner) == [f"{prefix}:due-30d"] and _keys(session, bystander) == []
    run_all(app, hanoi(2027, 3, 24, 9, 0))
    run_all(app, hanoi(2027, 3, 25, 9, 0))
    run_all(app, hanoi(2027, 3, 31, 8, 0))
    run_all(app, hanoi(2027, 3, 31, 17, 0))
    run_all(app, hanoi(2027, 4, 2, 9, 0))     # after the day: no further reminder
    expected = [f"{prefix}:due-30d", f"{prefix}:due-7d", f"{prefix}:due-0d"]
    assert _keys(session, officer) == expected and _keys(session, owner) == expected
    subject = session.scalar(select(Notification.subject).where(Notification.dedup_key == f"{prefix}:due-0d")
                             .limit(1))
    assert subject == "[Đến hạn] Hết hạn chấp nhận rủi ro «Mất điện kéo dài» (Một cửa điện tử)"

    risk.accepted_until = date(2027, 9, 30)   # renewed: a new series for the new date
    session.commit()
    run_all(app, hanoi(2027, 9, 1, 9, 0))
    assert _keys(session, officer)[-1] == f"risk:{risk.id}:acceptance:2027-09-30:due-30d"


def test_a_risk_no_longer_accepted_stops_reminding(app, session, commune, make_user):
    officer = make_user(Role.OFFICER, organisation=commune)
    system = make_system(session, commune)
    risk = Risk(commune_id=commune.id, system_id=system.id, title="Camera cũ", likelihood=2, impact=2,
                residual_likelihood=2, residual_impact=2, treatment="accept", accepted_by="Chủ tịch",
                accepted_reason="Sắp thay", accepted_until=date(2027, 1, 15), created_at=CREATED, updated_at=CREATED)
    session.add(risk)
    session.commit()
    risk.treatment, risk.treatment_note = "avoid", "Tắt camera"
    session.commit()
    run_all(app, hanoi(2027, 1, 15, 9, 0))
    assert _keys(session, officer) == []
