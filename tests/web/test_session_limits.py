"""A session ends after IR_SESSION_IDLE_MINUTES without use (8 hours by default) and, however busy,
IR_SESSION_MAX_HOURS after sign-in (24 hours by default) (issue 14, D15)."""
from __future__ import annotations

from ir_app import create_app
from ir_app.models import Role
from tests.conftest import WebClient

EXPIRED = "Phiên đăng nhập đã hết hạn"


def signed_out(client) -> bool:
    response = client.get("/systems/")
    if response.status_code != 302 or "/login" not in response.location:
        return False
    return EXPIRED in client.get(response.location).get_data(as_text=True)


def test_a_session_idle_for_eight_hours_ends(make_web, make_user, commune, clock):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    clock.advance(hours=7, minutes=59)
    assert client.get("/systems/").status_code == 200
    clock.advance(hours=8, minutes=1)
    assert signed_out(client)


def test_a_busy_session_still_ends_a_day_after_sign_in(make_web, make_user, commune, clock):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    for _ in range(3):
        clock.advance(hours=7)
        assert client.get("/systems/").status_code == 200
    clock.advance(hours=3, minutes=1)
    assert signed_out(client)


def test_limits_come_from_the_configuration(database_url, tmp_path, clock, make_user, commune):
    app = create_app({"IR_DATABASE_URL": database_url, "IR_DATA_DIR": tmp_path / "data", "TESTING": True,
                      "SECRET_KEY": "test-secret-key", "IR_CLOCK": clock, "IR_SESSION_IDLE_MINUTES": 30})
    try:
        client = WebClient(app.test_client())
        assert client.login(make_user(Role.STAFF, organisation=commune)).status_code == 302
        clock.advance(minutes=31)
        assert signed_out(client)
    finally:
        app.extensions["ir_engine"].dispose()
