"""Training (tập huấn) rules, as plain data: who must be trained on what, how long a passed course
counts, and where each person and each commune stands.

The requirements (level_dossiers/training/*.yaml) say, per role, which topic must be learnt and for
how many months a passed session stays valid. For one person and one requirement:

- **met**: the last passed session of that topic is still valid for more than ``warn_days``;
- **expiring**: still valid, but for ``warn_days`` or less;
- **missing**: never trained on it, or the last training has expired.

A requirement *period* is what a reminder is sent once for: the validity window of the last
training, then (once expired, or when never trained) consecutive windows of ``validity_months``.
Standard library only.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ir_app.domain.dates import add_months
from ir_app.domain.requirements import DataFileError

MET, EXPIRING, MISSING = "met", "expiring", "missing"
STATE_LABELS = {MET: "Đạt", EXPIRING: "Sắp hết hạn", MISSING: "Thiếu"}
# Windows for people never trained are counted from this day: January for yearly requirements.
EPOCH = date(2000, 1, 1)


class TrainingDataError(DataFileError):
    """The training requirements file is unusable; names the file, the field, the reason."""


@dataclass(frozen=True)
class Basis:
    citation: str
    quote: str


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    topic: str
    roles: frozenset[str]
    validity_months: int
    basis: tuple[Basis, ...]

    def applies_to(self, roles: Iterable[str]) -> bool:
        return bool(self.roles & set(roles))


@dataclass(frozen=True)
class TrainingRules:
    id: str
    version: int
    title: str
    warn_days: int
    topics: Mapping[str, str]              # id → title, in the file's order
    requirements: tuple[Requirement, ...]

    def for_roles(self, roles: Iterable[str]) -> list[Requirement]:
        roles = set(roles)
        return [requirement for requirement in self.requirements if requirement.applies_to(roles)]

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role some requirement names, in the order they first appear."""
        return tuple(dict.fromkeys(role for requirement in self.requirements for role in sorted(requirement.roles)))


def build_training_rules(raw: dict[str, Any], source: str) -> TrainingRules:
    """Domain checks after the schema: unique ids, declared topics."""
    topics = {topic["id"]: topic["title"] for topic in raw["topics"]}
    if len(topics) != len(raw["topics"]):
        raise TrainingDataError(source, "topics", "có chủ đề trùng mã")
    requirements = []
    for index, item in enumerate(raw["requirements"]):
        if item["topic"] not in topics:
            raise TrainingDataError(source, f"requirements[{index}].topic",
                                    f"chủ đề '{item['topic']}' chưa khai báo trong topics")
        requirements.append(Requirement(
            id=item["id"], title=item["title"], topic=item["topic"], roles=frozenset(item["roles"]),
            validity_months=item["validity_months"],
            basis=tuple(Basis(entry["citation"], entry["quote"]) for entry in item["basis"])))
    if len({requirement.id for requirement in requirements}) != len(requirements):
        raise TrainingDataError(source, "requirements", "có yêu cầu trùng mã")
    return TrainingRules(id=raw["id"], version=raw["version"], title=raw["title"], warn_days=raw["warn_days"],
                         topics=topics, requirements=tuple(requirements))


@dataclass(frozen=True)
class Standing:
    """One person against one requirement on a given day."""

    requirement: Requirement
    state: str
    last_trained_on: date | None
    valid_until: date | None     # the last day the training counts (None: never trained)
    period_start: date           # the requirement period a reminder belongs to (see the module doc)

    @property
    def is_valid(self) -> bool:
        return self.state != MISSING

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def standing(requirement: Requirement, trained_on: Iterable[date], today: date, warn_days: int) -> Standing:
    """Where a person stands on ``today``, from the days they passed a session of the topic."""
    days = [day for day in trained_on if day <= today]
    months = requirement.validity_months
    if not days:
        return Standing(requirement, MISSING, None, None, _window_start(today, months))
    last = max(days)
    valid_until = add_months(last, months)
    left = (valid_until - today).days
    if left < 0:
        return Standing(requirement, MISSING, last, valid_until, _missed_period(valid_until, today, months))
    return Standing(requirement, EXPIRING if left <= warn_days else MET, last, valid_until, valid_until)


def _window_start(today: date, months: int) -> date:
    elapsed = (today.year - EPOCH.year) * 12 + today.month - 1
    return add_months(EPOCH, elapsed - elapsed % months)


def _missed_period(valid_until: date, today: date, months: int) -> date:
    """The start of the period ``today`` falls in, counting whole periods from the expiry."""
    start = valid_until
    while add_months(start, months) <= today:
        start = add_months(start, months)
    return start


@dataclass(frozen=True)
class Person:
    """Someone of the commune the requirements may apply to: an account, or a named person."""

    key: str                       # "user:12" or "name:<folded name>"
    name: str
    roles: frozenset[str]
    position: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class PersonRow:
    person: Person
    standings: tuple[Standing, ...]

    def standing_for(self, requirement_id: str) -> Standing | None:
        return next((item for item in self.standings if item.requirement.id == requirement_id), None)


@dataclass(frozen=True)
class Coverage:
    rows: tuple[PersonRow, ...]
    requirements: tuple[Requirement, ...]

    @property
    def required(self) -> int:
        return sum(len(row.standings) for row in self.rows)

    @property
    def met(self) -> int:
        return sum(1 for row in self.rows for item in row.standings if item.is_valid)

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows for item in row.standings if item.state == state)

    @property
    def percent(self) -> int | None:
        """Share of (person, requirement) pairs currently valid; None when nothing is required."""
        return None if not self.required else self.met * 100 // self.required


def coverage(people: Sequence[Person], rules: TrainingRules,
             trained: Mapping[tuple[str, str], Sequence[date]], today: date) -> Coverage:
    """Every person × every requirement of their roles; ``trained[(person key, topic)]`` lists the
    days they passed a session of that topic."""
    rows = []
    for person in people:
        standings = tuple(standing(requirement, trained.get((person.key, requirement.topic), ()), today,
                                   rules.warn_days) for requirement in rules.for_roles(person.roles))
        if standings:
            rows.append(PersonRow(person, standings))
    used = {item.requirement.id for row in rows for item in row.standings}
    return Coverage(tuple(rows), tuple(req for req in rules.requirements if req.id in used))


def coverage_level(percent: int | None) -> str:
    """Red / amber / green for a commune's coverage: green when everyone is trained, amber from 70%."""
    if percent is None or percent >= 100:
        return "green"
    return "amber" if percent >= 70 else "red"


def name_key(name: str) -> str:
    """The identity of a person without an account: the name, case and spacing folded."""
    return "name:" + " ".join(name.split()).casefold()
