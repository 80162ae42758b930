"""XLSX export of the risk register, for one system or every system of a commune. Headers and
values in Vietnamese (the document language), dates dd/mm/yyyy; staff open it in Excel, so user text
that looks like a formula (= + - @) is written as text, never evaluated (services/exports.py)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ir_app.services.exports import register_workbook
from ir_app.services.risks.documents import STATUS_WORDS
from ir_app.services.risks.library import RiskLibrary
from ir_app.services.risks.register import TREATMENT_SHORT, RatedRisk, rate

SHEET_TITLE = "Rủi ro"
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Hệ thống", 30), ("Mã nguy cơ", 18), ("Nguy cơ, rủi ro", 40), ("Tài sản, thành phần bị ảnh hưởng", 28),
    ("Khả năng xảy ra", 18), ("Mức độ ảnh hưởng", 18), ("Mức rủi ro", 14), ("Cách xử lý", 14),
    ("Biện pháp xử lý", 50), ("Ghi chú xử lý", 30), ("Khả năng xảy ra sau xử lý", 18),
    ("Mức độ ảnh hưởng sau xử lý", 18), ("Rủi ro còn lại", 14), ("Người phụ trách", 22), ("Ngày rà soát lại", 14),
    ("Người chấp nhận rủi ro", 28), ("Lý do chấp nhận", 40), ("Chấp nhận đến ngày", 14), ("Còn thiếu", 40),
    ("Mô tả", 60),
)
HEADERS = tuple(name for name, _ in COLUMNS)


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _scale(value: int, label: str) -> str:
    return f"{value} — {label}"


def risk_row(item: RatedRisk, library: RiskLibrary) -> list[Any]:
    risk = item.risk
    measures = "; ".join(f"{link.measure.title} ({STATUS_WORDS.get(link.measure.status, link.measure.status)})"
                         for link in risk.measure_links)
    return [risk.system.name, risk.threat_id or "", risk.title, risk.asset_text,
            _scale(risk.likelihood, library.likelihood_label(risk.likelihood)),
            _scale(risk.impact, library.impact_label(risk.impact)), item.level.label,
            TREATMENT_SHORT.get(risk.treatment, risk.treatment), measures, risk.treatment_note,
            _scale(risk.residual_likelihood, library.likelihood_label(risk.residual_likelihood)),
            _scale(risk.residual_impact, library.impact_label(risk.residual_impact)), item.residual.label,
            risk.owner.name if risk.owner else "", _day(risk.review_on),
            risk.accepted_by if risk.treatment == "accept" else "",
            risk.accepted_reason if risk.treatment == "accept" else "",
            _day(risk.accepted_until) if risk.treatment == "accept" else "",
            " ".join(item.problems.values()), risk.description]


def export_risks(risks: Iterable, library: RiskLibrary, today: date) -> bytes:
    """The rows by system (name), highest level first within a system."""
    rated = sorted((rate(risk, library, today) for risk in risks),
                   key=lambda item: (item.risk.system.name, item.risk.system_id, -item.level.rank,
                                     -item.residual.rank, item.risk.id))
    return register_workbook(SHEET_TITLE, HEADERS, (width for _, width in COLUMNS),
                             (risk_row(item, library) for item in rated))
