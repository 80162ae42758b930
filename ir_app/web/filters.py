"""Jinja filters and globals: Vietnamese dates in the commune's time zone, translated labels."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale

from ir_app.models.org import ROLE_LABELS
from ir_app.services.authz import Permission
from ir_app.services.incidents.summary import duration_parts
from ir_app.web import access
from ir_app.web.i18n import gettext, ngettext


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["IR_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    return value.astimezone(local_tz())


def vn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | str | None) -> str:
    """A moment, or its ISO-8601 text as kept in JSON columns, in local time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return "" if value is None else to_local(value).strftime("%H:%M %d/%m/%Y")


def vn_number(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", ".")


def yes_no(value: bool) -> str:
    return gettext("Có") if value else gettext("Không")


def translate(value: Any) -> Any:
    """`|t`: a label marked with N_ outside the web layer, in the page's language.

    Unlike `_()` in a template, the result is a plain string (escaped like any value), so it is
    safe on labels that may hold user data: an unknown text comes back unchanged."""
    if isinstance(value, str) and value:
        return gettext(value)
    return value


def in_english() -> bool:
    return str(get_locale() or "vi") == "en"


def localised(item: Any, attribute: str) -> Any:
    """`|localised('label')`: a text from a data file in the page's language. The data files carry
    both (`label` and `label_en`); an English page shows `label_en` when the file gives one."""
    value = getattr(item, attribute)
    return (getattr(item, f"{attribute}_en", "") or value) if in_english() else value


def regime_text(text: Any, regime: Any) -> Any:
    """`|regime_text(regime)`: one of the regime's Vietnamese texts (a criterion kept in a dossier's
    reasons, a message of its conditions) in the page's language."""
    return regime.english(text) if in_english() and isinstance(text, str) else text


# One word per unit in the page's language (literal msgids, for extraction).
_UNIT_TEXTS = {
    "day": lambda amount: ngettext("%(num)s ngày", "%(num)s ngày", amount),
    "hour": lambda amount: ngettext("%(num)s giờ", "%(num)s giờ", amount),
    "minute": lambda amount: ngettext("%(num)s phút", "%(num)s phút", amount),
}


def format_duration(value: timedelta | None) -> str:
    """"2 ngày 3 giờ", "5 giờ 20 phút", "45 phút" in the page's language, to the minute."""
    if value is None:
        return "—"
    return " ".join(_UNIT_TEXTS[unit](amount) for amount, unit in duration_parts(value))


def page_url(page: int) -> str:
    args = dict(request.view_args or {})
    query = request.args.to_dict()
    query["page"] = str(page)
    return url_for(request.endpoint, **args, **query)


def init_app(app: Flask) -> None:
    app.add_template_filter(vn_date)
    app.add_template_filter(vn_datetime)
    app.add_template_filter(vn_number)
    app.add_template_filter(yes_no)
    app.add_template_filter(translate, "t")
    app.add_template_filter(localised)
    app.add_template_filter(regime_text)
    app.add_template_global(format_duration, "format_duration")
    app.add_template_global(access.can, "can")
    app.add_template_global(Permission, "P")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
    app.add_template_global(page_url, "page_url")
    app.add_template_global(lambda: str(get_locale() or "vi"), "current_locale")
