"""Rows typed as "a | b | c" lines in one text box (dossier parts, review findings).

A line that does not fit is refused with its number and its start, never dropped or cut silently.
"""
from __future__ import annotations

from collections.abc import Iterator


def table_lines(text: str | None, columns: int, shape: str,
                problems: list[str]) -> Iterator[tuple[int, str, list[str]]]:
    """(line number as the user counts it, the line, exactly `columns` cells) for each non-blank line.
    A line with more cells than `shape` has is added to `problems` and skipped."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > columns:
            problems.append(line_problem(number, line, f"có {len(cells) - 1} dấu «|», chỉ nhận dạng «{shape}»"))
            continue
        yield number, line, cells + [""] * (columns - len(cells))


def line_problem(number: int, line: str, reason: str) -> str:
    """"Dòng 3 («Cổng dịch vụ công | ba»): cấp độ phải là số từ 1 đến 5." """
    start = line.strip()
    start = start if len(start) <= 60 else start[:57] + "…"
    return f"Dòng {number} («{start}»): {reason}."
