"""Library of measures (biện pháp, "applied controls") and the threat catalogue, as plain data.

A measure library (level_dossiers/measures/*.yaml) holds the paragraphs a commune adopts as the
answer ("Phương án đáp ứng") to rows of a requirement catalogue (TT 12/2022); each measure names
the requirement ids it answers and the threats (level_dossiers/threats/*.yaml) it mitigates.
Reading YAML and checking the JSON Schema happen in ``ir_app.datafiles``; this module gets plain
data and checks what a schema cannot: unique ids, references to the requirement and threat
catalogues, and the coverage rule:

- every requirement of levels 1–3 is answered, at each of those levels, by a measure written
  for that level (``levels`` omitted = every level);
- a requirement that exists only at levels 4–5 is answered or declared in ``open_requirements``
  with the reason a commune-scale measure cannot honestly answer it.

Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from ir_app.domain.requirements import LEVELS, Catalogue, DataFileError

CATEGORIES = ("management", "technical")
SCOPES = ("commune", "system", "inherited")
ASSET_TYPES = ("internal", "citizen_service", "infrastructure", "industrial_control", "other")
SCALE_VALUES = (1, 2, 3, 4, 5)
# Every requirement of these levels needs a measure; rows found only at higher levels may be open.
REQUIRED_LEVELS = (1, 2, 3)
OPEN_LEVELS = (4, 5)
# The id says the group: BP.QL.* are management measures, BP.KT.* technical ones.
_CATEGORY_PREFIX = {"management": "BP.QL.", "technical": "BP.KT."}

_LIBRARY_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MEASURE_ID = re.compile(r"^BP\.(QL|KT)\.[A-Z0-9]+(-[A-Z0-9]+)*$")
_THREAT_ID = re.compile(r"^TM\.[A-Z0-9]+(-[A-Z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class LibraryError(DataFileError):
    """A measure library or threat catalogue is unusable; names the file, the field, the reason."""


# --------------------------------------------------------------------------- threats

@dataclass(frozen=True)
class ScaleStep:
    value: int
    label: str
    label_en: str
    description: str | None = None


@dataclass(frozen=True)
class Threat:
    id: str
    title: str
    title_en: str
    description: str
    assets: tuple[str, ...]
    likelihood: int
    impact: int

    @property
    def risk(self) -> int:
        """Default risk score (likelihood × impact, 1..25) before the commune's own rating."""
        return self.likelihood * self.impact


