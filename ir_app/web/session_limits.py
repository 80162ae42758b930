"""Sessions end after a while without use (IR_SESSION_IDLE_MINUTES) and, in any case, a fixed time
after sign-in (IR_SESSION_MAX_HOURS): a session left open on a shared office PC stops working.

The times live in the signed session cookie and are read against the app's clock.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ir_app.web.context import now

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
# Writing the last-seen time at most once a minute keeps the cookie from changing on every request.
TOUCH_SECONDS = 60


def start(moment: datetime) -> None:
    """Call right after sign-in."""
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = int(moment.timestamp())


def expired(moment: datetime) -> bool:
    signed_in, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(last_seen, int):
        return True  # a session from before these limits: sign in once more
    stamp = int(moment.timestamp())
    idle = current_app.config["IR_SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.config["IR_SESSION_MAX_HOURS"] * 3600
    return stamp - last_seen > idle or stamp - signed_in > lifetime


def init_app(app: Flask) -> None:
    @app.before_request
    def end_old_sessions():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        moment = now()
        if expired(moment):
            logout_user()
            session.clear()
            flash(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), "info")
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("auth.login", next=target))
        if int(moment.timestamp()) - session[LAST_SEEN_AT] >= TOUCH_SECONDS:
            session[LAST_SEEN_AT] = int(moment.timestamp())
        return None
