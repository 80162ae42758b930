"""Write the incident report templates (playbooks/reports/*.docx) with python-docx.

    python tools/build_report_templates.py [OUT_DIR]

Layout follows NĐ 30/2020/NĐ-CP Phụ lục I: A4, Times New Roman, margins 20/20/30/15 mm; title
block with the issuing body on the left and the national name and motto on the right; place and
date; title; body; "Nơi nhận" and the signature block. Each docxtpl placeholder is written as a
run of its own, so Word never splits it. The generated files are committed; an admin may edit
them in Word afterwards (keep the {{ … }} and {%p … %} parts intact).
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY = 14
OUT = Path(__file__).resolve().parents[1] / "playbooks" / "reports"
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


# --------------------------------------------------------------------------- building blocks

def new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    return doc


def para(container, *runs, align=JUSTIFY, size=BODY, indent=False, after=6):
    """A paragraph of runs; each run is (text, style) where style holds b/i/u letters."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    for item in runs:
        text, style = item if isinstance(item, tuple) else (item, "")
        run = paragraph.add_run(text)
        run.font.name, run.font.size = FONT, Pt(size)
        run.bold, run.italic, run.underline = "b" in style, "i" in style, "u" in style
    return paragraph


def tag(container, text):
    """A docxtpl paragraph tag ({%p … %}): alone in its paragraph, removed when rendered."""
    return para(container, text, align=LEFT, after=0)


def field(container, label, expression, size=BODY):
    return para(container, (f"- {label}: ", ""), ("{{ " + expression + " }}", ""), size=size)


def heading(container, text):
    return para(container, (text, "b"), align=LEFT)


def _cell(cell, *lines, align=CENTER):
    """Fill a table cell with lines of (text, style, size)."""
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    for text, style, size in lines:
        para(cell, (text, style), align=align, size=size, after=0)


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, *centimetres):
    table.autofit = False
    for column, width in zip(table.columns, centimetres):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres):
            cell.width = Cm(width)


def title_block(doc, symbol, parent=False):
    """Issuing body (left) and national name, motto, place and date (right).

    ``parent``: print the superior body above the issuer (Công an tỉnh above Công an xã); UBND xã
    has none."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, 5.8, 10.7)
    left, right = table.rows[0].cells
    parent_line = [("{{ issuer_parent }}", "", 13)] if parent else []
    _cell(left, *parent_line, ("{{ issuer_name }}", "b", 13), ("________", "", 13), ("Số:        /" + symbol, "", 13))
    _cell(right, ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b", 13), ("Độc lập - Tự do - Hạnh phúc", "b", 14),
          ("______________________", "", 13), ("{{ place_date }}", "i", 14))
    para(doc, "", after=6)


def title(doc, kind, summary_expression):
    para(doc, (kind, "b"), align=CENTER, after=0)
    para(doc, ("{{ " + summary_expression + " }}", "b"), align=CENTER, after=12)


def addressee(doc):
    para(doc, ("Kính gửi: ", ""), ("{{ addressee }}", ""), align=CENTER, after=12)


def simple_table(doc, headers, loop, cells, size=12):
    """A table with a header row and one row repeated for each item of ``loop`` ({%tr … %})."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    for cell, header in zip(table.rows[0].cells, headers):
        _cell(cell, (header, "b", size))
    _cell(table.rows[1].cells[0], ("{%tr for " + loop + " %}", "", size), align=LEFT)
    for cell, expression in zip(table.rows[2].cells, cells):
        _cell(cell, ("{{ " + expression + " }}", "", size), align=LEFT)
    _cell(table.rows[3].cells[0], ("{%tr endfor %}", "", size), align=LEFT)
    para(doc, "", after=6)
    return table


def bullet_list(doc, loop, line, empty="Không có."):
    tag(doc, "{%p if " + loop.split(" in ", 1)[1] + " %}")
    tag(doc, "{%p for " + loop + " %}")
    para(doc, "- ", ("{{ " + line + " }}", ""), align=LEFT)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, (empty, "i"))
    tag(doc, "{%p endif %}")


