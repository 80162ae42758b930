"""Home page (the commune overview) and the health check."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import func, select, text

from ir_app import __version__
from ir_app.models import InformationSystem
from ir_app.services.authz import Permission, scope_query, visible_communes
from ir_app.web.access import public, requires
from ir_app.web.context import db

bp = Blueprint("main", __name__)


@bp.get("/")
@requires(Permission.VIEW)
def index():
    session = db()
    communes = visible_communes(session, current_user)
    query = select(InformationSystem.commune_id, InformationSystem.approved_level, func.count()).group_by(
        InformationSystem.commune_id, InformationSystem.approved_level)
    counts: dict[int, dict[int | None, int]] = {}
    for commune_id, level, count in session.execute(scope_query(query, InformationSystem.commune_id, current_user)):
        counts.setdefault(commune_id, {})[level] = count
    return render_template("main/index.html", communes=communes, counts=counts)


@bp.get("/healthz")
@public
def healthz():
    try:
        with current_app.extensions["ir_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
        database_ok = True
    except Exception:  # any failure means "not reachable" for the probe
        database_ok = False
    body = {"status": "ok" if database_ok else "error", "database": database_ok, "version": __version__}
    return jsonify(body), 200 if database_ok else 503
