"""The commune's training coverage as a spreadsheet: one row per person, each requirement's state in words."""
from __future__ import annotations

import io
from datetime import date


from ir_app.domain.training import Coverage, TrainingRules
from ir_app.models import Organisation
from ir_app.services.exports import append_row


def coverage_xlsx(commune: Organisation, found: Coverage, rules: TrainingRules, today: date) -> bytes:
    """Always Vietnamese, like the other exported documents."""
    from openpyxl import Workbook  # openpyxl: loaded by the first spreadsheet, not by every worker
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tap huan"
    append_row(sheet, [f"Tình hình tập huấn an ninh mạng — {commune.full_name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    percent = "—" if found.percent is None else f"{found.percent}%"
    append_row(sheet, [f"Ngày {today:%d/%m/%Y}: đạt {found.met}/{found.required} yêu cầu ({percent})"])
    append_row(sheet, [])
    append_row(sheet, ["Họ tên", "Chức vụ"] + [requirement.title for requirement in found.requirements])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in found.rows:
        values = [row.person.name, row.person.position]
        for requirement in found.requirements:
            item = row.standing_for(requirement.id)
            if item is None:
                values.append("Không áp dụng")
            elif item.valid_until is not None and item.is_valid:
                values.append(f"{item.label} (đến {item.valid_until:%d/%m/%Y})")
            else:
                values.append(item.label)
        append_row(sheet, values)
    sheet.column_dimensions["A"].width = 28
    basis = book.create_sheet("Can cu")
    append_row(basis, ["Yêu cầu", "Chủ đề", "Hiệu lực (tháng)", "Căn cứ", "Trích dẫn"])
    for requirement in rules.requirements:
        for entry in requirement.basis:
            append_row(basis, [requirement.title, rules.topics[requirement.topic], requirement.validity_months,
                               entry.citation, entry.quote])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
