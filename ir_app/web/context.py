"""Per-request helpers: the database session, the clock, the acting user."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy.orm import Session

from ir_app.services.audit import Actor


def db() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["ir_session_factory"]()
    return g.db_session


def now() -> datetime:
    return current_app.extensions["ir_clock"].now()


def client_ip() -> str:
    return request.remote_addr or ""


def actor() -> Actor:
    return Actor.of(current_user, client_ip())
