"""Every route declares its access; every object is checked against the user's commune.

`requires(permission)` and `public` tag the view function (`ir_access`), so a test can walk the
URL map and fail on any route nobody classified.
"""
from __future__ import annotations

from functools import cache, wraps
from typing import Any, Callable, TypeVar

from flask import Flask, abort, g, request
from flask_babel import gettext
from flask_login import LoginManager, current_user
from werkzeug.routing import IntegerConverter
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from ir_app.i18n_markers import N_
from ir_app.models import Organisation, OrgKind, User
from ir_app.services.authz import Permission, can_reach_commune, has_permission, is_global
from ir_app.services.menu import USER_ID, MenuFigures, menu_columns
from ir_app.web.context import db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")  # translated by localize_callback
login_manager.localize_callback = gettext
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

AUTHENTICATED = "authenticated"
PUBLIC = "public"
T = TypeVar("T", bound=Callable[..., Any])
MAX_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` limited to what a database id can hold: a longer number is simply a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(alternative_id: str) -> User | None:
    user_id, _, token = alternative_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token:
        return None
    row = db().execute(_user_statement(), {USER_ID.key: int(user_id)}).unique().first()
    if row is None:
        return None
    user, unread_count, last = row
    if not user.is_active or user.session_token != token:
        return None
    g.menu_figures = MenuFigures(unread_count or 0, last)
    return user


@cache
def _user_statement() -> Select:
    """One statement, built once (every page runs it): the organisation is joined already, the roles
    join too instead of a second SELECT, and the menu's two figures come along."""
    return (select(User, *menu_columns()).options(joinedload(User.role_rows))
            .where(User.id == USER_ID))


def _tag(view: T, access: str) -> T:
    view.ir_access = access  # type: ignore[attr-defined]
    return view


def public(view: T) -> T:
    return _tag(view, PUBLIC)


def requires(permission: Permission | str = AUTHENTICATED) -> Callable[[T], T]:
    """Signed-in user holding `permission` (or any signed-in user for AUTHENTICATED)."""

    def decorate(view: T) -> T:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if permission != AUTHENTICATED and not has_permission(current_user, Permission(permission)):
                abort(403)
            return view(*args, **kwargs)

        return _tag(guarded, str(permission))

    return decorate


def commune_of(obj: Any) -> Organisation:
    """Every tenant object reaches its commune through `commune` or a parent chain."""
    for path in ("commune", "organisation", "system.commune", "dossier.commune", "review.commune",
                 "incident.commune", "plan.system.commune"):
        target = obj
        for name in path.split("."):
            target = getattr(target, name, None)
            if target is None:
                break
        if isinstance(target, Organisation):
            return target
    raise TypeError(f"{type(obj).__name__} has no commune")


def load_scoped(model: type, object_id: int, permission: Permission, session: Session | None = None,
                options: tuple = ()):
    """The object if the user may use it for `permission`; 404 otherwise (existence doesn't leak)."""
    obj = (session or db()).get(model, object_id, options=options)
    if obj is None:
        abort(404)
    try:
        commune = commune_of(obj)
    except TypeError:  # not attached to a commune: only global users may see it
        commune = None
    if commune is None and not is_global(current_user):
        abort(404)
    if commune is not None and not can_reach_commune(current_user, commune, permission):
        abort(404)
    return obj


def require_commune(commune: Organisation | None, permission: Permission) -> Organisation:
    if commune is None or commune.kind != OrgKind.COMMUNE:
        abort(404)
    if not can_reach_commune(current_user, commune, permission):
        abort(403 if commune.id == current_user.organisation_id else 404)
    return commune


def can(permission: Permission, obj: Any | None = None) -> bool:
    """For templates: show a button only when the server would accept the action."""
    if not current_user.is_authenticated:
        return False
    if obj is None:
        return has_permission(current_user, permission)
    commune = obj if isinstance(obj, Organisation) else commune_of(obj)
    return can_reach_commune(current_user, commune, permission)


def page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100000)) if value.isascii() and value.isdigit() else 1


def database_id(text: str | None) -> int | None:
    """An id typed into a form (a select's value): None unless it is a number a database id can be.
    ("²".isdigit() is true, yet int("²") fails: only ASCII digits count.)"""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
