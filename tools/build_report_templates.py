"""Write the incident report templates (playbooks/reports/*.docx) with python-docx.

    python tools/build_report_templates.py [OUT_DIR]

Built from the same NĐ 30/2020 building blocks as the level-dossier forms
(ir_app.documents.layout): A4, Times New Roman, margins 20/20/30/15 mm, page numbers from page 2,
the title block with the issuing body on the left and the national name and motto on the right,
rules drawn as paragraph borders (never underscores), the "Nơi nhận" and signature block kept
together with the last paragraph, table properties in schema order. Each docxtpl placeholder is a
run of its own, so Word never splits it. The generated files are committed; an admin may edit
them in Word afterwards (keep the {{ … }} and {%p … %} parts intact). Same script, same bytes.
"""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ir_app.documents import layout as L  # noqa: E402
from ir_app.documents.format import SIZES  # noqa: E402
from ir_app.documents.layout import B, I, P  # noqa: E402

OUT = ROOT / "playbooks" / "reports"
BUILT_AT = datetime(2026, 8, 19, 0, 0, 0)  # fixed: the same script writes the same bytes


# --------------------------------------------------------------------------- building blocks

def T(tag: str) -> L.Para:
    """A docxtpl control paragraph ({%p …%}): alone in its paragraph, removed when rendered."""
    return P(tag, style=L.TAG)


def emit(doc, *items) -> None:
    for item in items:
        L.add(doc, item, L.text_width_cm(doc))


def para(doc, *parts, indent=True, **fmt) -> None:
    """A body paragraph; ``parts`` are strings or (text, "b"/"i") pairs."""
    runs = [L.Run(part[0], bold="b" in part[1] or None, italic="i" in part[1] or None)
            if isinstance(part, tuple) else L.Run(part) for part in parts]
    emit(doc, L.Para(runs, first_line_cm=None if indent else 0, **fmt))


def field(doc, label, expression) -> None:
    para(doc, f"- {label}: ", "{{ " + expression + " }}")


def heading(doc, text) -> None:
    emit(doc, P(B(text), keep_next=True, space_before=6))


def title_block(doc, parent=False) -> None:
    """Issuing body | national name and motto; number | place and date (NĐ 30 Phụ lục I, Mục IV)."""
    issuer = ([T("{%p if issuer_parent %}"), P("{{ issuer_parent }}", style=L.BLOCK, size=SIZES.parent_body),
               T("{%p endif %}")] if parent else [])
    issuer.append(P(B("{{ issuer_name }}"), style=L.BLOCK, size=SIZES.issuing_body))
    L.title_block(doc, issuer, [L.number_line("{{ number_line }}")], [L.place_date_line("{{ place_date }}")])


def title(doc, kind, *lines) -> None:
    L.document_title(doc, kind, list(lines))


def addressee(doc) -> None:
    emit(doc, P("Kính gửi: {{ addressee }}.", align="center", first_line_cm=0, space_before=6, space_after=12))


def simple_table(doc, headers, loop, cells, size=12) -> None:
    """A bordered table with one row repeated for each item of ``loop`` ({%tr … %})."""
    blank = [""] * (len(headers) - 1)
    width = L.text_width_cm(doc)
    widths = [round(width / len(headers), 2)] * len(headers)
    L.grid_table(doc, widths, [headers],
                 [["{%tr for " + loop + " %}"] + blank, ["{{ " + c + " }}" for c in cells],
                  ["{%tr endfor %}"] + blank], size=size, center_columns=())


def bullet_list(doc, loop, line, empty="Không có.") -> None:
    emit(doc, T("{%p if " + loop.split(" in ", 1)[1] + " %}"), T("{%p for " + loop + " %}"),
         P("- {{ " + line + " }}"), T("{%p endfor %}"), T("{%p else %}"), P(I(empty)), T("{%p endif %}"))


def signature(doc) -> None:
    """"Nơi nhận" on the left, the signer's authority, position and name on the right (II.7, II.9)."""
    recipients = [T("{%p for recipient in recipients %}"), L.recipient("- {{ recipient }}"), T("{%p endfor %}")]
    signer = [P(B("{{ signer_role }}"), style=L.BLOCK, size=SIZES.signer)]
    signer += [P("", style=L.BLOCK, size=SIZES.signer) for _ in range(4)]
    signer.append(P(B("{{ signer_name }}"), style=L.BLOCK, size=SIZES.signer))
    emit(doc, P("", space_after=6))
    L.signature_block(doc, recipients, signer)