@dataclass(frozen=True)
class ThreatCatalogue:
    id: str
    version: int
    title: str
    note: str | None
    likelihood: tuple[ScaleStep, ...]
    impact: tuple[ScaleStep, ...]
    threats: tuple[Threat, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(threat.id for threat in self.threats)

    def threat(self, threat_id: str) -> Threat:
        return _by_id(self.threats, threat_id)

    def likelihood_label(self, value: int) -> str:
        return next(step.label for step in self.likelihood if step.value == value)

    def impact_label(self, value: int) -> str:
        return next(step.label for step in self.impact if step.value == value)


def build_threat_catalogue(raw: Mapping[str, Any], source: str) -> ThreatCatalogue:
    """Turn parsed threat data into a ``ThreatCatalogue``; raise ``LibraryError`` on bad data."""
    check = _Checker(source)
    raw = check.mapping(raw, "$")
    header = check.mapping(raw.get("library"), "library")
    scales = check.mapping(raw.get("scales"), "scales")
    threats = tuple(
        _build_threat(check, item, index)
        for index, item in enumerate(check.sequence(raw.get("threats"), "threats"))
    )
    if not threats:
        check.fail("threats", "phải có ít nhất một nguy cơ")
    check.unique([(f"threats[{t.id}].id", t.id) for t in threats], "mã nguy cơ")
    return ThreatCatalogue(
        id=check.identifier(header, "id", "library", _LIBRARY_ID),
        version=check.version(header, "library"),
        title=check.text(header, "title", "library"),
        note=check.text(header, "note", "library", required=False, multiline=True),
        likelihood=_build_scale(check, scales.get("likelihood"), "scales.likelihood"),
        impact=_build_scale(check, scales.get("impact"), "scales.impact"),
        threats=threats,
    )


def _build_scale(check: _Checker, raw: Any, where: str) -> tuple[ScaleStep, ...]:
    steps = {}
    for key, item in check.mapping(raw, where).items():
        value = check.scale_value(key, where, allow_text=True)
        item = check.mapping(item, f"{where}[{value}]")
        steps[value] = ScaleStep(
            value=value,
            label=check.text(item, "label", f"{where}[{value}]"),
            label_en=check.text(item, "label_en", f"{where}[{value}]"),
            description=check.text(item, "description", f"{where}[{value}]", required=False),
        )
    missing = [value for value in SCALE_VALUES if value not in steps]
    if missing:
        check.fail(where, f"thiếu nhãn cho mức {missing}")
    return tuple(steps[value] for value in SCALE_VALUES)


def _build_threat(check: _Checker, item: Any, index: int) -> Threat:
    item = check.mapping(item, f"threats[{index}]")
    threat_id = check.identifier(item, "id", f"threats[{index}]", _THREAT_ID)
    where = f"threats[{threat_id}]"
    assets = tuple(check.sequence(item.get("assets"), f"{where}.assets"))
    if not assets:
        check.fail(f"{where}.assets", "phải có ít nhất một loại hệ thống")
    for position, asset in enumerate(assets):
        if asset not in ASSET_TYPES:
            check.fail(f"{where}.assets[{position}]",
                       f"loại hệ thống '{asset}' không hợp lệ ({' | '.join(ASSET_TYPES)})")
    check.no_repeats(assets, f"{where}.assets")
    return Threat(
        id=threat_id,
        title=check.text(item, "title", where),
        title_en=check.text(item, "title_en", where),
        description=check.text(item, "description", where, multiline=True),
        assets=assets,
        likelihood=check.scale_value(item.get("likelihood"), f"{where}.likelihood"),
        impact=check.scale_value(item.get("impact"), f"{where}.impact"),
    )


# --------------------------------------------------------------------------- measures

@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    category: str
    scope: str
    provider: str | None
    text: str
    requirements: tuple[str, ...]
    mitigates: tuple[str, ...] = ()
    levels: tuple[int, ...] = LEVELS

    @property
    def is_inherited(self) -> bool:
        return self.scope == "inherited"

    def applies_to(self, level: int) -> bool:
        return level in self.levels

    def answers(self, requirement_id: str, level: int | None = None) -> bool:
        return requirement_id in self.requirements and (level is None or self.applies_to(level))


@dataclass(frozen=True)
class OpenRequirement:
    requirement: str
    reason: str


@dataclass(frozen=True)
class LevelCoverage:
    """How the library answers the requirements of one level (ids in catalogue order)."""

    level: int
    total: int
    answered: tuple[str, ...]
    open: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class MeasureLibrary:
    id: str
    version: int
    title: str
    catalogue: str
    threats: str
    note: str | None
    measures: tuple[Measure, ...]
    open_requirements: tuple[OpenRequirement, ...] = ()

    def measure(self, measure_id: str) -> Measure:
        return _by_id(self.measures, measure_id)

    def answering(self, requirement_id: str, level: int | None = None) -> tuple[Measure, ...]:
        """Measures answering a requirement (at ``level`` when given), in library order."""
        return tuple(m for m in self.measures if m.answers(requirement_id, level))

    def mitigating(self, threat_id: str) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if threat_id in m.mitigates)

    def open_reason(self, requirement_id: str) -> str | None:
        return next((o.reason for o in self.open_requirements if o.requirement == requirement_id),
                    None)

    def coverage(self, catalogue: Catalogue) -> dict[int, LevelCoverage]:
        result = {}
        for level in LEVELS:
            rows = [r.id for r in catalogue.for_level(level)]
            answered = tuple(r for r in rows if self.answering(r, level))
            still_open = tuple(r for r in rows
                               if r not in answered and self.open_reason(r) is not None)
            missing = tuple(r for r in rows if r not in answered and r not in still_open)
            result[level] = LevelCoverage(level, len(rows), answered, still_open, missing)
        return result

    def unmitigated(self, threats: ThreatCatalogue) -> tuple[str, ...]:
        """Threats of the catalogue that no measure of this library mitigates."""
        return tuple(t.id for t in threats.threats if not self.mitigating(t.id))


def build_measure_library(
    raw: Mapping[str, Any], source: str, catalogue: Catalogue, threats: ThreatCatalogue
) -> MeasureLibrary:
    """Turn parsed library data into a ``MeasureLibrary`` checked against both catalogues."""
    check = _Checker(source)
    raw = check.mapping(raw, "$")
    header = check.mapping(raw.get("library"), "library")
    catalogue_id = check.text(header, "catalogue", "library")
    if catalogue_id != catalogue.id:
        check.fail("library.catalogue",
                   f"thư viện viết cho danh mục yêu cầu '{catalogue_id}', "
                   f"đang kiểm tra với '{catalogue.id}'")
    threats_id = check.text(header, "threats", "library")
    if threats_id != threats.id:
        check.fail("library.threats",
                   f"thư viện dùng danh mục nguy cơ '{threats_id}', đang kiểm tra với '{threats.id}'")
    requirement_levels = {r.id: r.levels for r in catalogue.requirements}
    measures = tuple(
        _build_measure(check, item, index, requirement_levels, set(threats.ids))
        for index, item in enumerate(check.sequence(raw.get("measures"), "measures"))
    )
    if not measures:
        check.fail("measures", "phải có ít nhất một biện pháp")
    check.unique([(f"measures[{m.id}].id", m.id) for m in measures], "mã biện pháp")
    library = MeasureLibrary(
        id=check.identifier(header, "id", "library", _LIBRARY_ID),
        version=check.version(header, "library"),
        title=check.text(header, "title", "library"),
        catalogue=catalogue_id,
        threats=threats_id,
        note=check.text(header, "note", "library", required=False, multiline=True),
        measures=measures,
        open_requirements=_build_open(check, raw.get("open_requirements"), requirement_levels),
    )
    _check_open_not_answered(check, library)
    _check_coverage(check, library, catalogue)
    return library


