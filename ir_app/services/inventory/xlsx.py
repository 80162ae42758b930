"""XLSX import/export of the system inventory: every row validated, all or nothing."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import InformationSystem, Organisation
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.exports import append_row
from ir_app.services.fields import display_value
from ir_app.services.inventory.systems import SYSTEM_FIELD_NAMES, SYSTEM_FIELDS, validate_system_values
from ir_app.services.records import snapshot
from ir_app.services.xlsx_input import UnsafeWorkbook, read_first_sheet

if TYPE_CHECKING:
    from openpyxl import Workbook

SHEET_TITLE = "Danh mục HTTT"
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_COLUMNS = 100  # the template's columns, with room for a user's own notes
HEADER_COLOUR = "DDEBF7"


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột «{self.column}»: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__(f"{len(errors)} lỗi; không dòng nào được nhập.")


def export_systems(systems: Iterable[InformationSystem]) -> bytes:
    """One row per system, Vietnamese headers, values as a person would type them."""
    from openpyxl import Workbook  # openpyxl: loaded by the first spreadsheet, not by every worker

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _write_header(sheet)
    for system in systems:
        append_row(sheet, [display_value(spec, getattr(system, spec.name)) if spec.kind != "int"
                           else getattr(system, spec.name) for spec in SYSTEM_FIELDS])
    return _to_bytes(workbook)


def template_workbook() -> bytes:
    """An empty sheet with headers, help comments and drop-down lists for choice columns."""
    from openpyxl import Workbook  # openpyxl: loaded by the first spreadsheet, not by every worker
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _write_header(sheet)
    for index, spec in enumerate(SYSTEM_FIELDS, start=1):
        letter = get_column_letter(index)
        if spec.kind in ("choice", "bool"):
            options = ["Có", "Không"] if spec.kind == "bool" else [label for _, label in spec.choices]
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_IMPORT_ROWS + 1}")
    return _to_bytes(workbook)


def _write_header(sheet) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    append_row(sheet, [spec.label + (" *" if spec.required else "") for spec in SYSTEM_FIELDS])
    for index, spec in enumerate(SYSTEM_FIELDS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_COLOUR)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = 22
    sheet.freeze_panes = "A2"


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_map(header_row: tuple[Any, ...]) -> dict[int, str]:
    by_label = {spec.label: spec.name for spec in SYSTEM_FIELDS}
    mapping = {}
    for index, title in enumerate(header_row):
        label = str(title or "").replace(" *", "").strip()
        if label in by_label:
            mapping[index] = by_label[label]
    return mapping


def read_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:  # one row more than allowed, to tell the user the file is too long
        rows = iter(read_first_sheet(data, MAX_IMPORT_ROWS + 2, MAX_IMPORT_COLUMNS))
    except UnsafeWorkbook as refused:
        raise ImportRejected([CellError(0, "tệp", str(refused))]) from refused
    header = next(rows, None)
    mapping = _header_map(header or ())
    missing = [spec.label for spec in SYSTEM_FIELDS if spec.required and spec.name not in mapping.values()]
    if missing:
        raise ImportRejected([CellError(1, label, "Thiếu cột bắt buộc.") for label in missing])
    parsed = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            raise ImportRejected([CellError(number, "tệp", f"Tối đa {MAX_IMPORT_ROWS} dòng.")])
        if not any(cell not in (None, "") for cell in row):
            continue
        parsed.append((number, {mapping[i]: value for i, value in enumerate(row) if i in mapping}))
    return parsed


def import_systems(session: Session, actor: Actor, commune: Organisation, data: bytes, now: datetime) -> int:
    """Create or update (by code) every row; any error rejects the whole file."""
    rows = read_rows(data)
    labels = {spec.name: spec.label for spec in SYSTEM_FIELDS}
    errors: list[CellError] = []
    valid: list[dict[str, Any]] = []
    seen_codes: dict[str, int] = {}
    for number, raw in rows:
        try:
            values = validate_system_values(raw)
        except ValidationFailed as failure:
            errors.extend(CellError(number, labels.get(field, field), reason)
                          for field, reason in failure.errors.items())
            continue
        if values["code"] in seen_codes:
            errors.append(CellError(number, labels["code"], f"Trùng mã với dòng {seen_codes[values['code']]}."))
        seen_codes[values["code"]] = number
        valid.append(values)
    if errors:
        raise ImportRejected(errors)
    existing = {s.code: s for s in session.scalars(
        select(InformationSystem).where(InformationSystem.commune_id == commune.id))}
    for values in valid:
        _upsert(session, actor, commune, existing.get(values["code"]), values, now)
    audit.record(session, actor, "import", now=now, object_type="information_system", commune_id=commune.id,
                 summary=f"Nhập {len(valid)} hệ thống từ XLSX")
    return len(valid)


def _upsert(session, actor, commune, system, values, now) -> None:
    if system is None:
        system = InformationSystem(commune_id=commune.id, created_at=now, updated_at=now, **values)
        session.add(system)
        session.flush()
        audit.record(session, actor, "create", now=now, object_type="information_system",
                     object_id=system.id, commune_id=commune.id, summary=system.name,
                     changes=audit.diff({}, values))
        return
    before = snapshot(system, SYSTEM_FIELD_NAMES)
    changes = audit.diff(before, values)
    if not changes:
        return
    for name, value in values.items():
        setattr(system, name, value)
    system.updated_at = now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="information_system", object_id=system.id,
                 commune_id=commune.id, summary=system.name, changes=changes)