def save(doc, path: Path, name: str) -> None:
    path.write_bytes(L.save_bytes(doc, title=name, when=BUILT_AT, subject="Mẫu báo cáo sự cố ATTT xã"))


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
    emit(doc, T("{%p if systems %}"))
    simple_table(doc, ["Tên hệ thống", "Chủ quản", "Đơn vị vận hành", "Tên miền, địa chỉ IP", "Cấp độ"],
                 "system in systems",
                 ["system.name", "system.owner", "system.operator", "system.addresses", "system.level"])
    emit(doc, T("{%p else %}"), P(I("Chưa xác định hệ thống bị ảnh hưởng.")), T("{%p endif %}"))


def attachments_section(doc, number=None):
    heading(doc, (f"{number}. " if number else "") + "Tài liệu, chứng cứ kèm theo")
    bullet_list(doc, "item in evidence", "item.line")


# --------------------------------------------------------------------------- the documents

def initial_report(path):
    doc = L.new_document()
    title_block(doc)
    title(doc, "BÁO CÁO BAN ĐẦU SỰ CỐ AN NINH MẠNG", "{{ subtitle }}")
    addressee(doc)
    para(doc, "Thực hiện Luật An ninh mạng số 116/2025/QH15 (Điều 40) và Nghị định số 331/2026/NĐ-CP "
              "(điểm d khoản 2 Điều 31), {{ commune.owner }} báo cáo sự cố an ninh mạng như sau:")
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
    emit(doc, T("{%p for flag in incident.flags %}"), P("- ", B("{{ flag }}")), T("{%p endfor %}"))
    field(doc, "Đã thông báo cho", "incident.notified_parties")
    heading(doc, "4. Nguyên nhân, phạm vi ảnh hưởng, biện pháp khắc phục (điểm d khoản 2 Điều 31 "
                 "Nghị định số 331/2026/NĐ-CP)")
    field(doc, "Nguyên nhân", "incident.cause")
    field(doc, "Phạm vi ảnh hưởng", "incident.impact")
    field(doc, "Biện pháp đã và đang thực hiện", "incident.measures")
    heading(doc, "5. Thông tin kỹ thuật bổ sung (hệ điều hành, dịch vụ, biện pháp bảo vệ, địa chỉ IP, tên miền)")
    para(doc, "{{ incident.technical_details }}")
    heading(doc, "6. Dữ liệu cá nhân")
    emit(doc, T("{%p if personal_data.involved %}"))
    field(doc, "Loại dữ liệu cá nhân liên quan", "personal_data.kinds")
    field(doc, "Số người bị ảnh hưởng (ước tính)", "personal_data.subjects")
    field(doc, "Dữ liệu vị trí hoặc sinh trắc học", "personal_data.location_or_biometric")
    field(doc, "Thời điểm phát hiện vi phạm", "personal_data.discovered_at")
    emit(doc, T("{%p else %}"), P(I("Chưa phát hiện vi phạm dữ liệu cá nhân.")), T("{%p endif %}"))
    heading(doc, "7. Đề nghị hỗ trợ")
    para(doc, "{{ incident.support_request }}")
    attachments_section(doc, 8)
    heading(doc, "9. Đề nghị giữ bí mật thông tin sự cố")
    para(doc, "{{ incident.confidential }}")
    para(doc, "{{ closing }}")
    signature(doc)
    save(doc, path, "Báo cáo ban đầu sự cố an ninh mạng")


def final_report(path):
    doc = L.new_document()
    title_block(doc)
    title(doc, "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ AN NINH MẠNG", "{{ subtitle }}")
    addressee(doc)
    para(doc, "{{ commune.owner }} báo cáo kết thúc ứng phó sự cố như sau:")
    heading(doc, "1. Tham chiếu báo cáo ban đầu")
    para(doc, "{{ initial_reference }}")
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
    emit(doc, T("{%p for line in narrative %}"), P("{{ line }}"), T("{%p endfor %}"))
    heading(doc, "7. Các thông báo, báo cáo đã gửi")
    bullet_list(doc, "item in reports", "item.line", empty="Chưa gửi văn bản nào.")
    attachments_section(doc, 8)
    para(doc, "{{ closing }}")
    signature(doc)
    save(doc, path, "Báo cáo kết thúc ứng phó sự cố an ninh mạng")


