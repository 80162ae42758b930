"""python-docx building blocks for documents in the NĐ 30/2020 format.

Used by tools/build_docx_templates.py (which writes Jinja tags as text) and by the benchmark's
plain writer (which writes values), so both produce the same layout. Every ``Run`` becomes
exactly one Word run: a tag written as one ``Run`` can never be split across runs.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from ir_app.documents.format import (
    FONT,
    LANGUAGE,
    MOTTO,
    NATIONAL_NAME,
    PAGE,
    SIGNATURE,
    SIZES,
    SPACING,
    TITLE_BLOCK,
)
from ir_app.documents.package import normalise_zip

BODY = "ND30 Body"
CENTER = "ND30 Center"
BLOCK = "ND30 Block"
TABLE = "ND30 Table"
TABLE_HEAD = "ND30 Table Head"
RECIPIENTS = "ND30 Recipients"
TAG = "ND30 Tag"
# python-docx derives a style's id from its name by dropping the spaces.
_STYLE_IDS = {name: name.replace(" ", "") for name in (BODY, CENTER, BLOCK, TABLE, TABLE_HEAD, RECIPIENTS, TAG)}
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                   "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                   "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                   "w:rPr", "w:sectPr", "w:pPrChange")
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


@dataclass
class Run:
    text: str
    bold: bool | None = None
    italic: bool | None = None
    underline: bool = False
    size: float | None = None


@dataclass
class Para:
    runs: list[Run]
    style: str = BODY
    align: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    first_line_cm: float | None = None  # None: the style's indent
    left_cm: float | None = None
    space_before: float | None = None
    space_after: float | None = None
    keep_next: bool = False


def P(*parts: str | Run, **fmt) -> Para:
    """A paragraph from plain strings and ``Run``s; ``fmt`` applies to the whole paragraph."""
    return Para([part if isinstance(part, Run) else Run(part) for part in parts], **fmt)


def B(text: str, **fmt) -> Run:
    return Run(text, bold=True, **fmt)


def I(text: str, **fmt) -> Run:  # noqa: E743 - short name reads like the markup it is
    return Run(text, italic=True, **fmt)


@dataclass
class Rule:
    """A centred horizontal line of fixed length (paragraph bottom border between indents)."""
    width_cm: float
    space_after: float = 0.0


# --------------------------------------------------------------------------- document setup
def new_document(*, landscape: bool = False) -> Document:
    doc = Document()
    _set_doc_defaults(doc)
    _add_styles(doc)
    _setup_section(doc.sections[0], landscape=landscape)
    _page_number_header(doc.sections[0])
    return doc


def _fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts would win over the explicit name
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _set_doc_defaults(doc: Document) -> None:
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    _fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(SIZES.body)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = SPACING.line_spacing


def _style(doc: Document, name: str, size: float, align: str, *, first_line: float = 0.0,
           after: float = 0.0, bold: bool = False) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if style.style_id != _STYLE_IDS[name]:  # `add` relies on the id python-docx derives
        raise RuntimeError(f"style id of {name!r} is {style.style_id!r}")
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.name = FONT
    _fonts(style.element.get_or_add_rPr())
    style.font.size = Pt(size)
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.first_line_indent = Cm(first_line) if first_line else None
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = SPACING.line_spacing


def _add_styles(doc: Document) -> None:
    _style(doc, BODY, SIZES.body, "justify", first_line=SPACING.first_line_indent_cm,
           after=SPACING.paragraph_after_pt)
    _style(doc, CENTER, SIZES.doc_type, "center", bold=True)
    _style(doc, BLOCK, SIZES.issuing_body, "center")
    _style(doc, TABLE, SIZES.table, "left", after=2)
    _style(doc, TABLE_HEAD, SIZES.table, "center", bold=True)
    _style(doc, RECIPIENTS, SIZES.recipients, "left")
    _style(doc, TAG, 8, "left")


def _setup_section(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = Mm(PAGE.width_mm), Mm(PAGE.height_mm)
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin = Mm(PAGE.top_mm)
    section.bottom_margin = Mm(PAGE.bottom_mm)
    section.left_margin = Mm(PAGE.left_mm)
    section.right_margin = Mm(PAGE.right_mm)
    section.header_distance = Mm(PAGE.header_mm)
    section.footer_distance = Mm(PAGE.header_mm)


def _page_number_header(section) -> None:
    """I.7: page number centred in the top margin, not shown on the first page."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].text = ""
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"),
                       ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(SIZES.page_number)
        run.font.name = FONT
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def landscape_section(doc: Document) -> None:
    """Start a landscape section (wide tables, NĐ 30 Phụ lục I, I.2); page numbers continue."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _setup_section(section, landscape=True)
    section.different_first_page_header_footer = False
    section.header.is_linked_to_previous = True


def text_width_cm(doc: Document) -> float:
    section = doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 360000


# --------------------------------------------------------------------------- paragraphs
def add(container, item: Para | Rule, width_cm: float | None = None):
    """Append a paragraph (or a rule) to the document body or a table cell."""
    if isinstance(item, Rule):
        return _add_rule(container, item, width_cm)
    paragraph = container.add_paragraph()
    # Set the style id directly: python-docx's lookup by name scans every style (~9 ms each).
    paragraph._p.style = _STYLE_IDS[item.style]
    _format(paragraph, item)
    for spec in item.runs:
        run = paragraph.add_run(spec.text)
        bold = spec.bold if spec.bold is not None else item.bold
        italic = spec.italic if spec.italic is not None else item.italic
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        if spec.underline:
            run.underline = True
        size = spec.size or item.size
        if size:
            run.font.size = Pt(size)
    return paragraph


def _format(paragraph, item: Para) -> None:
    fmt = paragraph.paragraph_format
    if item.align:
        fmt.alignment = _ALIGN[item.align]
    if item.first_line_cm is not None:
        fmt.first_line_indent = Cm(item.first_line_cm) if item.first_line_cm else Cm(0)
    if item.left_cm is not None:
        fmt.left_indent = Cm(item.left_cm)
    if item.space_before is not None:
        fmt.space_before = Pt(item.space_before)
    if item.space_after is not None:
        fmt.space_after = Pt(item.space_after)
    if item.keep_next:
        fmt.keep_with_next = True


def _add_rule(container, rule: Rule, width_cm: float | None):
    paragraph = container.add_paragraph()
    paragraph._p.style = _STYLE_IDS[BLOCK]
    fmt = paragraph.paragraph_format
    side = max(((width_cm or 16.5) - rule.width_cm) / 2, 0)
    fmt.left_indent = Cm(side)
    fmt.right_indent = Cm(side)
    fmt.space_after = Pt(rule.space_after)
    # An empty paragraph as tall as a 3 pt font: its bottom border sits just under the text above.
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "6")
    mark.append(size)
    paragraph._p.get_or_add_pPr().insert_element_before(mark, "w:sectPr", "w:pPrChange")
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    # Schema order matters to Word: pBdr comes before spacing and ind.
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_PPR_AFTER_PBDR)
    return paragraph


def fill_cell(cell, items: list[Para | Rule], width_cm: float) -> None:
    """Replace a cell's content; a cell always starts with one empty paragraph."""
    first = cell.paragraphs[0]
    for item in items:
        add(cell, item, width_cm)
    first._p.getparent().remove(first._p)


