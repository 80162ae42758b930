"""Rows of the repeatable-rows forms (dossier parts, review findings): a row that does not fit is
refused by its number, every bad row named at once, never dropped."""
from __future__ import annotations

from datetime import date

import pytest

from ir_app.services.dossiers.lifecycle import parse_part_rows
from ir_app.services.dossiers.protection import parse_finding_rows
from ir_app.services.errors import ValidationFailed


def _refusal(parse, rows, *args) -> str:
    with pytest.raises(ValidationFailed) as refused:
        parse(rows, *args)
    return " ".join(refused.value.errors.values())


def test_parts_are_read_row_by_row():
    assert parse_part_rows([["Cổng dịch vụ công", "3", "Đ13.2.b"], ["Kho dữ liệu", "2", ""]]) == [
        {"name": "Cổng dịch vụ công", "level": 3, "ground": "Đ13.2.b"},
        {"name": "Kho dữ liệu", "level": 2, "ground": ""}]


@pytest.mark.parametrize("rows, message", [
    ([["Cổng", "3", "Đ13"], ["Kho dữ liệu", "ba", ""]], "Dòng 2 («Kho dữ liệu | ba»): cấp độ phải là số từ 1 đến 5"),
    ([["", "3", "Đ13"]], "Dòng 1 («3 | Đ13»): thiếu tên phân hệ"),
    ([["Phân hệ không cấp độ", "", ""]], "Dòng 1 («Phân hệ không cấp độ»): cấp độ phải là số từ 1 đến 5"),
    ([["Cổng", "6", ""]], "Dòng 1"),
    ([["X" * 201, "2", ""]], "tên tối đa 200 ký tự"),
])
def test_a_malformed_part_row_is_refused_by_its_number(rows, message):
    assert message in _refusal(parse_part_rows, rows)


def test_every_bad_row_is_named_at_once():
    message = _refusal(parse_part_rows, [["A", "x", ""], ["B", "2", ""], ["C", "9", ""]])
    assert "Dòng 1" in message and "Dòng 3" in message and "Dòng 2" not in message


def test_findings_are_read_row_by_row():
    assert parse_finding_rows([["ql.cs.1", "Chưa ban hành quy chế", "31/12/2026"], ["", "Thiếu sổ theo dõi", ""]],
                              {"QL.CS.1"}) == [
        {"requirement_id": "QL.CS.1", "text": "Chưa ban hành quy chế", "due_on": date(2026, 12, 31)},
        {"requirement_id": "", "text": "Thiếu sổ theo dõi", "due_on": None}]


@pytest.mark.parametrize("rows, message", [
    ([["QL.CS.1", "Thiếu quy chế", "31/12"]], "Dòng 1 («QL.CS.1 | Thiếu quy chế | 31/12»): hạn khắc phục phải theo dạng"),
    ([["", "Ổn", ""], ["QL.CS.1", "", "31/12/2026"]], "Dòng 2 («QL.CS.1 | 31/12/2026»): thiếu nội dung phát hiện"),
    ([["QL.XX.9", "Không rõ", ""]], "Dòng 1 («QL.XX.9 | Không rõ»): không có yêu cầu mã «QL.XX.9» trong danh mục"),
])
def test_a_malformed_finding_row_is_refused_by_its_number(rows, message):
    assert message in _refusal(parse_finding_rows, rows, {"QL.CS.1"})
