"""Reading generated DOCX files back: their text, their XML against the schema's element order,
and their pages once LibreOffice has laid them out."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# ECMA-376 Part 1 (transitional schema wml.xsd): the xsd:sequence of each property element.
SCHEMA_ORDER = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps",
            "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
            "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish",
            "oMath", "rPrChange"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"),
    "sectPr": ("headerReference|footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
               "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
}
# trPr is an xsd:choice (any order) of these elements: checked for unknown children only.
TR_PR = {"cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
         "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange"}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def text_of(data: bytes) -> str:
    """Every run of text in the body, headers and footers, paragraph by paragraph."""
    lines = []
    for name, xml in sorted(parts(data).items()):
        if not re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
            continue
        root = etree.fromstring(xml.encode("utf-8"))
        for paragraph in root.iter(f"{{{W}}}p"):
            pieces = []
            for node in paragraph.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}tab"):
                pieces.append(node.text or "" if node.tag == f"{{{W}}}t" else "\n" if node.tag.endswith("br") else "\t")
            lines.append("".join(pieces))
    return "\n".join(lines)


def order_problems(data: bytes) -> list[str]:
    """Children of pPr, rPr, tblPr, tcPr, sectPr out of the schema's order; unknown trPr children."""
    problems = []
    for name, xml in parts(data).items():
        if not name.startswith("word/"):
            continue
        root = etree.fromstring(xml.encode("utf-8"))
        for element, sequence in SCHEMA_ORDER.items():
            rank = {}
            for position, names in enumerate(sequence):
                for local in names.split("|"):
                    rank[local] = position
            for node in root.iter(f"{{{W}}}{element}"):
                seen = [etree.QName(child).localname for child in node if etree.QName(child).namespace == W]
                positions = [rank.get(local, -1) for local in seen]
                if -1 in positions or positions != sorted(positions):
                    problems.append(f"{name}: <w:{element}> {seen}")
        for node in root.iter(f"{{{W}}}trPr"):
            unknown = [etree.QName(child).localname for child in node if etree.QName(child).localname not in TR_PR]
            if unknown:
                problems.append(f"{name}: <w:trPr> {unknown}")
    return sorted(set(problems))


def text_problems(data: bytes) -> list[str]:
    """Control characters or text not in NFC anywhere in the package's XML."""
    problems = []
    for name, xml in parts(data).items():
        if CONTROL.search(xml):
            problems.append(f"{name}: ký tự điều khiển {CONTROL.search(xml).group()!r}")
        if unicodedata.normalize("NFC", xml) != xml:
            problems.append(f"{name}: văn bản chưa chuẩn hóa NFC")
    return problems


def has_page_numbers(data: bytes) -> bool:
    headers = [xml for name, xml in parts(data).items() if re.match(r"word/header\d*\.xml$", name)]
    return any(re.search(r"<w:instrText[^>]*>\s*PAGE\s*<", xml) or 'w:instr="PAGE' in xml or
               "w:instr=\" PAGE" in xml for xml in headers)


# --------------------------------------------------------------------------- pages (LibreOffice)
def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_pages(files: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """Lay every document out with LibreOffice (one run) and read back each page's text."""
    from pypdf import PdfReader

    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / f"{name}.docx").write_bytes(data)
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{folder / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(folder)] + [str(folder / f"{n}.docx") for n in files],
                   check=True, capture_output=True, timeout=600)
    return {name: [page.extract_text() or "" for page in PdfReader(str(folder / f"{name}.pdf")).pages]
            for name in files}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", CONTROL.sub(" ", unicodedata.normalize("NFC", text)))


def signature_problem(pages: list[str], first_line: str, name: str) -> str | None:
    """The signature block (from "Nơi nhận" or the signer's first line to the signer's name) sits
    on one page, and that page has something of the document before it: it never starts a page
    of its own, and it is never split from its last paragraph."""
    squashed = [_squash(page) for page in pages]
    target_name, target_first = _squash(name), _squash(first_line)
    name_pages = [index for index, page in enumerate(squashed) if target_name and target_name in page]
    if not name_pages:
        return f"không thấy tên người ký {name!r}"
    index = name_pages[-1]
    page = squashed[index]
    end = page.rfind(target_name)
    starts = [page.rfind(mark, 0, end) for mark in (target_first, "Nơinhận") if mark]
    starts = [start for start in starts if start >= 0]
    if target_first and page.rfind(target_first, 0, end) < 0:
        return f"dòng «{first_line}» không cùng trang {index + 1} với tên người ký"
    before = re.sub(r"^\d+", "", page[:min(starts)])
    if index > 0 and len(before) < 20:
        return f"khối chữ ký đứng một mình ở trang {index + 1}"
    return None


def blank_pages(pages: list[str]) -> list[int]:
    """Pages with nothing but (at most) a page number."""
    return [index + 1 for index, page in enumerate(pages) if len(re.sub(r"\s|\d", "", page)) < 40]