def pdp_notice(path):
    """Mẫu số 08, Phụ lục Nghị định số 356/2025/NĐ-CP, transcribed word for word (Điều 28)."""
    doc = L.new_document()
    title_block(doc)
    title(doc, "THÔNG BÁO", "VI PHẠM QUY ĐỊNH BẢO VỆ DỮ LIỆU CÁ NHÂN")
    addressee(doc)
    para(doc, "Thực hiện quy định về bảo vệ dữ liệu cá nhân, {{ commune.owner }} xin gửi Cơ quan chuyên trách "
              "bảo vệ dữ liệu cá nhân, Bộ Công an thông báo vi phạm quy định bảo vệ dữ liệu cá nhân, như sau:")
    heading(doc, "1. Thông tin về tổ chức, doanh nghiệp")
    field(doc, "Tên tổ chức, doanh nghiệp", "commune.owner")
    field(doc, "Địa chỉ trụ sở chính", "commune.address")
    field(doc, "Địa chỉ trụ sở giao dịch", "commune.office_address")
    field(doc, "Quyết định thành lập/Giấy chứng nhận đăng ký doanh nghiệp/Giấy chứng nhận đăng ký kinh "
               "doanh/Giấy chứng nhận đầu tư số", "commune.establishment")
    field(doc, "Mã số thuế", "commune.tax_code")
    para(doc, "- Điện thoại: {{ commune.phone }}. Website: {{ commune.website }}")
    para(doc, "- Nhân sự chịu trách nhiệm bảo vệ dữ liệu cá nhân:")
    dpo_block(doc)
    heading(doc, "2. Mô tả hành vi vi phạm quy định bảo vệ dữ liệu cá nhân")
    field(doc, "Thời gian", "personal_data.discovered_at")
    field(doc, "Địa điểm", "breach_place")
    field(doc, "Hành vi", "incident.description")
    field(doc, "Tổ chức, cá nhân liên quan", "incident.related_parties")
    field(doc, "Các loại dữ liệu cá nhân và số lượng dữ liệu liên quan", "personal_data.summary")
    para(doc, "- Nhân sự chịu trách nhiệm bảo vệ dữ liệu cá nhân:")
    dpo_block(doc)
    field(doc, "Hậu quả xảy ra", "incident.impact")
    field(doc, "Biện pháp áp dụng", "incident.measures")
    heading(doc, "3. Tài liệu kèm theo")
    emit(doc, T("{%p if evidence %}"), T("{%p for item in evidence %}"), P("{{ item.letter }}) {{ item.line }}"),
         T("{%p endfor %}"), T("{%p else %}"), P(I("Không có.")), T("{%p endif %}"))
    heading(doc, "4. Cam kết")
    para(doc, "{{ commune.owner }} xin cam kết chịu trách nhiệm về tính chính xác và tính hợp pháp của thông "
              "báo cùng các tài liệu kèm theo và cam kết tuân thủ các quy định của pháp luật.")
    signature(doc)
    save(doc, path, "Thông báo vi phạm quy định bảo vệ dữ liệu cá nhân")


def dpo_block(doc):
    """The four lines of the form's personal-data officer block."""
    for label, expression in (("Họ và tên", "dpo.name"), ("Chức danh", "dpo.title"),
                              ("Số điện thoại liên lạc", "dpo.phone"), ("Email", "dpo.email")):
        para(doc, f"{label}: ", "{{ " + expression + " }}")


def breach_record(path):
    """Biên bản xác nhận việc xảy ra vi phạm dữ liệu cá nhân (Luật 91/2025 Điều 23), to be signed."""
    doc = L.new_document()
    title_block(doc)
    title(doc, "BIÊN BẢN", "Xác nhận việc xảy ra vi phạm quy định bảo vệ dữ liệu cá nhân", "{{ subtitle }}")
    para(doc, "Hôm nay, hồi {{ record_time }}, tại {{ record_place }}, chúng tôi gồm:")
    para(doc, "1. Ông/Bà: {{ recorder_name }}, {{ dpo.title }}, người lập biên bản;")
    para(doc, "2. Ông/Bà: {{ signer_name }}, đại diện {{ commune.owner }}.")
    para(doc, "Cùng tiến hành lập biên bản xác nhận việc xảy ra vi phạm quy định bảo vệ dữ liệu cá nhân như sau:")
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
              "thống nhất và ký tên. Hồ sơ vi phạm được lưu giữ tối thiểu 05 năm kể từ ngày khắc phục xong sự cố.")
    emit(doc, P("", space_after=6))
    blank = [P("", style=L.BLOCK, size=SIZES.signer) for _ in range(4)]
    L.keep_with_last_paragraph(doc)
    table = L.plain_table(doc, [8.0, 8.5], [[
        [P(B("NGƯỜI LẬP BIÊN BẢN"), style=L.BLOCK, size=SIZES.signer)] + blank
        + [P(B("{{ recorder_name }}"), style=L.BLOCK, size=SIZES.signer)],
        [P(B("{{ signer_role }}"), style=L.BLOCK, size=SIZES.signer)] + list(blank)
        + [P(B("{{ signer_name }}"), style=L.BLOCK, size=SIZES.signer)],
    ]])
    L.keep_together(table)
    save(doc, path, "Biên bản xác nhận vi phạm dữ liệu cá nhân")


