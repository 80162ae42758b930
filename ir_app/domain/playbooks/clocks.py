"""Reporting clocks: the legal deadline rules and which of them apply to an incident, and when."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ir_app.domain.conditions import ANY_NAME, ConditionError, KnownNames, Rule, compile_condition
from ir_app.domain.playbooks.durations import _duration
from ir_app.domain.playbooks.errors import _field, _Problems
from ir_app.domain.playbooks.readers import _flag, _ident, _items, _mapping, _text, _texts, _unique

CLOCK_STARTS = ("detected_at", "discovered_at", "resolved_at")
CLOCK_KINDS = ("initial_notice", "report", "update", "final_report", "pdp_notice", "subject_notice")
# Facts the clock arithmetic itself supplies; conditions may always refer to them.
TIME_FACTS = CLOCK_STARTS


@dataclass(frozen=True)
class ClockRule:
    """A legal (or commune-default) reporting deadline, applicable when ``applies_when`` holds."""

    id: str
    title: str
    recipient: str
    starts_at: str
    duration: timedelta
    duration_text: str
    applies_when: Rule | None = field(hash=False)  # compiled on load (domain.conditions); None = always
    regimes: tuple[str, ...]
    kind: str
    article: str
    statutory: bool = True  # False: no fixed legal deadline, the duration is the commune's default
    form: str = ""
    contents: tuple[str, ...] = ()
    note: str = ""
    # "Ngay" (duration 0) read as "within this long" (clocks.yaml › immediately): a report sent
    # minutes after detection is on time. Zero for every other rule.
    grace: timedelta = timedelta(0)

    @property
    def is_immediate(self) -> bool:
        return self.duration == timedelta(0)


def build_clock_rules(raw: Any, source: object,
                      known_facts: Iterable[str] | None = None) -> tuple[ClockRule, ...]:
    raw = _mapping(raw, source, "clocks")
    problems = _Problems(source)
    regimes = raw.get("regimes")
    regime_ids = {item.get("id") for item in regimes if isinstance(item, Mapping)} \
        if isinstance(regimes, list) else set()
    if not regime_ids:
        problems.add(_field("regimes"), "phải khai báo danh sách chế độ báo cáo (id, title)")
    facts = None if known_facts is None else set(known_facts) | set(TIME_FACTS)
    grace = _immediately(raw.get("immediately"), problems)
    rules = tuple(_clock_rule(item, regime_ids, facts, problems, grace)
                  for item in _items(raw, "rules", problems, _field("rules")))
    _unique((rule.id for rule in rules), problems, _field("rules"), "quy tắc")
    problems.raise_first()
    return rules


def _immediately(raw: Any, problems: _Problems) -> timedelta:
    """How long "immediately" (a duration of 0) is taken to allow; the reading is in the file's note."""
    if raw is None:
        return timedelta(0)
    where = _field("immediately")
    if not isinstance(raw, Mapping):
        problems.add(where, "phải là một bảng khóa: giá trị (grace, article, note)")
        return timedelta(0)
    grace, _ = _duration(raw.get("grace"), problems, f"{where}, trường 'grace'")
    _text(raw, "article", problems, where)
    _text(raw, "note", problems, where)
    if grace > timedelta(hours=24):
        problems.add(f"{where}, trường 'grace'", "\"ngay\" không thể dài hơn thời hạn 24 giờ của thông báo ban đầu")
    return grace


def _clock_rule(raw: Mapping, regime_ids: set[str], facts: set[str] | None,
                problems: _Problems, immediate_grace: timedelta = timedelta(0)) -> ClockRule:
    where = f"quy tắc '{raw.get('id')}'"
    duration, duration_text = _duration(raw.get("duration"), problems, f"{where}, trường 'duration'")
    regimes = raw.get("regime")
    regimes = (regimes,) if isinstance(regimes, str) else \
        tuple(regimes) if isinstance(regimes, list) else ()
    for regime in regimes:
        if regime not in regime_ids:
            problems.add(where, f"chế độ '{regime}' chưa khai báo trong 'regimes'")
    if not regimes:
        problems.add(where, "thiếu 'regime'")
    for key, allowed in (("starts_at", CLOCK_STARTS), ("kind", CLOCK_KINDS)):
        if raw.get(key) not in allowed:
            problems.add(where, f"{key} '{raw.get(key)}' không hợp lệ; chọn trong: {', '.join(allowed)}")
    condition = None
    if raw.get("applies_when") is not None:
        try:
            condition = compile_condition(raw["applies_when"], ANY_NAME if facts is None else KnownNames(facts))
        except ConditionError as error:
            problems.add(f"{where}, trường 'applies_when'", str(error))
    return ClockRule(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        recipient=_text(raw, "recipient", problems, where), starts_at=str(raw.get("starts_at")),
        duration=duration, duration_text=duration_text, applies_when=condition, regimes=regimes,
        kind=str(raw.get("kind")), article=_text(raw, "article", problems, where),
        statutory=_flag(raw, "statutory", problems, where, default=True),
        form=_text(raw, "form", problems, where, required=False),
        contents=_texts(raw, "contents", problems, where),
        note=_text(raw, "note", problems, where, required=False),
        grace=immediate_grace if duration == timedelta(0) else timedelta(0),
    )


def due_clocks(rules: Iterable[ClockRule], facts: Mapping[str, Any], detected_at: datetime,
               discovered_at: datetime | None = None, regime: str | None = None, *,
               resolved_at: datetime | None = None) -> list[tuple[ClockRule, datetime]]:
    """The reporting deadlines that apply to an incident, earliest first ("immediately" plus its grace).

    ``discovered_at`` (when a personal-data breach was found) defaults to ``detected_at``;
    rules counted from ``resolved_at`` appear only once the incident is resolved.
    ``regime`` None lets the rules' own conditions (detection date) choose.
    """
    discovered_at = discovered_at or detected_at
    for name, moment in (("detected_at", detected_at), ("discovered_at", discovered_at),
                         ("resolved_at", resolved_at)):
        if moment is not None and moment.tzinfo is None:
            raise ValueError(f"{name} phải là thời điểm có múi giờ")
    starts = {"detected_at": detected_at, "discovered_at": discovered_at, "resolved_at": resolved_at}
    known = {**facts, **starts}
    found = [
        (rule, starts[rule.starts_at] + rule.duration + rule.grace)
        for rule in rules
        if (regime is None or regime in rule.regimes)
        and starts.get(rule.starts_at) is not None
        and (rule.applies_when is None or rule.applies_when(known))
    ]
    return sorted(found, key=lambda pair: pair[1])
