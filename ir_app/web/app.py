"""The app factory: configuration, database, login, CSRF, i18n, blueprints, error pages."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from ir_app import __version__
from ir_app.config import PACKAGE_DIR, load_config, load_secret_key, make_private_dir
from ir_app.db import make_engine, make_session_factory
from ir_app.domain.clock import SystemClock
from ir_app.services.lawdata import load_law_data

csrf = CSRFProtect()
babel = Babel()


def build_app(overrides: dict[str, Any] | None = None) -> Flask:
    config = load_config()
    config.update(overrides or {})
    app = Flask(
        "ir_app",
        template_folder=str(Path(config["IR_TEMPLATES_DIR"])),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    app.config.update(config)
    make_private_dir(Path(app.config["IR_DATA_DIR"]), tighten=True)  # keys, SQLite database, backups
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or load_secret_key(Path(app.config["IR_DATA_DIR"]))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config["IR_SECURE_COOKIES"]),
        SESSION_COOKIE_NAME="ir_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=app.config["IR_MAX_UPLOAD_BYTES"] + 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session; a long form must not expire mid-typing
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE=app.config["IR_TIMEZONE"],
        IR_VERSION=__version__,
    )
    _trust_proxies(app)
    _init_database(app)
    app.extensions["ir_clock"] = app.config.get("IR_CLOCK") or SystemClock()
    # Validates the law files now: a broken regime or catalogue stops start-up with its name.
    app.extensions["ir_law"] = load_law_data(str(app.config["IR_LEVEL_DOSSIERS_DIR"]))
    csrf.init_app(app)
    from ir_app.web import i18n

    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(PACKAGE_DIR / "translations"))
    i18n.init_app(app)
    from ir_app.web import access, errors, filters, navigation, page_cache, security, session_limits, two_factor

    access.init_app(app)
    page_cache.init_app(app)
    navigation.init_app(app)
    session_limits.init_app(app)
    two_factor.init_app(app)
    filters.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    from ir_app import cli

    cli.register(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind nginx every request comes from 127.0.0.1: take the client's address and scheme from
    the X-Forwarded-* headers the configured number of proxies add (only then: anyone can send them)."""
    hops = int(app.config["IR_PROXY_HOPS"])
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _init_database(app: Flask) -> None:
    from ir_app.ops.audit_key import resolve_audit_key

    engine = make_engine(app.config["IR_DATABASE_URL"])
    audit_key = resolve_audit_key(app.config.get("IR_AUDIT_KEY"), Path(app.config["IR_DATA_DIR"]))
    app.extensions["ir_engine"] = engine
    app.extensions["ir_audit_key"] = audit_key
    app.extensions["ir_session_factory"] = make_session_factory(engine, audit_key)

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def _register_blueprints(app: Flask) -> None:
    from ir_app.web import (
        admin,
        advisories,
        audit_log,
        auth,
        backups,
        channels,
        checks,
        contacts,
        drills,
        incidents,
        inventory,
        main,
        notifications,
        operations,
        organisations,
        playbooks,
        province,
        roster,
        search,
        two_factor,
        work,
    )
    from ir_app.web.dossiers import documents, signed
    from ir_app.web.dossiers import views as dossiers
    from ir_app.web import design, measures, risks, training

    for module in (main, auth, admin, audit_log, inventory, contacts, organisations, dossiers, documents, measures,
                   risks, design, incidents, playbooks, backups, checks, notifications, channels, operations,
                   work, advisories, drills, roster, training, search, province, two_factor, signed):
        app.register_blueprint(module.bp)
    app.register_blueprint(notifications.feeds)
    from ir_app.web import api

    api.init_app(app)
