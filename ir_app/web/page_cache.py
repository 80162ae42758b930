"""Province-wide pages computed once per change and minute, per worker.

The overview's commune tables, the province view and a user's work queue cost tens of statements and
tens of milliseconds, and an officer of the province opens them many times a day while nothing has
changed. Each is kept under a key made of:

- the user (their id and version: roles, commune) and the page's language;
- the newest audited change in the user's scope (`services.change_mark`): any change a user could
  see on these pages is audited, so the next view after it computes again — a backup recorded is
  on the overview at once;
- the current minute: what the clock alone changes (an overdue backup, "còn 3 giờ") is at most one
  minute behind, and nothing unaudited (a file edited on disk) outlives a minute.

Only the current minute's entries are kept, so a worker's memory holds what its users of the last
minute asked for, and never more than `IR_PAGE_CACHE_ENTRIES` of them (0 turns caching off).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from ir_app.services.change_mark import change_mark
from ir_app.web.context import db, now

T = TypeVar("T")


class MinuteCache:
    """A bounded map whose entries all belong to one minute; thread-safe (gunicorn threads)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._minute: datetime | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, minute: datetime, key: Hashable) -> Any | None:
        with self._lock:
            if minute != self._minute or key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, minute: datetime, key: Hashable, value: Any) -> None:
        with self._lock:
            if minute != self._minute:
                if self._minute is not None and minute < self._minute:
                    return  # a request of the previous minute finishing late: its value is old
                self._minute = minute
                self._entries.clear()
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def fetch(self, minute: datetime, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under ``key`` this minute, else ``compute()``'s, kept (off when bounded at 0)."""
        if self.max_entries <= 0:
            return compute()
        value = self.get(minute, key)
        if value is None:
            value = compute()
            self.put(minute, key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def init_app(app) -> None:
    app.extensions["ir_page_cache"] = MinuteCache(int(app.config["IR_PAGE_CACHE_ENTRIES"]))


def scope_mark() -> int:
    """The signed-in user's change mark, read once per request (again after the request commits)."""
    if "change_mark" not in g:
        g.change_mark = change_mark(db(), current_user._get_current_object())
    return g.change_mark


@event.listens_for(Session, "after_commit")
def _mark_after_commit(_session: Session) -> None:
    if has_request_context():
        g.pop("change_mark", None)


def cached(name: str, compute: Callable[[], T], *parts: Hashable) -> T:
    """``compute()`` for this user, language, change mark and minute; ``parts`` tell apart the
    variants of one page (sort order, filters)."""
    cache: MinuteCache = current_app.extensions["ir_page_cache"]
    if cache.max_entries <= 0:
        return compute()  # before the key: the change mark costs a statement
    user = current_user._get_current_object()
    key = (name, user.id, user.version, str(get_locale()), scope_mark(), *parts)
    return cache.fetch(this_minute(), key, compute)


def this_minute() -> datetime:
    return now().replace(second=0, microsecond=0)


def cached_html(name: str, render: Callable[[], str], *parts: Hashable) -> Markup:
    """A part of a page drawn by one of our templates (so already escaped), kept like `cached`."""
    return Markup(cached(name, render, *parts))  # noqa: S704 - the output of an autoescaped template
