"""The navigation menu of a signed-in page, drawn once per user, change and minute (per worker).

Its two dozen links, translations and permission checks cost about 0.7 ms of every page
(bench/README.md, round 15), yet the menu changes only with:

- the user: their version moves with their roles and commune, which decide the links;
- the page's language;
- the menu's figures: unread notifications, and the newest audit event, on which the work count
  is kept too (`web.work.work_count`);
- the session's CSRF token: the sign-out form carries a token of it. Tokens have no time limit
  (`WTF_CSRF_TIME_LIMIT=None`), so any token of the session is accepted;
- the minute: the work count's reminder thresholds are clock times.

The menu is kept under these, as the province-wide pages are (`web.page_cache`), and turned off the
same way (`IR_PAGE_CACHE_ENTRIES=0`).
"""
from __future__ import annotations

from flask import Flask, current_app, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ir_app.web.page_cache import MinuteCache, this_minute
from ir_app.web.work import menu

TEMPLATE = "_navigation.html"


def init_app(app: Flask) -> None:
    app.extensions["ir_navigation_cache"] = MinuteCache(int(app.config["IR_PAGE_CACHE_ENTRIES"]))
    app.add_template_global(navigation, "navigation")


def navigation() -> Markup:
    """The `<nav>` of the page: drawn, or taken from what this user's last page drew."""
    cache: MinuteCache = current_app.extensions["ir_navigation_cache"]
    if not current_user.is_authenticated:
        return _draw()
    generate_csrf()  # the session's token exists before it is part of the key
    user, figures = current_user._get_current_object(), menu()
    key = (user.id, user.version, str(get_locale()), figures.unread, figures.last_change,
           session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")), request.script_root)
    return cache.fetch(this_minute(), key, _draw)


def _draw() -> Markup:
    return Markup(render_template(TEMPLATE))  # noqa: S704 - the output of an autoescaped template
