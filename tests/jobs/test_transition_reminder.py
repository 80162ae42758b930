"""The transition reminder (NĐ 331/2026 Đ39.1; Luật 116/2025 Đ45.1): finish appraisal and approval
under NĐ 85/2016 by 01/01/2027 goes only to systems under investment before 01/7/2026."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ir_app.models import Notification
from tests.ops_support import hanoi, job_env, make_system, run_all, smtp  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")


def transition_keys(session) -> set[str]:
    session.expire_all()
    return {key.rsplit(":", 1)[0] for key in session.scalars(
        select(Notification.dedup_key).where(Notification.dedup_key.like("transition:%")))}


def test_only_systems_under_investment_before_1_july_2026_are_told_to_finish_under_nd85_nd331_d39_1(
        app, session, commune, make_user):
    from ir_app.models import Role

    make_user(Role.OFFICER, organisation=commune)
    qualifying = make_system(session, commune, code="A", name="Dự án một cửa", status="under_investment",
                             investment_approved_on=date(2026, 3, 10))
    late = make_system(session, commune, code="B", name="Dự án camera", status="under_investment",
                       investment_approved_on=date(2026, 8, 1))
    undated = make_system(session, commune, code="C", name="Dự án chưa ghi ngày", status="under_investment")
    approved = make_system(session, commune, code="D", name="Đã phê duyệt", status="under_investment",
                           investment_approved_on=date(2026, 2, 1), approved_level=2,
                           approval_decision_number="3/QĐ", approval_regime="nd85-2016")
    run_all(app, hanoi(2026, 12, 12, 8, 0))
    found = transition_keys(session)
    assert f"transition:2027-01-01:system:{qualifying.id}" in found
    for system in (late, undated, approved):
        assert f"transition:2027-01-01:system:{system.id}" not in found
    run_all(app, hanoi(2027, 6, 5, 8, 0))  # the approved one now meets NĐ 331 measures by 01/7/2027
    assert f"transition:2027-07-01:system:{approved.id}" in transition_keys(session)
    assert not any(key.endswith(f":system:{late.id}") or key.endswith(f":system:{undated.id}")
                   for key in transition_keys(session))
