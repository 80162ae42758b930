"""The protection plan part: its seven parts (Đ29.2) built from the requirement catalogue."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping

from ir_app.documents.context.contract import Plan, PlanItem, PlanPart
from ir_app.documents.context.legal import DEFAULT_REGIME

# NĐ 331 Đ29.2 (= NĐ 85 Đ19.2): the seven parts of the protection plan, letters as in the decree.
PLAN_PARTS = ("design_build", "operation", "check_assess", "risk_management", "monitoring",
              "backup_response_recovery", "end_of_operation")
PLAN_LETTERS = ("a", "b", "c", "d", "đ", "e", "g")
PLAN_PART_TITLES = {
    "nd331-2026": (
        "Bảo đảm an ninh mạng trong thiết kế, xây dựng",
        "Bảo đảm an ninh mạng hệ thống thông tin trong quá trình vận hành",
        "Kiểm tra, đánh giá an ninh mạng",
        "Quản lý rủi ro an ninh mạng",
        "Giám sát an ninh mạng",
        "Dự phòng, ứng phó sự cố an ninh mạng, khôi phục sau thảm họa",
        "Kết thúc vận hành, khai thác, thanh lý, hủy bỏ",
    ),
    "nd85-2016": (
        "Bảo đảm an toàn hệ thống thông tin trong khâu thiết kế, xây dựng",
        "Bảo đảm an toàn hệ thống thông tin trong quá trình vận hành",
        "Kiểm tra, đánh giá an toàn thông tin",
        "Quản lý rủi ro an toàn thông tin",
        "Giám sát an toàn thông tin",
        "Dự phòng, ứng cứu sự cố, khôi phục sau thảm họa",
        "Kết thúc vận hành, khai thác, thanh lý, hủy bỏ",
    ),
}


# --------------------------------------------------------------------------- protection plan
def plan_from_catalogue(catalogue: Any, level: int, regime: str = DEFAULT_REGIME,
                        entries: Mapping[str, Mapping[str, Any]] | None = None,
                        standard: str = "", technical_regulation: str = "") -> Plan:
    """Group the level's requirements into the seven parts of Đ29.2, in catalogue order.

    ``catalogue`` is an ``ir_app.domain.requirements.Catalogue``; ``entries`` maps requirement
    ids to the dossier's answers (measure, status, responsible, due_date).
    """
    entries = entries or {}
    titles = PLAN_PART_TITLES[regime]
    grouped: dict[str, list[Any]] = {part: [] for part in PLAN_PARTS}
    for requirement in catalogue.for_level(level):
        grouped.setdefault(requirement.plan_part, []).append(requirement)
    parts, number = [], 0
    for index, part_id in enumerate(PLAN_PARTS):
        items = []
        for requirement in grouped[part_id]:
            number += 1
            item = _plan_item(catalogue, requirement, level, number, entries.get(requirement.id, {}))
            items.append(_without_repealed(item) if regime != "nd85-2016" else item)
        parts.append(PlanPart(id=part_id, letter=PLAN_LETTERS[index], title=titles[index],
                              requirements=tuple(items)))
    return Plan(standard=standard or catalogue.standard, technical_regulation=technical_regulation,
                parts=tuple(parts))


def _plan_item(catalogue: Any, requirement: Any, level: int, number: int,
               entry: Mapping[str, Any]) -> PlanItem:
    area = catalogue.area(requirement.area)
    return PlanItem(
        number=number, code=requirement.id, group=area.group, area=area.title,
        title=requirement.title, tcvn=requirement.tcvn_for(level) or requirement.tcvn or "",
        text=requirement.text or "", measure=str(entry.get("measure", "")),
        status=str(entry.get("status", "")), na_reason=str(entry.get("na_reason", "")),
        responsible=str(entry.get("responsible", "")),
        due_date=entry.get("due_date"),
    )


# TT 12/2022 rows point at NĐ 85/2016, repealed for the current regime: its documents never cite it.
_CITE_85 = (r"(?:(?:điểm|khoản|Điều)\s+\S+\s+)*(?:NĐ|Nghị định(?: số)?)\s*85(?:/2016(?:/NĐ-CP)?)?")
_IN_TITLE = re.compile(r"(?:\s+hoặc)?\s*(?:—\s*)?theo\s+" + _CITE_85, re.IGNORECASE)
_IN_TEXT = re.compile(r"(?:quy định tại|theo)\s+" + _CITE_85, re.IGNORECASE)


def _strip_repealed(text: str) -> str:
    return re.sub(r"\s*—\s*$", "", _IN_TITLE.sub("", text)).strip()


def _without_repealed(item: PlanItem) -> PlanItem:
    from dataclasses import replace

    return replace(item, title=_strip_repealed(item.title),
                   text=_IN_TEXT.sub("theo quy định của pháp luật", item.text))


@lru_cache(maxsize=1)
def shipped_catalogue() -> Any:
    """The TT 12/2022 requirement catalogue shipped with the app (for samples)."""
    from ir_app.config import bundled_root
    from ir_app.datafiles.requirements import load_catalogue

    return load_catalogue(bundled_root() / "level_dossiers" / "requirements" / "tt12-2022.yaml")
