"""XLSX export of the measures register. Staff open it in Excel, so user text that looks like a
formula (= + - @) is written as text, never evaluated."""
from __future__ import annotations

from collections.abc import Iterable

from ir_app.models import Measure
from ir_app.services.exports import register_workbook
from ir_app.services.measures.register import CATEGORY_CHOICES, SCOPE_CHOICES, STATUS_CHOICES

SHEET_TITLE = "Biện pháp"
HEADERS = ("Mã", "Tên biện pháp", "Nhóm", "Phạm vi", "Hệ thống áp dụng", "Đơn vị cung cấp", "Văn bản của đơn vị cung cấp",
           "Yêu cầu TT 12/2022", "Tình trạng", "Đơn vị chịu trách nhiệm", "Người phụ trách", "Dự kiến hoàn thành",
           "Triển khai từ", "Minh chứng", "Nguồn (thư viện, phiên bản)", "Nội dung")
WIDTHS = (8, 40, 12, 18, 24, 24, 24, 24, 18, 22, 20, 14, 14, 10, 22, 80)


def export_measures(measures: Iterable[Measure], system_names: dict[int, str]) -> bytes:
    labels = {**dict(CATEGORY_CHOICES), **dict(SCOPE_CHOICES), **dict(STATUS_CHOICES)}
    rows = ([measure.id, measure.title, labels[measure.category], labels[measure.scope],
             "; ".join(system_names.get(sid, str(sid)) for sid in measure.system_ids),
             measure.provider_name, measure.provider_document, ", ".join(measure.requirement_ids),
             labels[measure.status], measure.responsible_unit, measure.owner.name if measure.owner else "",
             f"{measure.planned_on:%d/%m/%Y}" if measure.planned_on else "",
             f"{measure.in_place_since:%d/%m/%Y}" if measure.in_place_since else "", len(measure.evidence),
             f"{measure.library_id} {measure.library_measure_id} v{measure.library_version}"
             if measure.library_id else "", measure.description] for measure in measures)
    return register_workbook(SHEET_TITLE, HEADERS, WIDTHS, rows)
