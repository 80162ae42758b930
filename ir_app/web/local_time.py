"""The commune's local time at the edges of the web layer (stored times stay UTC)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from ir_app.web.context import now


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["IR_TIMEZONE"])


def local_now() -> datetime:
    return now().astimezone(local_zone())


def local_today() -> date:
    return local_now().date()
