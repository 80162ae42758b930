"""The shape of a due item, and what a provider may read."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, tzinfo
from pathlib import Path

from sqlalchemy.orm import Session

from ir_app.datafiles.holidays import calendar_for
from ir_app.domain.holidays import WorkingCalendar
from ir_app.domain.reminders import Threshold, reminder_horizon


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
    # True: providers may leave out deadlines with no threshold reached at `now` (the reminder
    # sweep and the work queue drop them anyway; the calendar needs them all).
    reached_only: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.zone)

    @property
    def today(self) -> date:
        return self.local_now.date()

    @cached_property
    def holidays(self) -> frozenset[date]:
        return self._calendar.holidays

    @cached_property
    def extra_workdays(self) -> frozenset[date]:
        return self._calendar.extra_workdays

    @cached_property
    def _calendar(self) -> WorkingCalendar:
        """A few years around "now", from the configured level_dossiers folder (its holidays.yaml
        pins the Government's Tết schedule); read once per sweep."""
        from ir_app.config import load_config

        year = self.today.year
        return calendar_for(range(year - 1, year + 3), Path(load_config()["IR_LEVEL_DOSSIERS_DIR"]))

    def remindable(self, due_column, thresholds: Sequence[Threshold]):
        """With `reached_only`, a WHERE clause keeping rows due early enough for a threshold to be
        reached today (or None: every row). Thresholds are still checked per item afterwards."""
        return due_column <= reminder_horizon(thresholds, self.today) if self.reached_only else None

    def scoped(self, column):
        """A WHERE clause restricting a commune column to the context's scope (or None)."""
        return None if self.commune_ids is None else column.in_(list(self.commune_ids))
