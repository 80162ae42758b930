"""Build per-level appraisal/approval authority, deadlines and review intervals from raw data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ir_app.domain.regimes.model import (
    APPROVAL_SUBJECTS,
    DEADLINE_KEYS,
    DEADLINE_UNITS,
    LEVELS,
    PARTY_KEYS,
    Approval,
    Arrangement,
    Authority,
    Deadline,
    DrillDuty,
    IndependentAppraisal,
    Party,
    ReviewInterval,
)
from ir_app.domain.regimes.reader import _Reader, _per_level


def _party(r: _Reader, raw: Any, path: str, extra: tuple[str, ...] = ()) -> Mapping:
    r.mapping(raw, path, ("key", "text") + extra)
    r.choice(raw, "key", path, PARTY_KEYS)
    r.text(raw, "text", path)
    return raw


def _authority(r: _Reader, raw: Mapping) -> tuple[Authority, ...]:
    result, entries = [], []
    for index, item in enumerate(r.items(raw, "authority", "$")):
        path = f"$.authority[{index}]"
        r.mapping(item, path, ("levels", "appraiser", "approvers", "expert_opinion", "article",
                               "note", "independent_appraisal"))
        levels = r.levels(item, "levels", path)
        appraiser = _party(r, r.value(item, "appraiser", path, (Mapping,), "một đối tượng"),
                           f"{path}.appraiser")
        approvers = []
        for i, entry in enumerate(r.items(item, "approvers", path)):
            where = f"{path}.approvers[{i}]"
            _party(r, entry, where, ("subject",))
            approvers.append(Approval(entry["key"], entry["text"],
                                      r.choice(entry, "subject", where, APPROVAL_SUBJECTS)))
        expert = item.get("expert_opinion")
        if expert is not None:
            _party(r, expert, f"{path}.expert_opinion")
        article, note = r.text(item, "article", path), r.text(item, "note", path, required=False)
        independent = _independent_appraisal(r, item, path, appraiser["key"])
        entries.append((path, levels, ""))
        for level in levels:
            result.append(Authority(
                level=level, appraiser=Party(appraiser["key"], appraiser["text"]),
                approvers=tuple(approvers),
                expert_opinion=Party(expert["key"], expert["text"]) if expert else None,
                article=article, note=note, independent_appraisal=independent))
    _per_level(r, entries, "cơ quan thẩm định, phê duyệt", "$.authority")
    return tuple(sorted(result, key=lambda a: a.level))


def _independent_appraisal(r: _Reader, item: Mapping, path: str,
                           appraiser: str) -> IndependentAppraisal | None:
    raw = item.get("independent_appraisal")
    if raw is None:
        return None
    path = f"{path}.independent_appraisal"
    r.mapping(raw, path, ("article", "arrangements", "note"))
    if appraiser != "specialised_unit":
        r.fail(path, "chỉ khai báo khi đơn vị chuyên trách thẩm định (appraiser: specialised_unit)")
    arrangements = []
    for index, entry in enumerate(r.items(raw, "arrangements", path)):
        where = f"{path}.arrangements[{index}]"
        r.mapping(entry, where, ("key", "text", "members_required"))
        arrangements.append(Arrangement(r.choice(entry, "key", where, ("subordinate_unit", "independent_council")),
                                        r.text(entry, "text", where),
                                        r.flag(entry, "members_required", where)))
    if len({a.key for a in arrangements}) != len(arrangements):
        r.fail(f"{path}.arrangements", "phương án bị lặp")
    return IndependentAppraisal(r.text(raw, "article", path), tuple(arrangements),
                                r.text(raw, "note", path, required=False))


def _deadlines(r: _Reader, raw: Mapping) -> tuple[Deadline, ...]:
    result, entries = [], []
    for index, item in enumerate(r.items(raw, "deadlines", "$")):
        path = f"$.deadlines[{index}]"
        r.mapping(item, path, ("key", "levels", "days", "unit", "article", "note"))
        key = r.choice(item, "key", path, DEADLINE_KEYS)
        levels = r.levels(item, "levels", path)
        days = r.integer(item, "days", path, required=False)
        if days is not None and days <= 0:
            r.fail(f"{path}.days", "thời hạn phải là số ngày dương")
        note = r.text(item, "note", path, required=False)
        if days is None and not note:
            r.fail(f"{path}.note", "khi văn bản không quy định thời hạn (days: null) phải ghi chú lý do")
        unit = r.choice(item, "unit", path, DEADLINE_UNITS)
        article = r.text(item, "article", path)
        entries.append((path, levels, key))
        result.extend(Deadline(key, level, days, unit, article, note) for level in levels)
    _per_level(r, entries, "thời hạn", "$.deadlines")
    missing = set(DEADLINE_KEYS) - {d.key for d in result}
    if missing:
        r.fail("$.deadlines", f"thiếu thời hạn: {', '.join(sorted(missing))}")
    return tuple(sorted(result, key=lambda d: (DEADLINE_KEYS.index(d.key), d.level)))


def _review_intervals(r: _Reader, raw: Mapping) -> tuple[ReviewInterval, ...]:
    item = r.mapping(r.value(raw, "review_interval_months", "$", (Mapping,), "một đối tượng"),
                     "$.review_interval_months", ("article", "note", "by_level"))
    path = "$.review_interval_months"
    article, note = r.text(item, "article", path), r.text(item, "note", path, required=False)
    result, entries = [], []
    for index, entry in enumerate(r.items(item, "by_level", path)):
        where = f"{path}.by_level[{index}]"
        r.mapping(entry, where, ("level", "months", "external_assessment"))
        level = r.integer(entry, "level", where)
        if level not in LEVELS:
            r.fail(f"{where}.level", "cấp độ phải từ 1 đến 5")
        months = r.integer(entry, "months", where)
        if months <= 0:
            r.fail(f"{where}.months", "số tháng phải dương")
        entries.append((where, (level,), ""))
        result.append(ReviewInterval(level, months, r.flag(entry, "external_assessment", where),
                                     article, note))
    _per_level(r, entries, "chu kỳ kiểm tra, đánh giá", f"{path}.by_level")
    return tuple(sorted(result, key=lambda i: i.level))


DRILL_PERIODS = (1, 2, 3, 4, 6, 12)   # months that divide the calendar year into whole periods


def _drill_duty(r: _Reader, raw: Mapping) -> DrillDuty | None:
    if raw.get("drills") is None:
        return None
    path = "$.drills"
    item = r.mapping(r.value(raw, "drills", "$", (Mapping,), "một đối tượng"), path,
                     ("levels", "period_months", "remind_days_before_end", "article", "note"))
    period = r.integer(item, "period_months", path)
    if period not in DRILL_PERIODS:
        r.fail(f"{path}.period_months", "chu kỳ diễn tập phải là 1, 2, 3, 4, 6 hoặc 12 tháng")
    remind = r.integer(item, "remind_days_before_end", path)
    if not 0 <= remind <= 366:
        r.fail(f"{path}.remind_days_before_end", "số ngày nhắc trước phải từ 0 đến 366")
    return DrillDuty(r.levels(item, "levels", path), period, remind, r.text(item, "article", path),
                     r.text(item, "note", path, required=False))
