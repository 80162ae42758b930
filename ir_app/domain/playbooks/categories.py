"""The incident catalogue: categories, severity levels and criteria, and the yes/no flags."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ir_app.domain.playbooks.clocks import TIME_FACTS
from ir_app.domain.playbooks.errors import _field, _Problems
from ir_app.domain.playbooks.readers import _flag, _ident, _items, _mapping, _text, _unique


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    description: str
    # False where the category is usually not a "sự cố an ninh mạng" (Luật 116/2025 Đ2.17),
    # e.g. a power failure: the officer may still set the fact to true.
    cyber_incident: bool


@dataclass(frozen=True)
class Severity:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class SeverityCriteria:
    regime: str
    defined: bool
    article: str
    text: str


@dataclass(frozen=True)
class Flag:
    """A yes/no fact about an incident that reporting clocks depend on."""

    id: str
    title: str
    article: str
    description: str


@dataclass(frozen=True)
class Catalogue:
    categories: tuple[Category, ...]
    severities: tuple[Severity, ...]
    criteria: tuple[SeverityCriteria, ...]
    flags: tuple[Flag, ...]
    source: str = ""

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories)

    @property
    def fact_names(self) -> frozenset[str]:
        """Names a clock condition may use."""
        return frozenset({"severity", "category", *TIME_FACTS, *(flag.id for flag in self.flags)})


def build_categories(raw: Any, source: object) -> Catalogue:
    raw = _mapping(raw, source, "categories")
    problems = _Problems(source)
    severity = raw.get("severity") if isinstance(raw.get("severity"), Mapping) else {}
    if not severity:
        problems.add(_field("severity"), "thiếu thang mức độ (levels, criteria)")
    categories = tuple(_category(item, problems)
                       for item in _items(raw, "categories", problems, _field("categories")))
    levels = _items(severity, "levels", problems, "severity.levels") if severity else []
    severities = tuple(_severity(item, problems) for item in levels)
    rules = _items(severity, "criteria", problems, "severity.criteria") if severity else []
    criteria = tuple(_criteria(item, problems) for item in rules)
    flags = tuple(_flag_fact(item, problems) for item in _items(raw, "flags", problems, _field("flags")))
    _unique((item.id for item in categories), problems, _field("categories"), "loại sự cố")
    _unique((item.id for item in severities), problems, "severity.levels", "mức độ")
    _unique((item.id for item in flags), problems, _field("flags"), "dấu hiệu")
    problems.raise_first()
    return Catalogue(categories, severities, criteria, flags, source=str(source))


def _category(raw: Mapping, problems: _Problems) -> Category:
    where = f"loại sự cố '{raw.get('id')}'"
    return Category(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        description=_text(raw, "description", problems, where, required=False),
        cyber_incident=_flag(raw, "cyber_incident", problems, where, default=True),
    )


def _severity(raw: Mapping, problems: _Problems) -> Severity:
    where = f"mức độ '{raw.get('id')}'"
    return Severity(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        description=_text(raw, "description", problems, where, required=False),
    )


def _flag_fact(raw: Mapping, problems: _Problems) -> Flag:
    where = f"dấu hiệu '{raw.get('id')}'"
    return Flag(
        id=_ident(raw, "id", problems, where), title=_text(raw, "title", problems, where),
        article=_text(raw, "article", problems, where, required=False),
        description=_text(raw, "description", problems, where, required=False),
    )


def _criteria(raw: Mapping, problems: _Problems) -> SeverityCriteria:
    where = f"severity.criteria '{raw.get('regime')}'"
    return SeverityCriteria(
        regime=_ident(raw, "regime", problems, where), defined=_flag(raw, "defined", problems, where),
        article=_text(raw, "article", problems, where, required=False),
        text=_text(raw, "text", problems, where),
    )
