"""Vietnamese first; English on request (?lang=en, then a cookie or the user's choice)."""
from __future__ import annotations

from flask import Flask, g, request
from flask_babel import get_translations
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


def page_translations():
    """The request's translations, found once per request and locale.

    flask_babel finds them again for every text (three context look-ups and the locale's name
    each time), a few hundred times per page. They are kept beside flask_babel's own locale, so
    `force_locale` and `refresh` (which replace or drop that locale) are followed at once."""
    try:
        space = g._get_current_object()._flask_babel
        locale, translations = space.ir_translations
        if locale is space.babel_locale:
            return translations
    except (RuntimeError, AttributeError):  # outside a request, or not looked up yet
        pass
    translations = get_translations()
    if g:
        space = g._flask_babel
        space.ir_translations = (getattr(space, "babel_locale", None), translations)
    return translations


def gettext(text: str, **variables) -> str:
    found = page_translations().ugettext(text)
    return found % variables if variables else found


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return page_translations().ungettext(singular, plural, num) % variables


def init_app(app: Flask) -> None:
    """Templates' `_()` and `ngettext()` through the request's translations (as flask_babel's own)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: page_translations().ugettext(text),
        ngettext=lambda singular, plural, num: page_translations().ungettext(singular, plural, num),
        pgettext=lambda context, text: page_translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, num: page_translations().unpgettext(context, singular,
                                                                                       plural, num),
        newstyle=True)