def _build_measure(
    check: _Checker, item: Any, index: int, requirement_levels: Mapping[str, tuple[int, ...]],
    threat_ids: set[str],
) -> Measure:
    item = check.mapping(item, f"measures[{index}]")
    measure_id = check.identifier(item, "id", f"measures[{index}]", _MEASURE_ID)
    where = f"measures[{measure_id}]"
    category = check.choice(item, "category", where, CATEGORIES)
    if not measure_id.startswith(_CATEGORY_PREFIX[category]):
        check.fail(f"{where}.category",
                   f"biện pháp nhóm '{category}' phải có mã bắt đầu bằng "
                   f"'{_CATEGORY_PREFIX[category]}'")
    scope = check.choice(item, "scope", where, SCOPES)
    provider = check.text(item, "provider", where, required=False)
    if scope == "inherited" and provider is None:
        check.fail(f"{where}.provider",
                   "biện pháp kế thừa (scope: inherited) phải nêu đơn vị cung cấp")
    if scope != "inherited" and provider is not None:
        check.fail(f"{where}.provider", "chỉ biện pháp kế thừa (scope: inherited) mới có provider")
    levels = _measure_levels(check, item.get("levels"), f"{where}.levels")
    requirements = tuple(check.sequence(item.get("requirements"), f"{where}.requirements"))
    if not requirements:
        check.fail(f"{where}.requirements", "phải đáp ứng ít nhất một yêu cầu")
    for position, req_id in enumerate(requirements):
        req_where = f"{where}.requirements[{position}]"
        if req_id not in requirement_levels:
            check.fail(req_where, f"yêu cầu '{req_id}' không có trong danh mục yêu cầu")
        if not set(requirement_levels[req_id]) & set(levels):
            check.fail(req_where,
                       f"yêu cầu '{req_id}' áp dụng cho cấp độ {list(requirement_levels[req_id])}, "
                       f"biện pháp chỉ viết cho cấp độ {list(levels)}")
    check.no_repeats(requirements, f"{where}.requirements")
    mitigates = tuple(check.sequence(item.get("mitigates", []), f"{where}.mitigates"))
    for position, threat_id in enumerate(mitigates):
        if threat_id not in threat_ids:
            check.fail(f"{where}.mitigates[{position}]",
                       f"nguy cơ '{threat_id}' không có trong danh mục nguy cơ")
    check.no_repeats(mitigates, f"{where}.mitigates")
    return Measure(
        id=measure_id,
        title=check.text(item, "title", where),
        category=category,
        scope=scope,
        provider=provider,
        text=check.text(item, "text", where),
        requirements=requirements,
        mitigates=mitigates,
        levels=levels,
    )


def _measure_levels(check: _Checker, raw: Any, where: str) -> tuple[int, ...]:
    if raw is None:
        return LEVELS
    values = [check.level(value, where) for value in check.sequence(raw, where)]
    if not values:
        check.fail(where, "bỏ trống levels (áp dụng mọi cấp độ) thay vì để danh sách rỗng")
    check.no_repeats(values, where)
    return tuple(sorted(values))


def _build_open(
    check: _Checker, raw: Any, requirement_levels: Mapping[str, tuple[int, ...]]
) -> tuple[OpenRequirement, ...]:
    if raw is None:
        return ()
    entries = []
    for index, item in enumerate(check.sequence(raw, "open_requirements")):
        where = f"open_requirements[{index}]"
        item = check.mapping(item, where)
        req_id = check.text(item, "requirement", where)
        if req_id not in requirement_levels:
            check.fail(f"{where}.requirement", f"yêu cầu '{req_id}' không có trong danh mục yêu cầu")
        levels = requirement_levels[req_id]
        if not set(levels) <= set(OPEN_LEVELS):
            check.fail(f"{where}.requirement",
                       f"chỉ yêu cầu riêng của cấp độ 4–5 mới được để ngỏ; '{req_id}' áp dụng cho "
                       f"cấp độ {list(levels)}")
        entries.append(OpenRequirement(req_id, check.text(item, "reason", where)))
    check.unique([(f"open_requirements[{o.requirement}]", o.requirement) for o in entries],
                 "yêu cầu để ngỏ")
    return tuple(entries)


