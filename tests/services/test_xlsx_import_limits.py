"""An uploaded inventory XLSX cannot exhaust the server: refused before parsing when it unpacks
too large, holds too many cells or strings, or carries a DTD; read whatever its <dimension> says."""
from __future__ import annotations

import io
import time

import pytest

from bench import xlsx_import_memory as files
from ir_app.models import Role
from ir_app.services.inventory import xlsx as spreadsheets


def _refusal(data: bytes) -> str:
    with pytest.raises(spreadsheets.ImportRejected) as rejected:
        spreadsheets.read_rows(data)
    return str(rejected.value.errors[0])


def test_a_small_file_hiding_a_huge_cell_is_refused_before_unpacking():
    data = files.huge_cell(64 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    started = time.process_time()
    assert "khi giải nén lớn 64,0 MB, vượt giới hạn 24,0 MB" in _refusal(data)
    assert time.process_time() - started < 1


def test_a_sheet_of_thousands_of_columns_is_refused_without_parsing_it():
    data = files.wide_sheet(20)  # 20 × 16,384 cells, over 300,000
    started = time.process_time()
    assert "quá nhiều ô" in _refusal(data)
    assert time.process_time() - started < 3


def test_a_million_shared_strings_are_refused():
    assert "quá nhiều ô hoặc chuỗi văn bản" in _refusal(files.many_strings(300_000))


def test_a_workbook_with_a_dtd_is_refused():
    assert "khai báo DTD hoặc thực thể XML" in _refusal(files.entity_bomb())


def test_a_stale_dimension_does_not_hide_the_rows():
    rows = spreadsheets.read_rows(files.stale_dimension(rows=3))
    assert [values["code"] for _number, values in rows] == ["HT2", "HT3", "HT4"]


def test_not_an_xlsx_is_refused_clearly():
    assert "Không đọc được tệp XLSX" in _refusal(b"PK\x03\x04 not really a zip")


def test_reading_the_worst_accepted_files_peaks_under_200_mb():
    """In a fresh process (the benchmark's child): a cell and the shared strings at the limits."""
    for data in (files.huge_cell(22 * 1024 * 1024), files.many_strings(240_000)):
        figures = files.measure(data)
        assert figures["refused"] is None and figures["peak_mb"] < 200, figures


def test_an_xlsx_with_a_dtd_uploaded_on_the_import_page_gets_a_message(make_web, make_user, commune):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    response = client.post_form("/systems/import", {"file": (io.BytesIO(files.entity_bomb()), "danh-muc.xlsx")},
                                content_type="multipart/form-data")
    assert response.status_code == 422
    assert "khai báo DTD hoặc thực thể XML" in response.get_data(as_text=True)

