"""Catalogue of basic security requirements per information-system level.

The shipped catalogue transcribes Thông tư 12/2022/TT-BTTTT, Phụ lục I–V (levels 1..5, mapped to
TCVN 11930:2017). Reading YAML and checking the JSON Schema happen in ``ir_app.datafiles``; this
module gets plain data and checks what a schema cannot: references, uniqueness and the declared
per-level counts, so a transcription slip fails at load time rather than in a dossier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NoReturn

LEVELS = (1, 2, 3, 4, 5)
GROUPS = ("management", "technical")
# TCVN 11930:2017 puts the requirements of level N in section N + 4 (level 1 = section 5).
TCVN_SECTION_OFFSET = 4
_CLAUSE = re.compile(r"^[0-9]+(\.[0-9]+)+$")


class DataFileError(ValueError):
    """A law data file is unusable; names the file, the field and the reason (each family subclasses it)."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        super().__init__(f"{source}: {field}: {reason}")


class CatalogueError(DataFileError):
    """A requirement catalogue file is unusable."""


@dataclass(frozen=True)
class Area:
    id: str
    group: str
    title: str


@dataclass(frozen=True)
class PlanPart:
    id: str
    title: str


@dataclass(frozen=True)
class Requirement:
    id: str
    area: str
    plan_part: str
    title: str
    levels: tuple[int, ...]
    tcvn: str | None = None
    text: str | None = None
    # hash=False: a read-only mapping is not hashable; the other fields identify the requirement.
    tcvn_by_level: Mapping[int, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    # Level criteria (per regime id) that make the requirement's specific product mandatory; the
    # TT 12/2022 rows written "theo khoản 2 Điều 9 NĐ 85/2016" carry their NĐ 331 counterpart too.
    criteria: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    criteria_note: str = ""

    def applies_to(self, level: int) -> bool:
        return level in self.levels

    def criteria_for(self, regime_id: str) -> tuple[str, ...]:
        return self.criteria.get(regime_id, ())

    def product_required(self, regime_id: str, met_criteria: set[str] | frozenset[str]) -> bool | None:
        """Whether a system that met ``met_criteria`` must use the named product (None: not keyed)."""
        keyed = self.criteria_for(regime_id)
        if not keyed:
            return None
        return bool(set(keyed) & set(met_criteria))

    def tcvn_for(self, level: int) -> str | None:
        """Clause cited at ``level`` (numbering shifts between levels, so never derive it)."""
        return self.tcvn_by_level.get(level)


@dataclass(frozen=True)
class Catalogue:
    id: str
    title: str
    source: str
    standard: str
    areas: tuple[Area, ...]
    plan_parts: tuple[PlanPart, ...]
    requirements: tuple[Requirement, ...]
    expected_counts: Mapping[int, int] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )

    def for_level(self, level: int) -> list[Requirement]:
        """Requirements of one level, in catalogue order (which follows the appendix)."""
        if level not in LEVELS:
            raise ValueError(f"cấp độ phải từ 1 đến 5, nhận được {level!r}")
        return [req for req in self.requirements if level in req.levels]

    def count_by_level(self) -> dict[int, int]:
        return {level: len(self.for_level(level)) for level in LEVELS}

    def area(self, area_id: str) -> Area:
        return _by_id(self.areas, area_id)

    def plan_part(self, part_id: str) -> PlanPart:
        return _by_id(self.plan_parts, part_id)

    def requirement(self, requirement_id: str) -> Requirement:
        return _by_id(self.requirements, requirement_id)


def _by_id(items, item_id):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


def build_catalogue(raw: Mapping[str, Any], source: str) -> Catalogue:
    """Turn parsed catalogue data into a ``Catalogue``; raise ``CatalogueError`` on bad data."""
    check = _Checker(source)
    if not isinstance(raw, Mapping):
        check.fail("$", "tệp phải là một bảng (mapping) ở cấp ngoài cùng")
    header = check.mapping(raw.get("catalogue"), "catalogue")
    areas = _build_areas(check, raw.get("areas"))
    plan_parts = _build_plan_parts(check, raw.get("plan_parts"))
    requirements = _build_requirements(
        check, raw.get("requirements"), {a.id for a in areas}, {p.id for p in plan_parts}
    )
    catalogue = Catalogue(
        id=check.text(header, "id", "catalogue"),
        title=check.text(header, "title", "catalogue"),
        source=check.text(header, "source", "catalogue"),
        standard=check.text(header, "standard", "catalogue"),
        areas=areas,
        plan_parts=plan_parts,
        requirements=requirements,
        expected_counts=_expected_counts(check, header.get("expected_counts")),
    )
    _check_counts(check, catalogue)
    return catalogue


