"""Presentation rules of NĐ 30/2020/NĐ-CP, Phụ lục I (thể thức văn bản hành chính), in one place.

The decree gives ranges; each constant below picks one value inside the range and cites the
item. The template generator and the plain python-docx writer of the benchmark both read these,
so a change here changes every form. Sizes are in points, lengths in millimetres or centimetres.

Consistency rule (footnote 1 of Phụ lục I, Mục V): sizes move together, e.g. Quốc hiệu 13,
Tiêu ngữ 14, place/date 14 — the set used here.
"""
from __future__ import annotations

from dataclasses import dataclass

FONT = "Times New Roman"  # Phụ lục I, I.4 (Unicode TCVN 6909:2001, black)
LANGUAGE = "vi-VN"


@dataclass(frozen=True)
class Page:
    width_mm: float = 210.0   # I.1: A4 210 × 297 mm
    height_mm: float = 297.0
    top_mm: float = 20.0      # I.3: top and bottom 20–25 mm
    bottom_mm: float = 20.0
    left_mm: float = 30.0     # I.3: left 30–35 mm
    right_mm: float = 15.0    # I.3: right 15–20 mm
    header_mm: float = 10.0   # page number sits in the top margin (I.7)

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm

    @property
    def landscape_text_width_mm(self) -> float:
        return self.height_mm - self.left_mm - self.right_mm


@dataclass(frozen=True)
class Sizes:
    national_name: float = 13     # II.1.a Quốc hiệu: caps, 12–13, upright, bold
    motto: float = 14             # II.1.b Tiêu ngữ: 13–14, upright, bold, underlined full length
    parent_body: float = 13       # II.2.b cơ quan chủ quản trực tiếp: caps, 12–13, upright
    issuing_body: float = 13      # II.2.b cơ quan ban hành: caps, 12–13, upright, bold
    number: float = 13            # II.3.c "Số:" 13, symbol caps 13
    letter_summary: float = 12    # II.5.b công văn "V/v …": 12–13, upright
    place_date: float = 14        # II.4.c địa danh, ngày tháng: 13–14, italic
    doc_type: float = 14          # II.5.b tên loại: caps, 13–14, bold
    summary: float = 14           # II.5.b trích yếu: 13–14, bold
    body: float = 14              # II.6.e nội dung: 13–14
    addressee: float = 14         # II.9.d "Kính gửi": 13–14, upright
    signer: float = 14            # II.7.đ quyền hạn, chức vụ, họ tên: 13–14, bold
    recipients_label: float = 12  # II.9.d "Nơi nhận:": 12, italic, bold
    recipients: float = 11        # II.9.d list: 11, upright
    page_number: float = 14       # I.7: 13–14, upright, centred in the top margin
    table: float = 12             # not fixed by the decree: body tables one step below body
    wide_table: float = 11        # the 12-column table of Mẫu số 08 (landscape)


@dataclass(frozen=True)
class Spacing:
    first_line_indent_cm: float = 1.0  # II.6.e: 1 cm or 1.27 cm
    paragraph_after_pt: float = 6.0    # II.6.e: at least 6 pt between paragraphs
    line_spacing: float = 1.0          # II.6.e: single to 1.5 lines
    letter_summary_before_pt: float = 6.0  # II.5.b: "V/v" 6 pt below the number


@dataclass(frozen=True)
class TitleBlock:
    """The two-column heading (Mục IV, ô 1–5) as a borderless table."""
    left_cm: float = 6.2
    right_cm: float = 10.3
    # II.2.b: rule under the issuing body, 1/3–1/2 of its line; II.5.b: rule under the summary.
    # Drawn as a paragraph border of fixed length (editable in Word by changing the indents).
    issuer_rule_cm: float = 2.2
    summary_rule_cm: float = 4.0


@dataclass(frozen=True)
class Signature:
    left_cm: float = 8.0    # Nơi nhận (ô 9b)
    right_cm: float = 8.5   # chức vụ, chữ ký, họ tên (ô 7a–7c)
    blank_lines: int = 4    # room for the handwritten signature and the seal


PAGE = Page()
SIZES = Sizes()
SPACING = Spacing()
TITLE_BLOCK = TitleBlock()
SIGNATURE = Signature()

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