# --------------------------------------------------------------------------- tables
def _cell_width(cell, width_cm: float) -> None:
    cell.width = Cm(width_cm)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _fixed_layout(table, widths_cm: list[float]) -> None:
    table.autofit = False  # writes <w:tblLayout w:type="fixed"/>
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)


def plain_table(container, widths_cm: list[float], rows: list[list[list[Para | Rule]]]):
    """A borderless layout table (title block, signature block)."""
    table = container.add_table(rows=len(rows), cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _fixed_layout(table, widths_cm)
    for row, cells in zip(table.rows, rows):
        for cell, width, content in zip(row.cells, widths_cm, cells):
            _cell_width(cell, width)
            fill_cell(cell, content, width)
    return table


def grid_table(container, widths_cm: list[float], header: list[list[str]],
               rows: list[list[str | list[Para]]], *, size: float | None = None,
               center_columns: tuple[int, ...] = (0,)):
    """A bordered data table: header rows (bold, centred, repeated on each page) and body rows.

    A body cell is a string (one run) or a list of ``Para``; a row with only one string in its
    first cell and empty others is how docxtpl row tags ({%tr …%}) are written.
    """
    table = container.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, widths_cm)
    for texts in header:
        row = table.add_row()
        _repeat_header(row)
        for cell, width, text in zip(row.cells, widths_cm, texts):
            _cell_width(cell, width)
            fill_cell(cell, [P(text, style=TABLE_HEAD, size=size)], width)
    for texts in rows:
        row = table.add_row()
        _cant_split(row)
        for index, (cell, width, text) in enumerate(zip(row.cells, widths_cm, texts)):
            _cell_width(cell, width)
            paras = text if isinstance(text, list) else [
                P(text, style=TABLE, size=size, align="center" if index in center_columns else None)]
            fill_cell(cell, paras, width)
    return table


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    tr_pr.append(element)
    _cant_split(row)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(OxmlElement("w:cantSplit"))


