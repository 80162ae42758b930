"""Vietnamese first; English on request (?lang=en, then a cookie or the user's choice)."""
from __future__ import annotations

from flask import request
from flask_login import current_user

SUPPORTED = ("vi", "en")


def select_locale() -> str:
    asked = request.args.get("lang") or request.cookies.get("lang")
    if asked in SUPPORTED:
        return asked
    try:
        if getattr(current_user, "is_authenticated", False) and current_user.locale in SUPPORTED:
            return current_user.locale
    except Exception:  # noqa: S110 - the database may be down while an error page is drawn: Vietnamese then
        pass
    return "vi"
