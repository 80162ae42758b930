"""Sign in, sign out (POST), change password."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ir_app.services import accounts
from ir_app.services.accounts import LoginRefused, Throttle
from ir_app.services.errors import ValidationFailed
from ir_app.web import session_limits, two_factor
from ir_app.web.access import AUTHENTICATED, public, requires
from ir_app.web.context import client_ip, db, now
from ir_app.web.forms import LoginForm, PasswordChangeForm, SimpleForm, show_errors

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only local paths: no scheme, no host, no backslash tricks like `/\\evil.example`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("main.index")
    return target


def throttle() -> Throttle:
    config = current_app.config
    return Throttle(config["IR_LOGIN_MAX_FAILURES"], config["IR_LOGIN_LOCK_MINUTES"],
                    proxies=frozenset(config["IR_PROXY_ADDRESSES"]))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(db(), form.email.data or "", form.password.data or "",
                                         client_ip(), now(), throttle())
        except LoginRefused as refused:
            error = refused.message
        else:
            if two_factor.needs_second_factor(user):  # not signed in until the code is given
                target = two_factor.begin(user, safe_next(form.next.data))
                db().commit()
                return redirect(target)
            session.clear()  # a fresh session on sign-in
            login_user(user)
            session_limits.start(now())
            db().commit()
            return redirect(safe_next(form.next.data))
        db().commit()  # keep the failed attempt: throttling and audit depend on it
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@requires(AUTHENTICATED)
def logout():
    if SimpleForm().validate_on_submit():
        accounts.logout(db(), current_user, now(), client_ip())
        db().commit()
        logout_user()
        session.clear()
        flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(AUTHENTICATED)
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if form.new_password.data != form.confirm_password.data:
            form.confirm_password.errors = [_("Hai lần nhập mật khẩu mới không khớp.")]
        else:
            try:
                accounts.change_password(db(), current_user, form.current_password.data or "",
                                         form.new_password.data or "", now(), client_ip())
            except ValidationFailed as failure:
                show_errors(form, failure)
            else:
                db().commit()
                login_user(current_user)  # new token: this session stays, the others end
                flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."), "success")
                return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
