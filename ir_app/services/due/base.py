"""The shape of a due item, and what a provider may read."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from ir_app.datafiles.regimes import vn_holidays, vn_weekend_workdays
from ir_app.domain.reminders import Threshold


@dataclass(frozen=True)
class Deadline:
    """Something due by a date (a whole local day) or an instant (aware datetime).

    `uid` names the due item itself and never changes while the item is the same: reminders
    are keyed `<uid>:<threshold code>`, calendar events `<uid>`. Put whatever makes a new
    occurrence different into it (a dossier re-entering a step gets a new due date, so the
    date is part of the uid).
    """

    uid: str                                  # e.g. "dossier:12:step:accepted:2026-12-10"
    kind: str                                 # notification kind: dossier_due, backup_overdue, …
    title: str
    due: date | datetime
    commune_id: int | None                    # None: belongs to no commune (shared playbooks)
    roles: tuple[str, ...] = ()               # who is responsible, by role in the commune
    user_ids: tuple[int, ...] = ()            # … and/or by name
    thresholds: tuple[Threshold, ...] = ()    # when to remind, earliest first; () = never
    detail: str = ""
    link: str = ""
    in_calendar: bool = True
    # False for reminders whose title already says it all ("Sao lưu quá hạn: …"): no "[Đến hạn]" prefix.
    show_threshold: bool = True


@dataclass
class DueContext:
    """What providers read: the session, the moment, the local zone, and an optional scope."""

    session: Session
    now: datetime
    zone: tzinfo
    playbooks_dir: Path | None = None
    commune_ids: Collection[int] | None = None    # None: every commune
    extra: dict = field(default_factory=dict)

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.zone)

    @property
    def today(self) -> date:
        return self.local_now.date()

    @property
    def holidays(self) -> frozenset[date]:
        return _holidays(self.today.year)

    @property
    def extra_workdays(self) -> frozenset[date]:
        return _extra_workdays(self.today.year)

    def scoped(self, column):
        """A WHERE clause restricting a commune column to the context's scope (or None)."""
        return None if self.commune_ids is None else column.in_(list(self.commune_ids))


# The holiday calendar of a few years around "now" is the same for every sweep: build it once.
@lru_cache(maxsize=4)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(vn_holidays(range(year - 1, year + 3)))


@lru_cache(maxsize=4)
def _extra_workdays(year: int) -> frozenset[date]:
    return frozenset(vn_weekend_workdays(range(year - 1, year + 3)))