def _check_open_not_answered(check: _Checker, library: MeasureLibrary) -> None:
    for entry in library.open_requirements:
        answering = library.answering(entry.requirement)
        if answering:
            check.fail(f"open_requirements[{entry.requirement}]",
                       f"yêu cầu đã được biện pháp {', '.join(m.id for m in answering)} đáp ứng; "
                       "bỏ khỏi open_requirements")


def _check_coverage(check: _Checker, library: MeasureLibrary, catalogue: Catalogue) -> None:
    uncovered: dict[str, list[int]] = {}
    for level in REQUIRED_LEVELS:
        for requirement in catalogue.for_level(level):
            if not library.answering(requirement.id, level):
                uncovered.setdefault(requirement.id, []).append(level)
    if uncovered:
        listed = "; ".join(f"{req_id} (cấp độ {', '.join(map(str, levels))})"
                           for req_id, levels in uncovered.items())
        check.fail("measures", f"chưa có biện pháp đáp ứng yêu cầu: {listed}")
    unanswered = [
        r.id for r in catalogue.requirements
        if set(r.levels) <= set(OPEN_LEVELS)
        and not any(library.answering(r.id, level) for level in r.levels)
        and library.open_reason(r.id) is None
    ]
    if unanswered:
        check.fail("open_requirements",
                   "yêu cầu chỉ có ở cấp độ 4–5 phải có biện pháp đáp ứng hoặc được khai báo "
                   f"trong open_requirements kèm lý do: {', '.join(unanswered)}")


# --------------------------------------------------------------------------- helpers

def _by_id(items: Iterable[Any], item_id: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


class _Checker:
    """Small typed getters that raise ``LibraryError`` against one source file."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, reason: str) -> NoReturn:
        raise LibraryError(self.source, where, reason)

    def mapping(self, value: Any, where: str) -> Mapping:
        if not isinstance(value, Mapping):
            self.fail(where, "phải là một bảng (mapping)")
        return value

    def sequence(self, value: Any, where: str) -> list:
        if not isinstance(value, list):
            self.fail(where, "phải là một danh sách")
        return value

    def text(self, item: Mapping, key: str, where: str, required: bool = True,
             multiline: bool = False) -> str | None:
        """Non-empty NFC text without control characters (line breaks only when ``multiline``)."""
        value = item.get(key)
        if value is None and not required:
            return None
        where = f"{where}.{key}"
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "phải là chuỗi không rỗng")
        if _CONTROL.search(value.replace("\n", "") if multiline else value):
            self.fail(where, "có ký tự điều khiển (xuống dòng, tab…); viết thành một đoạn liền")
        if not unicodedata.is_normalized("NFC", value):
            self.fail(where, "chưa chuẩn hóa Unicode NFC (dấu tiếng Việt tách rời); "
                             "lưu lại tệp ở dạng NFC")
        return value

    def identifier(self, item: Mapping, key: str, where: str, pattern: re.Pattern) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(f"{where}.{key}", f"mã {value!r} không đúng mẫu {pattern.pattern}")
        return value

    def choice(self, item: Mapping, key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = item.get(key)
        if value not in allowed:
            self.fail(f"{where}.{key}", f"giá trị {value!r} không hợp lệ ({' | '.join(allowed)})")
        return value

    def version(self, item: Mapping, where: str) -> int:
        value = item.get("version")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(f"{where}.version", f"phiên bản phải là số nguyên từ 1, nhận {value!r}")
        return value

    def level(self, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value not in LEVELS:
            self.fail(where, f"cấp độ phải là số nguyên từ 1 đến 5, nhận {value!r}")
        return value

    def scale_value(self, value: Any, where: str, allow_text: bool = False) -> int:
        # Mapping keys may arrive as "1" once data went through JSON.
        if allow_text and isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value not in SCALE_VALUES:
            self.fail(where, f"mức phải là số nguyên từ 1 đến 5, nhận {value!r}")
        return value

    def no_repeats(self, values: Iterable[Any], where: str) -> None:
        seen = set()
        for value in values:
            if value in seen:
                self.fail(where, f"giá trị '{value}' bị lặp")
            seen.add(value)

    def unique(self, entries: list[tuple[str, str]], label: str) -> None:
        """``entries`` are (field to report, value that must be unique)."""
        seen = set()
        for where, value in entries:
            if value in seen:
                self.fail(where, f"{label} '{value}' bị trùng")
            seen.add(value)
