"""Two-factor sign-in pages: the code asked after the password, enrolment (at sign-in when policy
requires it, or from the account page), recovery codes.

Between the password and the code the session holds only a *pending* marker, never a signed-in
user: Flask-Login sees an anonymous visitor, so every protected route refuses it as it refuses
anyone not signed in. A signed-in session whose user needs a second factor but did not give one
(policy changed, an older session) is ended before any view runs.
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ir_app.models import User
from ir_app.services import two_factor
from ir_app.services.accounts import LoginRefused
from ir_app.services.errors import ValidationFailed
from ir_app.web import session_limits
from ir_app.web.access import AUTHENTICATED, public, requires
from ir_app.web.context import actor, client_ip, db, now
from ir_app.web.forms import SimpleForm, TotpCodeForm, show_errors

bp = Blueprint("two_factor", __name__)

PENDING = "second_factor_pending"
SECOND_FACTOR = "second_factor"
ENROLLING = "second_factor_enrolling"
# The code must follow the password within this time, or the password is asked again.
PENDING_SECONDS = 10 * 60


def required_roles() -> frozenset[str]:
    return current_app.config["IR_TOTP_REQUIRED_ROLES"]


def needs_second_factor(user: User) -> bool:
    return two_factor.needs_second_factor(user, required_roles())


def begin(user: User, next_url: str) -> str:
    """After a right password: remember who is half-way and where to go next; returns the URL of
    the next step (the code, or enrolment when policy requires a factor the user has not set up)."""
    session.clear()
    session[PENDING] = {"user_id": user.id, "token": user.session_token, "at": int(now().timestamp()),
                        "next": next_url}
    return url_for("two_factor.code" if user.totp_enabled else "two_factor.enrol_at_sign_in")


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or int(now().timestamp()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = db().get(User, int(pending.get("user_id", 0)))
    if user is None or not user.is_active or user.session_token != pending.get("token"):
        return None  # disabled, reset or signed out everywhere meanwhile
    return user


def _finish_sign_in(user: User) -> str:
    next_url = session.get(PENDING, {}).get("next") or url_for("main.index")
    session.clear()
    login_user(user)
    session_limits.start(now())
    session[SECOND_FACTOR] = True
    return next_url


def _restart() -> object:
    session.pop(PENDING, None)
    flash(_("Phiên xác thực đã hết hạn. Vui lòng đăng nhập lại."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@public
def code():
    user = _pending_user()
    if user is None or not user.totp_enabled:
        return _restart()
    form = TotpCodeForm()
    error = None
    if form.validate_on_submit():
        from ir_app.web.auth import throttle

        try:
            method = two_factor.verify_sign_in(db(), user, form.code.data or "", client_ip(), now(), throttle())
        except LoginRefused as refused:
            error = refused.message
        else:
            target = _finish_sign_in(user)
            if method == "recovery":
                flash(_("Bạn đã dùng một mã khôi phục; còn %(count)s mã chưa dùng.",
                        count=two_factor.remaining_recovery_codes(db(), user)), "warning")
            db().commit()
            return redirect(target)
        db().commit()  # keep the failure: throttling and audit depend on it
    return render_template("auth/totp_code.html", form=form, error=error), 401 if error else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def enrol_at_sign_in():
    """Policy requires a second factor this user has not set up: set it up now, before entering."""
    user = _pending_user()
    if user is None or user.totp_enabled:
        return _restart()
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(db(), user, _shown_secret(), form.code.data or "", now(),
                                                 client_ip())
        except ValidationFailed as failure:
            show_errors(form, failure)
        else:
            target = _finish_sign_in(user)
            db().commit()
            return render_template("auth/totp_recovery.html", codes=codes, next_url=target)
    return _enrol_page(user, _shown_secret(), form, url_for("two_factor.enrol_at_sign_in"), required=True)


def _shown_secret() -> str:
    """The secret this browser session is enrolling with (the same QR code on a reload)."""
    secret = session.get(ENROLLING)
    if not isinstance(secret, str) or not secret:
        secret = session[ENROLLING] = two_factor.new_secret()
    return secret


def _enrol_page(user: User, secret: str, form: TotpCodeForm, action: str, required: bool):
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/totp_enrol.html", form=form, secret=secret, qr=two_factor.qr_svg(uri),
                           action=action, required=required)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires(AUTHENTICATED)
def account():
    user = current_user
    required = two_factor.is_required(user, required_roles())
    if user.totp_enabled:
        return render_template("auth/totp_account.html", required=required, form=TotpCodeForm(),
                               simple=SimpleForm(), remaining=two_factor.remaining_recovery_codes(db(), user))
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(db(), user, _shown_secret(), form.code.data or "", now(),
                                                 client_ip())
        except ValidationFailed as failure:
            show_errors(form, failure)
        else:
            db().commit()
            session.pop(ENROLLING, None)
            session[SECOND_FACTOR] = True  # the code just given is this session's second factor
            return render_template("auth/totp_recovery.html", codes=codes, next_url=url_for("two_factor.account"))
    return _enrol_page(user, _shown_secret(), form, url_for("two_factor.account"), required=required)


@bp.post("/account/two-factor/recovery-codes")
@requires(AUTHENTICATED)
def new_recovery_codes():
    if not SimpleForm().validate_on_submit():
        return redirect(url_for("two_factor.account"))
    try:
        codes = two_factor.regenerate_recovery_codes(db(), current_user, now(), client_ip())
    except ValidationFailed as failure:
        flash(" ".join(failure.errors.values()), "error")
        return redirect(url_for("two_factor.account"))
    db().commit()
    return render_template("auth/totp_recovery.html", codes=codes, next_url=url_for("two_factor.account"))


@bp.post("/account/two-factor/disable")
@requires(AUTHENTICATED)
def disable():
    """Optional users may turn it off, with a current code; policy-bound users cannot."""
    user = current_user
    form = TotpCodeForm()
    if two_factor.is_required(user, required_roles()):
        flash(_("Vai trò của bạn bắt buộc xác thực hai bước; không thể tắt."), "error")
    elif form.validate_on_submit():
        from ir_app.web.auth import throttle

        try:
            two_factor.verify_sign_in(db(), user, form.code.data or "", client_ip(), now(), throttle())
        except LoginRefused as refused:
            db().commit()
            flash(refused.message, "error")
        else:
            two_factor.disable(db(), actor(), user, now())
            db().commit()
            login_user(user)  # the new session token: this session stays, the others end
            flash(_("Đã tắt xác thực hai bước."), "success")
    return redirect(url_for("two_factor.account"))


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_missing_second_factor():
        """A signed-in session must carry the second factor when its user needs one."""
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        if session.get(SECOND_FACTOR) or not needs_second_factor(current_user):
            return None
        logout_user()
        session.clear()
        flash(_("Tài khoản này cần xác thực hai bước. Vui lòng đăng nhập lại."), "info")
        return redirect(url_for("auth.login"))
