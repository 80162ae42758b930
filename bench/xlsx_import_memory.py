"""Peak memory and time of the inventory XLSX import on the worst files an outsider can upload.

Builds each file, then reads it in a fresh child process (so one file's peak does not hide
another's) through the real import path (``services.inventory.xlsx.read_rows``) and prints the
child's peak RSS, its CPU time and whether the file was refused. The peak is the child's
high-water mark (VmHWM), reset after the app's imports and so counting them once: exit code 1
if it reaches the budget (200 MB) for any file, or if a hostile file is accepted.

    PYTHONPATH=. python bench/xlsx_import_memory.py [--quick] [--budget-mb 200]

``--quick`` builds smaller versions of the same attacks (the test suite uses it); the full run
includes the issue's 1 GiB single cell and 1,000 × 16,384 cells.
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh mục HTTT" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
HEADER = ("Mã hệ thống *", "Tên hệ thống *", "Loại hệ thống (Điều 9) *", "Trạng thái *", "Nơi đặt hệ thống *")


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_inline(f"{column_letter(i)}1", t) for i, t in enumerate(HEADER, 1)) + "</row>"


def build_xlsx(sheet_parts, shared_parts=("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>",),
               dimension: str = "", prolog: str = "") -> bytes:
    """A minimal XLSX whose sheet and shared strings are written piece by piece (so a 1 GiB part
    never sits in memory here either)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            for piece in shared_parts:
                part.write(piece.encode() if isinstance(piece, str) else piece)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((prolog + SHEET_HEAD.format(dimension=dimension)).encode())
            for piece in sheet_parts:
                part.write(piece.encode() if isinstance(piece, str) else piece)
            part.write(SHEET_TAIL.encode())
    return buffer.getvalue()


def huge_cell(size: int) -> bytes:
    """One shared string of ``size`` bytes (the issue: 1 GiB in a 1 MB upload)."""
    block = b"A" * (1024 * 1024)
    strings = ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
               *(block for _ in range(size // len(block))), "</t></si></sst>"]
    row = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return build_xlsx([_header_row(), row], strings)


def wide_sheet(rows: int, columns: int = 16384) -> bytes:
    """``rows`` rows of ``columns`` small numbers (the issue: 1,000 × 16,384 in 490 KB)."""
    def pieces():
        yield _header_row()
        for number in range(2, rows + 2):
            yield f'<row r="{number}">' + "".join(f'<c r="{column_letter(i)}{number}"><v>1</v></c>'
                                                  for i in range(1, columns + 1)) + "</row>"
    return build_xlsx(pieces())


def many_strings(count: int) -> bytes:
    """Shared strings right up to the unpacked limit: the most Python objects a legal file makes."""
    strings = ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
               *(f"<si><t>{i}</t></si>" for i in range(count)), "</sst>"]
    return build_xlsx([_header_row()], strings)


def largest_accepted(rows: int = 5000, columns: int = 49) -> bytes:
    """A legitimate-looking sheet as large as the import takes: 5,000 rows, 49 filled columns."""
    def pieces():
        yield _header_row()
        for number in range(2, rows + 2):
            yield f'<row r="{number}">' + "".join(_inline(f"{column_letter(i)}{number}", f"Giá trị {number}-{i}")
                                                  for i in range(1, columns + 1)) + "</row>"
    return build_xlsx(pieces())


def entity_bomb() -> bytes:
    """Billion laughs in the sheet's DTD."""
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 10))
    prolog = f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>'
    row = '<row r="2">' + _inline("A2", "&a9;") + "</row>"
    return build_xlsx([_header_row(), row], prolog=prolog)


def stale_dimension(rows: int = 3) -> bytes:
    """Excel-like rows under a <dimension> that claims the sheet is one cell."""
    body = [_header_row()] + [
        f'<row r="{n}">' + "".join(_inline(f"{column_letter(i)}{n}", value) for i, value in
                                   enumerate((f"HT{n}", f"Hệ thống {n}", "Nội bộ", "Đang vận hành", "Tại trụ sở"), 1))
        + "</row>" for n in range(2, rows + 2)]
    return build_xlsx(body, dimension='<dimension ref="A1"/>')


def cases(quick: bool) -> dict[str, tuple[bytes, bool]]:
    """name → (file, expected to be refused)."""
    return {
        "one huge cell": (huge_cell(64 * 1024 * 1024 if quick else 1024 * 1024 * 1024), True),
        "one cell at the limit": (huge_cell(22 * 1024 * 1024), False),
        "wide sheet": (wide_sheet(30 if quick else 1000), True),
        "many shared strings": (many_strings(1_000_000), True),
        "shared strings at limit": (many_strings(250_000), False),
        "largest accepted sheet": (largest_accepted(rows=1000 if quick else 5000), False),
        "entity bomb": (entity_bomb(), True),
    }


CHILD = """
import json, sys, time
from ir_app.services.inventory import xlsx

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024

data = sys.stdin.buffer.read()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # start the high-water mark (VmHWM) again from here, after the imports
before = status("VmRSS")
start = time.process_time()
try:
    rows = len(xlsx.read_rows(data))
    refused = None
except xlsx.ImportRejected as rejected:
    rows, refused = 0, str(rejected.errors[0])
print(json.dumps({"peak_mb": status("VmHWM"), "before_mb": before, "cpu_s": time.process_time() - start,
                  "rows": rows, "refused": refused}))
"""


def measure(data: bytes) -> dict:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", CHILD], input=data, capture_output=True, cwd=root,
                            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=600, check=True)
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller files (for the test suite)")
    parser.add_argument("--budget-mb", type=float, default=200)
    options = parser.parse_args(argv)
    failures = []
    print(f"{'file':<24}{'upload':>10}{'before':>9}{'peak':>9}{'rise':>9}{'CPU':>8}  result")
    for name, (data, hostile) in cases(options.quick).items():
        figures = measure(data)
        outcome = f"refused: {figures['refused']}" if figures["refused"] else f"read {figures['rows']} rows"
        rise = figures["peak_mb"] - figures["before_mb"]
        print(f"{name:<24}{len(data) / 1024:>8.0f}KB{figures['before_mb']:>6.0f} MB{figures['peak_mb']:>6.0f} MB"
              f"{rise:>6.0f} MB{figures['cpu_s']:>7.1f}s  {outcome[:100]}")
        if figures["peak_mb"] >= options.budget_mb:
            failures.append(f"{name}: peak {figures['peak_mb']:.0f} MB")
        if hostile and not figures["refused"]:
            failures.append(f"{name}: accepted")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
