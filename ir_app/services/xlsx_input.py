"""Reading an uploaded XLSX without letting it exhaust the server.

An XLSX is a ZIP of XML parts, so a small upload can hide a great deal: one shared string of a
gigabyte in a 1 MB file, 16,384 columns × 1,000 rows of cells that take minutes to parse, a DTD
whose entities expand without end, or a stale ``<dimension>`` that hides every row after the
first. So the ZIP's own directory and a cheap byte scan are checked before openpyxl parses
anything, and openpyxl then reads in read-only mode within fixed rows and columns.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any


# An inventory of a few thousand rows unpacks to a few megabytes; the limits leave room for
# styles and comments Excel adds, and keep openpyxl's memory well under 200 MB.
MAX_UNPACKED_BYTES = 24 * 1024 * 1024
MAX_PARTS = 1000
MAX_CELLS = 250_000      # 5,000 rows × 50 columns
MAX_STRINGS = MAX_CELLS  # shared strings beyond the cells that could use them only cost memory
_CHUNK = 1024 * 1024
# A cell or a shared string element, with or without a namespace prefix: <c r="A1">, <x:si>.
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
# A document type declaration or entity, in the UTF-8 or UTF-16 an XML part may be written in.
_DTD_WORDS = (b"<!doctype", b"<!entity")
_DTD_PATTERNS = tuple(re.compile(re.escape(word.decode().encode(encoding)), re.IGNORECASE)
                      for word in _DTD_WORDS for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
_OVERLAP = 32

UNREADABLE = "Không đọc được tệp XLSX (tệp hỏng hoặc sai định dạng)."


class UnsafeWorkbook(ValueError):
    """An upload refused before parsing, with the reason in Vietnamese."""


def read_first_sheet(data: bytes, max_rows: int, max_columns: int) -> list[tuple[Any, ...]]:
    """The values of the first sheet, at most ``max_rows`` rows of ``max_columns`` columns
    (a caller that finds ``max_rows`` rows knows the file has at least that many)."""
    from openpyxl import load_workbook  # openpyxl: loaded by the first spreadsheet, not by every worker

    archive = _open_zip(data)
    with archive:
        _check_sizes(archive)
        _check_parts(archive)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise UnsafeWorkbook(UNREADABLE) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a stale <dimension ref="A1"> would hide every row after the first
        return list(sheet.iter_rows(min_row=1, max_row=max_rows, max_col=max_columns, values_only=True))
    except UnsafeWorkbook:
        raise
    except Exception as exc:
        raise UnsafeWorkbook(UNREADABLE) from exc
    finally:
        workbook.close()


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnsafeWorkbook(UNREADABLE) from exc


def _check_sizes(archive: zipfile.ZipFile) -> None:
    """The sizes the ZIP declares are binding: Python's zipfile never unpacks more than them."""
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise UnsafeWorkbook(f"Tệp XLSX có quá nhiều thành phần ({len(members)}); tối đa {MAX_PARTS}.")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnsafeWorkbook(f"Tệp XLSX khi giải nén lớn {_megabytes(unpacked)}, vượt giới hạn "
                             f"{_megabytes(MAX_UNPACKED_BYTES)}. Hãy chỉ giữ lại bảng danh mục "
                             "(xóa ảnh, trang tính và ô thừa) rồi lưu lại.")


def _check_parts(archive: zipfile.ZipFile) -> None:
    """No DTD anywhere (Excel never writes one; entities are how XML bombs work) and no more
    cells than an import can use."""
    counts = {_CELL: 0, _STRING: 0}
    for member in archive.infolist():
        if member.is_dir():
            continue
        counted = _CELL if member.filename.startswith("xl/worksheets/") else \
            _STRING if member.filename.lower().endswith("sharedstrings.xml") else None
        for seen, chunk in _chunks(archive, member):
            if any(pattern.search(chunk) for pattern in _DTD_PATTERNS):
                raise UnsafeWorkbook("Tệp XLSX có khai báo DTD hoặc thực thể XML (tệp Excel thông thường không có) "
                                     "nên không được nhận. Hãy mở bằng Excel rồi lưu lại thành tệp .xlsx mới.")
            if counted is not None:  # an element that ends in the overlap was counted with the previous piece
                counts[counted] += sum(1 for match in counted.finditer(chunk) if match.end() > seen)
        if counts[_CELL] > MAX_CELLS or counts[_STRING] > MAX_STRINGS:
            limit = f"{MAX_CELLS:,}".replace(",", ".")
            raise UnsafeWorkbook(f"Tệp XLSX có quá nhiều ô hoặc chuỗi văn bản (hơn {limit}). Hãy xóa các cột, "
                                 "dòng thừa rồi lưu lại.")


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo):
    """(length of the overlap, bytes): the member in pieces that repeat the previous piece's
    last bytes, so a word cut at a boundary is still seen."""
    try:
        with archive.open(member) as stream:
            tail = b""
            while piece := stream.read(_CHUNK):
                yield len(tail), tail + piece
                tail = piece[-_OVERLAP:]
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise UnsafeWorkbook(UNREADABLE) from exc


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
