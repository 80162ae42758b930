"""How a bad row of a repeatable-rows form (dossier parts, review findings) is named in its message.

A row that does not fit is refused with its number and its start, never dropped or cut silently.
"""
from __future__ import annotations


def line_problem(number: int, line: str, reason: str) -> str:
    """"Dòng 3 («Cổng dịch vụ công | ba»): cấp độ phải là số từ 1 đến 5." """
    start = line.strip()
    start = start if len(start) <= 60 else start[:57] + "…"
    return f"Dòng {number} («{start}»): {reason}."
