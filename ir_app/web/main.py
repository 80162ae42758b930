"""Home page (the commune overview) and the health check."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import text

from ir_app import __version__
from ir_app.services import overview
from ir_app.services.work import dashboard
from ir_app.services.authz import Permission, visible_commune_ids, visible_communes
from ir_app.web.access import public, requires
from ir_app.web.auth import safe_next
from ir_app.web.i18n import SUPPORTED
from ir_app.web.page_cache import cached_html
from ir_app.web.context import db, now
from ir_app.web.filters import to_local
from ir_app.web.work import my_work

bp = Blueprint("main", __name__)


@bp.get("/")
@requires(Permission.VIEW)
def index():
    session = db()
    today = to_local(now()).date()
    law = current_app.extensions["ir_law"]
    panels = dashboard.panels_for(session, current_user, my_work, today)
    tables = cached_html("overview-communes", lambda: _commune_tables(session, today, law))
    return render_template("main/index.html", commune_tables=tables, today=today,
                           workflow=law.workflow, panels=panels)


def _commune_tables(session, today, law) -> str:
    transition = law.default_regime.transition
    figures = overview.commune_figures(session, visible_commune_ids(current_user), today, catalogue=law.catalogue,
                                       transition=transition)
    return render_template("main/_communes.html", communes=visible_communes(session, current_user),
                           figures=figures, today=today, transition=transition)


@bp.get("/lang/<code>")
@public
def set_language(code: str):
    """Remember the chosen language in a cookie and go back where the user was."""
    response = redirect(safe_next(request.args.get("next")))
    if code in SUPPORTED:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=bool(current_app.config["IR_SECURE_COOKIES"]))
    return response


@bp.get("/healthz")
@public
def healthz():
    try:
        with current_app.extensions["ir_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
        database_ok = True
    except Exception:  # any failure means "not reachable" for the probe
        database_ok = False
    body = {"status": "ok" if database_ok else "error", "database": database_ok}
    if current_user.is_authenticated:  # the version tells an attacker which known flaws to try
        body["version"] = __version__
    return jsonify(body), 200 if database_ok else 503