def _build_areas(check: _Checker, raw: Any) -> tuple[Area, ...]:
    areas = []
    for index, item in enumerate(check.sequence(raw, "areas")):
        where = f"areas[{index}]"
        item = check.mapping(item, where)
        group = check.text(item, "group", where)
        if group not in GROUPS:
            check.fail(f"{where}.group", f"nhóm '{group}' không hợp lệ (management | technical)")
        areas.append(Area(check.text(item, "id", where), group, check.text(item, "title", where)))
    check.unique([(f"areas[{a.id}].id", a.id) for a in areas], "mã lĩnh vực")
    return tuple(areas)


def _build_plan_parts(check: _Checker, raw: Any) -> tuple[PlanPart, ...]:
    parts = []
    for index, item in enumerate(check.sequence(raw, "plan_parts")):
        where = f"plan_parts[{index}]"
        item = check.mapping(item, where)
        parts.append(PlanPart(check.text(item, "id", where), check.text(item, "title", where)))
    check.unique([(f"plan_parts[{p.id}].id", p.id) for p in parts], "mã phần phương án")
    return tuple(parts)


def _build_requirements(
    check: _Checker, raw: Any, area_ids: set[str], part_ids: set[str]
) -> tuple[Requirement, ...]:
    requirements = tuple(
        _build_requirement(check, item, index, area_ids, part_ids)
        for index, item in enumerate(check.sequence(raw, "requirements"))
    )
    check.unique([(f"requirements[{r.id}].id", r.id) for r in requirements], "mã yêu cầu")
    # Same title in the same area must be one entry with several levels, not two entries.
    check.unique(
        [(f"requirements[{r.id}].title", f"{r.area}: {r.title}") for r in requirements],
        "tiêu đề trong lĩnh vực",
    )
    return requirements


def _build_requirement(
    check: _Checker, item: Any, index: int, area_ids: set[str], part_ids: set[str]
) -> Requirement:
    item = check.mapping(item, f"requirements[{index}]")
    req_id = check.text(item, "id", f"requirements[{index}]")
    where = f"requirements[{req_id}]"
    area = check.reference(item, "area", where, area_ids)
    plan_part = check.reference(item, "plan_part", where, part_ids)
    levels = _levels(check, item.get("levels"), f"{where}.levels")
    tcvn_by_level = _tcvn_by_level(check, item.get("tcvn_by_level"), levels, where)
    tcvn = _lowest_clause(check, item.get("tcvn"), levels, tcvn_by_level, where)
    return Requirement(
        id=req_id,
        area=area,
        plan_part=plan_part,
        title=check.text(item, "title", where),
        levels=levels,
        tcvn=tcvn,
        text=check.text(item, "text", where, required=False),
        tcvn_by_level=MappingProxyType(tcvn_by_level),
        criteria=MappingProxyType(_criteria(check, item.get("criteria"), where)),
        criteria_note=check.text(item, "criteria_note", where, required=False) or "",
    )


