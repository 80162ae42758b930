"""Sign-in throttling holds under parallel guesses, and refusals never reveal an account's state
(issue 14, D15). Runs against the real database: SQLite, or PostgreSQL with IR_TEST_DATABASE_URL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from ir_app.models import AuditEvent, Role
from ir_app.services import accounts
from ir_app.services.accounts import LoginRefused, Throttle
from ir_app.services.audit import Actor, record

PARALLEL = 16  # each evaluation is an Argon2 hash (19 MiB): enough to race, not to exhaust memory


def guess_in_parallel(app, email: str, ip: str, throttle: Throttle, clock) -> list[str]:
    factory = app.extensions["ir_session_factory"]
    start = threading.Barrier(PARALLEL)
    outcomes: list[str] = []

    def guess() -> None:
        session = factory()
        try:
            start.wait()
            try:
                accounts.authenticate(session, email, "sai-mat-khau", ip, clock.now(), throttle)
            except LoginRefused as refused:
                outcomes.append(refused.message)
            session.commit()
        finally:
            session.close()

    threads = [threading.Thread(target=guess) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_parallel_wrong_passwords_get_no_more_evaluations_than_the_limit(app, session, make_user, commune,
                                                                         clock, monkeypatch):
    user = make_user(Role.STAFF, organisation=commune)
    record(session, Actor(None, "cài đặt"), "create", now=clock.now(), object_type="organisation")
    session.commit()  # the audit chain has its head before the race (PostgreSQL tests truncate it)
    evaluated = []
    real_check = accounts.password_matches
    monkeypatch.setattr(accounts, "password_matches", lambda *args: evaluated.append(1) or real_check(*args))
    outcomes = guess_in_parallel(app, user.email, "203.0.113.5", Throttle(max_failures=5), clock)
    assert len(outcomes) == PARALLEL
    assert len(evaluated) == 5
    counts = dict(session.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all())
    assert counts == {"create": 1, "login_failed": 5, "login_locked": PARALLEL - 5}


def test_a_disabled_account_with_the_right_password_gets_the_generic_message(session, make_user, commune,
                                                                              clock):
    user = make_user(Role.STAFF, organisation=commune, is_active=False)
    with pytest.raises(LoginRefused) as disabled:
        accounts.authenticate(session, user.email, "mat-khau-thu-nghiem", "203.0.113.5", clock.now(), Throttle())
    session.commit()
    with pytest.raises(LoginRefused) as wrong:
        accounts.authenticate(session, user.email, "sai", "203.0.113.5", clock.now(), Throttle())
    session.commit()
    with pytest.raises(LoginRefused) as unknown:
        accounts.authenticate(session, "khong-co@vinh-lai.test", "sai", "203.0.113.5", clock.now(), Throttle())
    assert disabled.value.message == wrong.value.message == unknown.value.message == \
        "Sai địa chỉ e-mail hoặc mật khẩu."


def test_the_lock_lifts_after_the_window(session, make_user, commune, clock):
    user = make_user(Role.STAFF, organisation=commune)
    throttle = Throttle(max_failures=2, lock_minutes=15)
    for _ in range(2):
        with pytest.raises(LoginRefused):
            accounts.authenticate(session, user.email, "sai", "203.0.113.5", clock.now(), throttle)
        session.commit()
    with pytest.raises(LoginRefused, match="tạm bị khóa 15 phút"):
        accounts.authenticate(session, user.email, "mat-khau-thu-nghiem", "203.0.113.5", clock.now(), throttle)
    session.commit()
    clock.advance(minutes=16)
    assert accounts.authenticate(session, user.email, "mat-khau-thu-nghiem", "203.0.113.5", clock.now(),
                                 throttle).id == user.id


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_and_older_hashes_are_remade_at_sign_in(
        session, make_user, commune, clock):
    from argon2 import PasswordHasher
    from argon2.low_level import Type
    from argon2.profiles import RFC_9106_LOW_MEMORY

    parameters = accounts.hasher  # OWASP Password Storage Cheat Sheet: argon2id, m ≥ 19 MiB, t ≥ 2
    assert (parameters.type, parameters.memory_cost >= 19 * 1024, parameters.time_cost >= 2) == (Type.ID, True, True)
    user = make_user(Role.STAFF, organisation=commune)
    user.password_hash = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY).hash("mat-khau-cu-123")
    session.commit()
    accounts.authenticate(session, user.email, "mat-khau-cu-123", "203.0.113.9", clock.now(), Throttle())
    assert "m=19456,t=2,p=1" in user.password_hash
    assert accounts.password_matches(user.password_hash, "mat-khau-cu-123")