# --------------------------------------------------------------------------- title, signature
def title_block(doc: Document, issuer: list[Para], number: list[Para], place_date: list[Para]) -> None:
    """Mục IV, ô 1–4: issuing body | national title; number (and V/v) | place and date."""
    left, right = TITLE_BLOCK.left_cm, TITLE_BLOCK.right_cm
    national = [
        P(B(NATIONAL_NAME), style=BLOCK, size=SIZES.national_name),
        P(B(MOTTO, underline=True), style=BLOCK, size=SIZES.motto),
    ]
    plain_table(doc, [left, right], [
        [issuer + [Rule(TITLE_BLOCK.issuer_rule_cm, space_after=4)], national],
        [number, place_date],
    ])


def issuer_lines(parent: str, name: str) -> list[Para]:
    """II.2.b: parent body upright caps, issuing body bold caps (both 12–13)."""
    lines = []
    if parent:
        lines.append(P(parent, style=BLOCK, size=SIZES.parent_body))
    lines.append(P(B(name), style=BLOCK, size=SIZES.issuing_body))
    return lines


def number_line(text: str) -> Para:
    return P(text, style=BLOCK, size=SIZES.number)


def letter_summary(text: str) -> Para:
    """II.5.b: "V/v …" under the number of a công văn, 6 pt below it."""
    return P(text, style=BLOCK, size=SIZES.letter_summary, space_before=SPACING.letter_summary_before_pt)


def place_date_line(text: str) -> Para:
    return P(I(text), style=BLOCK, size=SIZES.place_date)


def document_title(doc: Document, doc_type: str, summary: list[str]) -> None:
    """II.5.b: type bold caps 14, summary bold 14, a short rule under the summary."""
    add(doc, P(B(doc_type), style=CENTER, size=SIZES.doc_type, space_before=12))
    for line in summary:
        add(doc, P(B(line), style=CENTER, size=SIZES.summary))
    add(doc, Rule(TITLE_BLOCK.summary_rule_cm, space_after=12), text_width_cm(doc))


def signature_block(doc: Document, recipients: list[Para] | None, signer: list[Para]) -> None:
    """Ô 9b (Nơi nhận, left) beside ô 7a–7c (authority, position, signature, name, right).

    ``recipients=None`` leaves the left cell empty (a document without a "Nơi nhận" list).
    """
    left: list[Para] = [P("", style=RECIPIENTS)]
    if recipients is not None:
        left = [P(B("Nơi nhận:", italic=True), style=RECIPIENTS, size=SIZES.recipients_label)]
        left += recipients
    keep_with_last_paragraph(doc)
    table = plain_table(doc, [SIGNATURE.left_cm, SIGNATURE.right_cm], [[left, signer]])
    keep_together(table)


def keep_with_last_paragraph(doc: Document) -> None:
    """The signature never starts a page alone: the last paragraph of the body (skipping docxtpl
    control paragraphs, which disappear when rendered) keeps with what follows."""
    from docx.text.paragraph import Paragraph

    for element in reversed(list(doc.element.body.iterchildren())):
        if element.tag == qn("w:tbl"):  # a table's rows repeat when rendered: chaining them would
            break                       # glue the whole table to the signature
        if element.tag != qn("w:p"):
            continue
        paragraph = Paragraph(element, doc)
        if paragraph._p.style == _STYLE_IDS[TAG]:
            continue
        paragraph.paragraph_format.keep_with_next = True
        if paragraph.text.strip():
            break


def keep_together(table) -> None:
    """A block (the signature) on one page: its rows never split, its lines keep together."""
    for row in table.rows:
        _cant_split(row)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_together = True
                paragraph.paragraph_format.keep_with_next = True


def recipient(text: str) -> Para:
    return P(text, style=RECIPIENTS)


def signer_lines(authority: str | None, position: str, name: str,
                 blank_lines: int = SIGNATURE.blank_lines) -> list[Para]:
    lines = []
    if authority is not None:
        lines.append(P(B(authority), style=BLOCK, size=SIZES.signer))
    lines.append(P(B(position), style=BLOCK, size=SIZES.signer))
    lines += [P("", style=BLOCK, size=SIZES.signer) for _ in range(blank_lines)]
    lines.append(P(B(name), style=BLOCK, size=SIZES.signer))
    return lines


# --------------------------------------------------------------------------- saving
def save_bytes(doc: Document, *, title: str, when: datetime, subject: str = "") -> bytes:
    """Fixed core properties and zip timestamps: the same document gives the same bytes."""
    stamp = when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = "ATTT xã"
    props.last_modified_by = "ATTT xã"
    props.language = LANGUAGE
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.comments = ""
    props.keywords = ""
    props.category = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue(), when)