def _criteria(check: _Checker, raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    where = f"{where}.criteria"
    return {str(regime): tuple(check.sequence(ids, f"{where}.{regime}"))
            for regime, ids in check.mapping(raw, where).items()}


def unknown_criteria(catalogue: Catalogue, known: Mapping[str, set[str]]) -> list[str]:
    """Criteria the catalogue names that no regime declares ("KT.TK.10: nd331-2026 nd331.l3.x")."""
    problems = []
    for requirement in catalogue.requirements:
        for regime_id, ids in requirement.criteria.items():
            if regime_id not in known:
                problems.append(f"{requirement.id}: chế độ '{regime_id}' không có")
                continue
            problems.extend(f"{requirement.id}: tiêu chí '{criterion}' không có trong {regime_id}"
                            for criterion in ids if criterion not in known[regime_id])
    return problems


def _levels(check: _Checker, raw: Any, where: str) -> tuple[int, ...]:
    values = [check.level(value, where) for value in check.sequence(raw, where)]
    if not values:
        check.fail(where, "phải có ít nhất một cấp độ")
    if len(set(values)) != len(values):
        check.fail(where, f"cấp độ bị lặp: {values}")
    return tuple(sorted(values))


def _tcvn_by_level(
    check: _Checker, raw: Any, levels: tuple[int, ...], where: str
) -> dict[int, str]:
    if raw is None:
        return {}
    where = f"{where}.tcvn_by_level"
    clauses = {}
    for key, value in check.mapping(raw, where).items():
        level = check.level(key, where, allow_text=True)
        if level not in levels:
            check.fail(f"{where}[{level}]", f"cấp độ {level} không có trong levels {list(levels)}")
        clauses[level] = check.clause(value, level, f"{where}[{level}]")
    return dict(sorted(clauses.items()))


def _lowest_clause(
    check: _Checker, raw: Any, levels: tuple[int, ...], by_level: dict[int, str], where: str
) -> str | None:
    """``tcvn`` is the clause cited at the lowest level; it must agree with ``tcvn_by_level``."""
    lowest = levels[0]
    if raw is None:
        if by_level:
            check.fail(f"{where}.tcvn", "thiếu mục TCVN trong khi tcvn_by_level có giá trị")
        return None
    clause = check.clause(raw, lowest, f"{where}.tcvn")
    if by_level.get(lowest, clause) != clause:
        check.fail(
            f"{where}.tcvn",
            f"'{clause}' khác mục trích ở cấp độ thấp nhất {lowest} ('{by_level[lowest]}')",
        )
    return clause


def _expected_counts(check: _Checker, raw: Any) -> Mapping[int, int]:
    where = "catalogue.expected_counts"
    counts = {}
    for key, value in check.mapping(raw, where).items():
        level = check.level(key, where, allow_text=True)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            check.fail(f"{where}[{level}]", f"số lượng phải là số nguyên không âm, nhận {value!r}")
        counts[level] = value
    missing = [level for level in LEVELS if level not in counts]
    if missing:
        check.fail(where, f"thiếu số lượng cho cấp độ {missing}")
    return MappingProxyType(dict(sorted(counts.items())))


def _check_counts(check: _Checker, catalogue: Catalogue) -> None:
    actual = catalogue.count_by_level()
    for level, expected in catalogue.expected_counts.items():
        if actual[level] != expected:
            check.fail(
                f"catalogue.expected_counts[{level}]",
                f"khai báo {expected} yêu cầu nhưng danh mục có {actual[level]}",
            )


class _Checker:
    """Small typed getters that raise ``CatalogueError`` against one source file."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, reason: str) -> NoReturn:
        raise CatalogueError(self.source, where, reason)

    def mapping(self, value: Any, where: str) -> Mapping:
        if not isinstance(value, Mapping):
            self.fail(where, "phải là một bảng (mapping)")
        return value

    def sequence(self, value: Any, where: str) -> list:
        if not isinstance(value, list):
            self.fail(where, "phải là một danh sách")
        return value

    def text(self, item: Mapping, key: str, where: str, required: bool = True) -> str | None:
        value = item.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "phải là chuỗi không rỗng")
        return value

    def reference(self, item: Mapping, key: str, where: str, known: set[str]) -> str:
        value = self.text(item, key, where)
        if value not in known:
            self.fail(f"{where}.{key}", f"'{value}' không có trong danh sách đã khai báo")
        return value

    def level(self, value: Any, where: str, allow_text: bool = False) -> int:
        # Mapping keys may arrive as "1" once data went through JSON; list items must be ints.
        if allow_text and isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value not in LEVELS:
            self.fail(where, f"cấp độ phải là số nguyên từ 1 đến 5, nhận {value!r}")
        return value

    def clause(self, value: Any, level: int, where: str) -> str:
        if not isinstance(value, str) or not _CLAUSE.match(value):
            self.fail(where, f"mục TCVN không hợp lệ: {value!r}")
        section = level + TCVN_SECTION_OFFSET
        if value.split(".")[0] != str(section):
            self.fail(where, f"mục '{value}' không thuộc mục {section} (cấp độ {level})")
        return value

    def unique(self, entries: list[tuple[str, str]], label: str) -> None:
        """``entries`` are (field to report, value that must be unique)."""
        seen = set()
        for where, value in entries:
            if value in seen:
                self.fail(where, f"{label} '{value}' bị trùng")
            seen.add(value)