def signature(doc):
    """"Nơi nhận" on the left, the signer on the right (NĐ 30 Phụ lục I, II.7 and II.9)."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, 7.5, 9.0)
    left, right = table.rows[0].cells
    _cell(left, ("Nơi nhận:", "bi", 12), align=LEFT)
    tag(left, "{%p for recipient in recipients %}")
    para(left, ("- ", ""), ("{{ recipient }}", ""), align=LEFT, size=11, after=0)
    tag(left, "{%p endfor %}")
    _cell(right, ("{{ signer_role }}", "b", 14), ("(Ký, ghi rõ họ tên, đóng dấu)", "i", 13), ("", "", 14),
          ("", "", 14), ("", "", 14), ("{{ signer_name }}", "b", 14))


# --------------------------------------------------------------------------- shared sections

def reporter_section(doc, number):
    heading(doc, f"{number}. Thông tin về đơn vị, người báo cáo")
    field(doc, "Tên cơ quan, đơn vị (chủ quản hệ thống thông tin)", "commune.owner")
    field(doc, "Địa chỉ", "commune.address")
    field(doc, "Điện thoại", "commune.phone")
    field(doc, "Thư điện tử", "commune.email")
    field(doc, "Người báo cáo sự cố", "incident.reporter_name")
    field(doc, "Điện thoại, thư điện tử người báo cáo", "incident.reporter_contact")
    field(doc, "Người liên hệ xử lý sự cố", "incident.contact_person")


def systems_section(doc, number):
    heading(doc, f"{number}. Hệ thống thông tin bị sự cố")
    tag(doc, "{%p if systems %}")
    simple_table(doc, ["Tên hệ thống", "Chủ quản", "Đơn vị vận hành", "Tên miền, địa chỉ IP", "Cấp độ"],
                 "system in systems",
                 ["system.name", "system.owner", "system.operator", "system.addresses", "system.level"])
    tag(doc, "{%p else %}")
    para(doc, ("Chưa xác định hệ thống bị ảnh hưởng.", "i"))
    tag(doc, "{%p endif %}")


def attachments_section(doc, number=None):
    heading(doc, (f"{number}. " if number else "") + "Tài liệu, chứng cứ kèm theo")
    bullet_list(doc, "item in evidence", "item.line")


# --------------------------------------------------------------------------- the documents

def initial_report(path):
    doc = new_document()
    title_block(doc, "BC-UBND")
    title(doc, "BÁO CÁO BAN ĐẦU SỰ CỐ AN NINH MẠNG", "subtitle")
    addressee(doc)
    para(doc, "Thực hiện Luật An ninh mạng số 116/2025/QH15 (Điều 40) và Nghị định số 331/2026/NĐ-CP "
              "(điểm d khoản 2 Điều 31), ", ("{{ commune.owner }}", ""),
         " báo cáo sự cố an ninh mạng như sau:", indent=True)
    reporter_section(doc, 1)
    systems_section(doc, 2)
    heading(doc, "3. Thông tin về sự cố")
    field(doc, "Mã sự cố", "incident.code")
    field(doc, "Loại sự cố", "incident.category")
    field(doc, "Thời điểm phát hiện", "incident.detected_at")
    field(doc, "Cách thức phát hiện", "incident.detection_method")
    field(doc, "Mô tả sự cố", "incident.description")
    field(doc, "Tình trạng hiện tại", "incident.current_situation")
    field(doc, "Mức độ", "incident.severity")
    field(doc, "Lý do phân loại mức độ", "incident.severity_reason")
    tag(doc, "{%p for flag in incident.flags %}")
    para(doc, "- ", ("{{ flag }}", "b"))
    tag(doc, "{%p endfor %}")
    field(doc, "Đã thông báo cho", "incident.notified_parties")
    heading(doc, "4. Nguyên nhân, phạm vi ảnh hưởng, biện pháp khắc phục (điểm d khoản 2 Điều 31 "
                 "Nghị định số 331/2026/NĐ-CP)")
    field(doc, "Nguyên nhân", "incident.cause")
    field(doc, "Phạm vi ảnh hưởng", "incident.impact")
    field(doc, "Biện pháp đã và đang thực hiện", "incident.measures")
    heading(doc, "5. Thông tin kỹ thuật bổ sung (hệ điều hành, dịch vụ, biện pháp bảo vệ, địa chỉ IP, tên miền)")
    para(doc, ("{{ incident.technical_details }}", ""))
    heading(doc, "6. Dữ liệu cá nhân")
    tag(doc, "{%p if personal_data.involved %}")
    field(doc, "Loại dữ liệu cá nhân liên quan", "personal_data.kinds")
    field(doc, "Số người bị ảnh hưởng (ước tính)", "personal_data.subjects")
    field(doc, "Dữ liệu vị trí hoặc sinh trắc học", "personal_data.location_or_biometric")
    field(doc, "Thời điểm phát hiện vi phạm", "personal_data.discovered_at")
    tag(doc, "{%p else %}")
    para(doc, ("Chưa phát hiện vi phạm dữ liệu cá nhân.", "i"))
    tag(doc, "{%p endif %}")
    heading(doc, "7. Đề nghị hỗ trợ")
    para(doc, ("{{ incident.support_request }}", ""))
    attachments_section(doc, 8)
    heading(doc, "9. Đề nghị giữ bí mật thông tin sự cố")
    para(doc, ("{{ incident.confidential }}", ""))
    para(doc, ("{{ closing }}", ""), indent=True)
    signature(doc)
    doc.save(path)


def final_report(path):
    doc = new_document()
    title_block(doc, "BC-UBND")
    title(doc, "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ AN NINH MẠNG", "subtitle")
    addressee(doc)
    para(doc, ("{{ commune.owner }}", ""), " báo cáo kết thúc ứng phó sự cố như sau:", indent=True)
    heading(doc, "1. Tham chiếu báo cáo ban đầu")
    para(doc, ("{{ initial_reference }}", ""))
    reporter_section(doc, 2)
    systems_section(doc, 3)
    heading(doc, "4. Thông tin về sự cố")
    field(doc, "Mã sự cố", "incident.code")
    field(doc, "Tên sự cố", "incident.title")
    field(doc, "Loại sự cố", "incident.category")
    field(doc, "Mức độ", "incident.severity")
    field(doc, "Thời điểm phát hiện", "incident.detected_at")
    field(doc, "Mô tả sự cố", "incident.description")
    heading(doc, "5. Kết quả xử lý sự cố")
    field(doc, "Nguyên nhân", "incident.cause")
    field(doc, "Phạm vi ảnh hưởng", "incident.impact")
    field(doc, "Biện pháp đã thực hiện", "incident.measures")
    field(doc, "Kết quả xử lý", "incident.resolution")
    field(doc, "Thời điểm kết thúc ứng cứu", "incident.resolved_at")
    field(doc, "Bài học kinh nghiệm, biện pháp phòng ngừa", "incident.lessons_learned")
    heading(doc, "6. Diễn biến xử lý")
    simple_table(doc, ["Thời điểm", "Diễn biến"], "entry in timeline", ["entry.at", "entry.text"])
    heading(doc, "7. Các thông báo, báo cáo đã gửi")
    bullet_list(doc, "item in reports", "item.line", empty="Chưa gửi văn bản nào.")
    attachments_section(doc, 8)
    para(doc, ("{{ closing }}", ""), indent=True)
    signature(doc)
    doc.save(path)


def pdp_notice(path):
    """Mẫu số 08, Phụ lục NĐ 356/2025/NĐ-CP; contents of Đ28.1 a–d."""
    doc = new_document()
    title_block(doc, "TB-UBND")
    title(doc, "THÔNG BÁO", "subtitle")
    addressee(doc)
    para(doc, "Thực hiện quy định về bảo vệ dữ liệu cá nhân, ", ("{{ commune.owner }}", ""),
         " xin gửi Cơ quan chuyên trách bảo vệ dữ liệu cá nhân, Bộ Công an thông báo vi phạm quy định "
         "bảo vệ dữ liệu cá nhân, như sau:", indent=True)
    heading(doc, "1. Thông tin về tổ chức")
    field(doc, "Tên tổ chức", "commune.owner")
    field(doc, "Địa chỉ trụ sở chính", "commune.address")
    field(doc, "Điện thoại", "commune.phone")
    field(doc, "Website", "commune.website")
    para(doc, "- Nhân sự chịu trách nhiệm bảo vệ dữ liệu cá nhân (Điều 28.1.b): ",
         ("{{ protection_contact }}", ""))
    heading(doc, "2. Mô tả hành vi vi phạm quy định bảo vệ dữ liệu cá nhân (Điều 28.1.a)")
    field(doc, "Thời gian", "personal_data.discovered_at")
    field(doc, "Địa điểm", "breach_place")
    field(doc, "Hành vi", "incident.description")
    field(doc, "Tổ chức, cá nhân liên quan", "incident.related_parties")
    field(doc, "Các loại dữ liệu cá nhân và số lượng dữ liệu liên quan", "personal_data.summary")
    field(doc, "Hậu quả xảy ra, thiệt hại có thể xảy ra (Điều 28.1.c)", "incident.impact")
    field(doc, "Biện pháp áp dụng để giải quyết, giảm thiểu tác hại (Điều 28.1.d)", "incident.measures")
    attachments_section(doc, 3)
    heading(doc, "4. Cam kết")
    para(doc, ("{{ commune.owner }}", ""), " xin cam kết chịu trách nhiệm về tính chính xác và tính hợp pháp "
         "của thông báo cùng các tài liệu kèm theo và cam kết tuân thủ các quy định của pháp luật.", indent=True)
    signature(doc)
    doc.save(path)


def breach_record(path):
    """Biên bản xác nhận việc xảy ra vi phạm dữ liệu cá nhân (Luật 91/2025 Đ23), to be signed."""
    doc = new_document()
    title_block(doc, "BB-UBND")
    title(doc, "BIÊN BẢN", "subtitle")
    para(doc, "Hôm nay, hồi ", ("{{ record_time }}", ""), ", tại ", ("{{ record_place }}", ""),
         ", chúng tôi gồm:", indent=True)
    for number in (1, 2, 3):
        para(doc, f"{number}. Ông/Bà: ................................ Chức vụ: ......................................")
    para(doc, "Cùng tiến hành lập biên bản xác nhận việc xảy ra vi phạm quy định bảo vệ dữ liệu cá nhân "
              "như sau:", indent=True)
    field(doc, "Sự cố", "subtitle")
    field(doc, "Thời điểm phát hiện vi phạm", "personal_data.discovered_at")
    field(doc, "Hệ thống, nơi xảy ra vi phạm", "breach_place")
    field(doc, "Diễn biến, hành vi vi phạm", "incident.description")
    field(doc, "Loại dữ liệu cá nhân liên quan", "personal_data.kinds")
    field(doc, "Số người bị ảnh hưởng (ước tính)", "personal_data.subjects")
    field(doc, "Dữ liệu vị trí hoặc sinh trắc học", "personal_data.location_or_biometric")
    field(doc, "Hậu quả, thiệt hại có thể xảy ra", "incident.impact")
    field(doc, "Biện pháp đã áp dụng", "incident.measures")
    attachments_section(doc)
    para(doc, "Biên bản được lập thành 02 bản có giá trị như nhau, đã đọc lại cho những người có mặt cùng nghe, "
              "thống nhất và ký tên. Hồ sơ vi phạm được lưu giữ tối thiểu 05 năm kể từ ngày khắc phục xong "
              "sự cố.", indent=True)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, 8.0, 8.0)
    _cell(table.rows[0].cells[0], ("NGƯỜI LẬP BIÊN BẢN", "b", 14), ("(Ký, ghi rõ họ tên)", "i", 13))
    _cell(table.rows[0].cells[1], ("{{ signer_role }}", "b", 14), ("(Ký, ghi rõ họ tên, đóng dấu)", "i", 13))
    doc.save(path)


def incident_summary(path):
    doc = new_document()
    title_block(doc, "BC-CAX", parent=True)
    title(doc, "BÁO CÁO TỔNG HỢP SỰ CỐ AN NINH MẠNG", "subtitle")
    addressee(doc)
    heading(doc, "1. Tình hình chung")
    para(doc, ("{{ overview }}", ""), indent=True)
    heading(doc, "2. Sự cố theo loại")
    simple_table(doc, ["Loại sự cố", "Số sự cố"], "row in by_category", ["row.label", "row.count"])
    heading(doc, "3. Sự cố theo mức độ")
    simple_table(doc, ["Mức độ", "Số sự cố"], "row in by_severity", ["row.label", "row.count"])
    heading(doc, "4. Sự cố theo trạng thái")
    simple_table(doc, ["Trạng thái", "Số sự cố"], "row in by_state", ["row.label", "row.count"])
    heading(doc, "5. Thời hạn thông báo, báo cáo")
    para(doc, ("{{ clocks_text }}", ""), indent=True)
    heading(doc, "6. Thời gian xử lý")
    simple_table(doc, ["Chỉ số", "Số sự cố", "Trung bình", "Trung vị"], "row in metrics",
                 ["row.label", "row.count", "row.average", "row.median"])
    heading(doc, "7. Danh sách sự cố")
    simple_table(doc, ["Mã", "Tên sự cố", "Loại", "Mức độ", "Trạng thái", "Phát hiện"], "row in incidents",
                 ["row.code", "row.title", "row.category", "row.severity", "row.state", "row.detected_at"], size=11)
    signature(doc)
    doc.save(path)


BUILDERS = {
    "initial_report.docx": initial_report,
    "final_report.docx": final_report,
    "pdp_notice.docx": pdp_notice,
    "breach_record.docx": breach_record,
    "incident_summary.docx": incident_summary,
}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        build(out / name)
        print(f"đã ghi {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
