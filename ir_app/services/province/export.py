"""The province summary as a spreadsheet: one row per commune, the figures with their colour in words."""
from __future__ import annotations

import io
from datetime import datetime, tzinfo

from ir_app.models import Organisation
from ir_app.services.exports import append_row
from ir_app.services.province import rag
from ir_app.services.province.figures import CommuneRow, Totals

HEADER_COLOUR = "DDEBF7"
COLOURS = {rag.RED: "F4C7C3", rag.AMBER: "FCE8B2", rag.GREEN: "B7E1CD"}


def province_xlsx(province: Organisation, rows: list[CommuneRow], totals: Totals, now: datetime,
                  zone: tzinfo) -> bytes:
    """Always Vietnamese, like the other exported documents; the colour is written next to each figure."""
    from openpyxl import Workbook  # openpyxl: loaded by the first spreadsheet, not by every worker
    from openpyxl.styles import Font, PatternFill

    header_fill = PatternFill("solid", fgColor=HEADER_COLOUR)
    fills = {level: PatternFill("solid", fgColor=colour) for level, colour in COLOURS.items()}

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp tỉnh"
    append_row(sheet, [f"Tình hình bảo đảm an toàn thông tin các xã — {province.full_name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    append_row(sheet, [f"Số liệu lúc {now.astimezone(zone):%H:%M %d/%m/%Y}"])
    append_row(sheet, [])
    header = ["Mã xã", "Xã / phường"]
    for column in rag.COLUMNS:
        header += [column.label, "Mức"]
    header += ["Số hệ thống", "Tiến độ phương án (%)"]
    append_row(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = Font(bold=True), header_fill
    for row in rows:
        values: list = [row.commune.code, row.commune.full_name]
        for column in rag.COLUMNS:
            cell = row.cells[column.key]
            values += [cell.text or cell.value, cell.label]
        values += [row.figures.systems, row.plan_percent]
        append_row(sheet, values)
        for index, column in enumerate(rag.COLUMNS):
            sheet.cell(sheet.max_row, 4 + 2 * index).fill = fills[row.cells[column.key].level]
    total_row: list = ["", f"Toàn tỉnh ({totals.communes} xã)"]
    for column in rag.COLUMNS:
        levels = totals.levels[column.key]
        total_row += [totals.counts[column.key],
                      f"{levels[rag.RED]} đỏ, {levels[rag.AMBER]} vàng, {levels[rag.GREEN]} xanh"]
    total_row += [totals.systems, totals.plan_percent]
    append_row(sheet, total_row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 28
    legend = workbook.create_sheet("Chú giải")
    append_row(legend, ["Cột", "Ý nghĩa"])
    for column in rag.COLUMNS:
        append_row(legend, [column.label, column.help])
    append_row(legend, [])
    append_row(legend, ["Mức", "Xanh: đạt; Vàng: cần theo dõi; Đỏ: cần xử lý ngay"])
    legend.column_dimensions["A"].width = 32
    legend.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
