"""Before any periodic check, the first one falls one regime interval after approval."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from ir_app.models import Dossier, Notification, Review, Role
from tests.ops_support import hanoi, make_system, run_all


def _approved(session, commune, level: int, decided: date) -> Dossier:
    system = make_system(session, commune)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    dossier = Dossier(system_id=system.id, commune_id=commune.id, regime="nd331-2026", state="operating",
                      determined_level=level, proposed_level=level, decision_number="1/QĐ-UBND",
                      decision_on=decided, created_at=now, updated_at=now)
    session.add(dossier)
    session.commit()
    return dossier


def _review_keys(session) -> list[str]:
    session.expire_all()
    return sorted(session.scalars(select(Notification.dedup_key).where(Notification.dedup_key.like("review:%"))))


def test_first_review_is_reminded_from_the_approval_date(app, session, commune, make_user):
    officer = make_user(Role.OFFICER, organisation=commune)
    dossier = _approved(session, commune, level=3, decided=date(2025, 12, 10))  # level 3: every 12 months
    run_all(app, hanoi(2026, 11, 12, 9, 0))  # 28 days before 10/12/2026
    base = f"review:dossier:{dossier.id}:2026-12-10"
    assert _review_keys(session) == [f"{base}:due-30d"]
    assert session.scalar(select(Notification.user_id).where(Notification.dedup_key == f"{base}:due-30d")) == officer.id
    session.add(Review(dossier_id=dossier.id, commune_id=commune.id, reviewed_on=date(2026, 11, 20), assessor="Tổ kiểm tra",
                       result="pass", next_due_on=date(2027, 11, 20), created_at=hanoi(2026, 11, 20, 9, 0)))
    session.commit()
    run_all(app, hanoi(2026, 12, 11, 9, 0))  # after the check: no "overdue" for the old date
    assert not any(key.startswith(base) and key.endswith("overdue") for key in _review_keys(session))
