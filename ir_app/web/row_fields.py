"""Repeatable rows in a form (dossier parts, review findings): one input per cell, rows added and
removed by the user, instead of "a | b | c" typed on one line.

Cells post as ``<name>-<row>-<column>``; a row whose «Xoá dòng» box is ticked, or whose cells are
all empty, is not a row. Without JavaScript "Thêm dòng" re-draws the form with one more empty row
(nothing is saved); app.js adds the row in place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ir_app.domain.text import clean_text

MAX_ROWS = 100
ADD_ROW = "add_row"  # the submit button's name; its value is the row group's name


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | number | date (dd/mm/yyyy typed as text)
    max_length: int = 500  # the browser's limit (maxlength); the service checks lengths itself


@dataclass(frozen=True)
class RowGroup:
    name: str
    label: str
    columns: tuple[Column, ...]
    help: str = ""


def read_rows(form: MultiDict, group: RowGroup) -> list[list[str]]:
    """The rows as posted, in their order, cleaned; removed and empty rows dropped."""
    pattern = re.compile(rf"^{re.escape(group.name)}-(\d{{1,3}})-")
    indexes = sorted({int(match.group(1)) for key in form if (match := pattern.match(key))})[:MAX_ROWS]
    rows = []
    for index in indexes:
        if form.get(f"{group.name}-{index}-remove"):
            continue
        # Never cut here: an over-long cell is refused by the service, with its row named.
        cells = [clean_text(form.get(f"{group.name}-{index}-{column.key}", ""), multiline=False).strip()
                 for column in group.columns]
        if any(cells):
            rows.append(cells)
    return rows


def adding_row(form: MultiDict, group: RowGroup) -> bool:
    """The user pressed "Thêm dòng" (without JavaScript): re-draw, save nothing."""
    return form.get(ADD_ROW) == group.name


def shown_rows(rows: list[list[str]], group: RowGroup, extra: int = 1) -> list[list[str]]:
    """What the form draws: the rows, then ``extra`` empty ones to type into."""
    return [*rows, *([[""] * len(group.columns)] * extra)]
