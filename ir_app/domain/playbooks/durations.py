"""ISO-8601 durations: parsing them, calendar months, and adding months to a date."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from ir_app.domain.playbooks.errors import _Problems

_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)
_WEEKS = re.compile(r"P(?P<weeks>\d+)W")


def parse_iso_duration(text: str) -> timedelta:
    """ISO-8601 duration → timedelta (PnYnMnDTnHnMnS or PnW; a month is 30 days, a year 365).

    Calendar-exact months do not matter here: durations are deadlines and review intervals,
    and a fixed length keeps them comparable and testable.
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} không phải chuỗi khoảng thời gian ISO-8601 (ví dụ PT72H, P7D, P12M)")
    weeks = _WEEKS.fullmatch(text)
    if weeks:
        return timedelta(weeks=int(weeks["weeks"]))
    match = _DURATION.fullmatch(text)
    parts = match.groupdict() if match else {}
    if not match or text.endswith("T") or not any(parts.values()):
        raise ValueError(
            f"'{text}' không phải khoảng thời gian ISO-8601 hợp lệ (ví dụ PT0H, PT24H, P5D, P12M, P2W)")
    number = {key: float((value or "0").replace(",", ".")) for key, value in parts.items()}
    return timedelta(
        days=number["years"] * 365 + number["months"] * 30 + number["days"],
        hours=number["hours"], minutes=number["minutes"], seconds=number["seconds"],
    )


_CALENDAR_MONTHS = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?")


def calendar_months(text: str) -> int | None:
    """P1Y → 12, P6M → 6, P1Y6M → 18; None for durations with days or times (counted exactly)."""
    match = _CALENDAR_MONTHS.fullmatch(text or "")
    if match is None or not any(match.groups()):
        return None
    years, months = (int(group or 0) for group in match.groups())
    return 12 * years + months




def _duration(value: Any, problems: _Problems, where: str) -> tuple[timedelta, str]:
    try:
        return parse_iso_duration(value), value
    except ValueError as error:
        problems.add(where, str(error))
        return timedelta(0), str(value)