def incident_summary(path):
    doc = L.new_document()
    title_block(doc, parent=True)
    title(doc, "BÁO CÁO TỔNG HỢP SỰ CỐ AN NINH MẠNG", "{{ subtitle }}")
    addressee(doc)
    heading(doc, "1. Tình hình chung")
    para(doc, "{{ overview }}")
    heading(doc, "2. Sự cố theo loại")
    simple_table(doc, ["Loại sự cố", "Số sự cố"], "row in by_category", ["row.label", "row.count"])
    heading(doc, "3. Sự cố theo mức độ")
    simple_table(doc, ["Mức độ", "Số sự cố"], "row in by_severity", ["row.label", "row.count"])
    heading(doc, "4. Sự cố theo trạng thái")
    simple_table(doc, ["Trạng thái", "Số sự cố"], "row in by_state", ["row.label", "row.count"])
    heading(doc, "5. Thời hạn thông báo, báo cáo")
    para(doc, "{{ clocks_text }}")
    heading(doc, "6. Thời gian xử lý")
    simple_table(doc, ["Chỉ số", "Số sự cố", "Trung bình", "Trung vị"], "row in metrics",
                 ["row.label", "row.count", "row.average", "row.median"])
    heading(doc, "7. Danh sách sự cố")
    simple_table(doc, ["Mã", "Tên sự cố", "Loại", "Mức độ", "Trạng thái", "Phát hiện"], "row in incidents",
                 ["row.code", "row.title", "row.category", "row.severity", "row.state", "row.detected_at"], size=11)
    signature(doc)
    save(doc, path, "Báo cáo tổng hợp sự cố an ninh mạng")


def drill_report(path):
    """Báo cáo kết quả diễn tập (issue 16): timings against the playbook's targets, what worked, the gaps."""
    doc = L.new_document()
    title_block(doc, parent=True)
    title(doc, "BÁO CÁO", "Kết quả diễn tập ứng cứu sự cố an ninh mạng", "{{ subtitle }}")
    addressee(doc)
    heading(doc, "1. Thông tin chung")
    field(doc, "Thời gian diễn tập", "drill.when")
    field(doc, "Tình huống giả định (kịch bản)", "drill.scenario")
    field(doc, "Sự cố giả định", "drill.code")
    field(doc, "Thành phần tham gia", "drill.participants")
    field(doc, "Mục tiêu", "drill.objectives")
    heading(doc, "2. Diễn biến và thời gian thực hiện so với kịch bản")
    simple_table(doc, ["STT", "Việc", "Chỉ tiêu", "Thực tế", "Kết quả"], "row in timings",
                 ["row.position", "row.title", "row.target", "row.taken", "row.result"], size=11)
    para(doc, "{{ timing_summary }}")
    heading(doc, "3. Những việc làm tốt")
    para(doc, "{{ drill.what_worked }}")
    heading(doc, "4. Tồn tại, hạn chế và việc cần khắc phục")
    bullet_list(doc, "gap in gaps", "gap")
    para(doc, ("Báo cáo kết quả diễn tập với sự cố giả định; không phải báo cáo sự cố thực tế./.", "i"))
    signature(doc)
    save(doc, path, "Báo cáo kết quả diễn tập")


BUILDERS = {
    "initial_report.docx": initial_report,
    "final_report.docx": final_report,
    "pdp_notice.docx": pdp_notice,
    "breach_record.docx": breach_record,
    "incident_summary.docx": incident_summary,
    "drill_report.docx": drill_report,
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
