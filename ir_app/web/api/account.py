"""Account area: a user creates, sees and revokes their own API tokens (the secret is shown once)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from wtforms import HiddenField, SelectField, StringField

from ir_app.models import ApiToken
from ir_app.services import api_tokens
from ir_app.services.errors import ValidationFailed
from ir_app.web.access import AUTHENTICATED, database_id, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, CheckboxListField, choice_list

bp = Blueprint("account", __name__, url_prefix="/account")
EXPIRY_CHOICES = (("30d", lazy_gettext("30 ngày")), ("90d", lazy_gettext("90 ngày")),
                  ("1y", lazy_gettext("1 năm")), ("never", lazy_gettext("Không hết hạn")))


class TokenForm(AppForm):
    name = StringField(lazy_gettext("Tên (dùng vào việc gì)"), render_kw={"maxlength": api_tokens.MAX_NAME,
                                                                          "placeholder": "Zabbix trung tâm"})
    scopes = CheckboxListField(lazy_gettext("Quyền"))
    expires = SelectField(lazy_gettext("Thời hạn"), choices=choice_list(EXPIRY_CHOICES), default="90d")


class RevokeForm(AppForm):
    token_id = HiddenField()


def _form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = choice_list((scope, f"{scope} — {_(api_tokens.SCOPE_LABELS[scope])}")
                                      for scope in api_tokens.allowed_scopes(current_user))
    return form


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    tokens = api_tokens.tokens_of(db(), current_user, now())
    return render_template("account/tokens.html", form=form, tokens=tokens, secret=secret, now=now(),
                           revoke_form=RevokeForm()), status


@bp.get("/tokens")
@requires(AUTHENTICATED)
def tokens():
    return _page(_form())


@bp.post("/tokens")
@requires(AUTHENTICATED)
def create_token():
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        expires = api_tokens.parse_expiry(form.expires.data)
        issued = api_tokens.create_token(db(), actor(), current_user, form.name.data or "", form.scopes.data or [],
                                         now(), expires)
    except ValidationFailed as failure:
        db().rollback()
        form.form_errors.extend(failure.errors.values())
        return _page(form, status=422)
    db().commit()
    # Rendered straight away, never flashed: a flash would sit in the session cookie.
    return _page(_form(), secret=issued.secret, status=201)


@bp.post("/tokens/revoke")
@requires(AUTHENTICATED)
def revoke_token():
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    token_id = database_id(form.token_id.data)
    token = db().get(ApiToken, token_id) if token_id else None
    if token is None or token.user_id != current_user.id:
        abort(404)
    api_tokens.revoke_token(db(), actor(), token, now())
    db().commit()
    flash(_("Đã thu hồi mã «%(name)s».", name=token.name), "success")
    return redirect(url_for("account.tokens"))
