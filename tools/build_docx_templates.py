#!/usr/bin/env python3
"""(Re)generate the DOCX form templates in level_dossiers/templates/ and their README.

    .venv/bin/python tools/build_docx_templates.py            # write into level_dossiers/templates
    .venv/bin/python tools/build_docx_templates.py --out DIR  # write elsewhere (tests compare)

The forms follow NĐ 331/2026 Phụ lục (Mẫu số 01–08) word for word where the decree fixes the
text, with docxtpl/Jinja tags for the variable parts; the legacy NĐ 85/2016 regime has no
official forms, so its documents reuse the same layouts with that regime's wording. Layout and
sizes come from ir_app.documents.layout / format (NĐ 30/2020 Phụ lục I).

Every tag is written as one run (layout.Run), so Word never sees a tag split across runs.
Output is deterministic: same script, same bytes.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ir_app.documents import layout as L  # noqa: E402
from ir_app.documents.catalog import load_documents  # noqa: E402
from ir_app.documents.context import field_reference  # noqa: E402
from ir_app.documents.format import SIZES  # noqa: E402
from ir_app.documents.layout import B, I, P  # noqa: E402

TEMPLATES_DIR = ROOT / "level_dossiers" / "templates"
BUILT_AT = datetime(2026, 8, 19, 0, 0, 0)  # NĐ 331/2026 date: templates carry a fixed timestamp
LEVEL = "(dossier.proposed_level or 0)"

# Wording that differs between the two regimes.
VOCAB = {
    "nd331-2026": {
        "term": "an ninh mạng",
        "unit": "đơn vị chuyên trách về an ninh mạng",
        "plan": "phương án bảo đảm an ninh mạng",
        "plan_doc": "Tài liệu thuyết minh phương án bảo đảm an ninh mạng theo cấp độ tương ứng.",
        "decree": "Nghị định số 331/2026/NĐ-CP",
        "operator_article": "Điều 33",
        "coordination_article": "khoản 3 Điều 18",
        "appraisal_article": "Điều 23",
        "plan_article": "khoản 2 Điều 29 Nghị định số 331/2026/NĐ-CP",
        "explain_basis": "Điều 21, Điều 22 Nghị định số 331/2026/NĐ-CP",
        "l45_basis": "khoản 5 Điều 22 Nghị định số 331/2026/NĐ-CP",
        "risk_basis": "điểm c khoản 4 Điều 22 Nghị định số 331/2026/NĐ-CP",
        "review_basis": "Điều 27 và điểm c khoản 2 Điều 31 Nghị định số 331/2026/NĐ-CP",
        "risks_required": True,
    },
    "nd85-2016": {
        "term": "an toàn thông tin",
        "unit": "đơn vị chuyên trách về an toàn thông tin",
        "plan": "phương án bảo đảm an toàn thông tin",
        "plan_doc": "Tài liệu thuyết minh phương án bảo đảm an toàn thông tin theo cấp độ tương ứng.",
        "decree": "Nghị định số 85/2016/NĐ-CP",
        "operator_article": "Điều 22",
        "coordination_article": "khoản 3 Điều 12",
        "appraisal_article": "Điều 16",
        "plan_article": "khoản 2 Điều 19 Nghị định số 85/2016/NĐ-CP",
        "explain_basis": "Điều 15 Nghị định số 85/2016/NĐ-CP và Điều 8 Thông tư số 12/2022/TT-BTTTT",
        "l45_basis": "khoản 5 Điều 8 Thông tư số 12/2022/TT-BTTTT",
        "risk_basis": "",
        "review_basis": "điểm c khoản 2 Điều 20 Nghị định số 85/2016/NĐ-CP; Điều 11, Điều 12 Thông tư "
                        "số 12/2022/TT-BTTTT",
        "risks_required": False,
    },
}


# --------------------------------------------------------------------------- small helpers
def T(tag: str) -> L.Para:
    """A docxtpl control paragraph ({%p …%}); removed when rendered."""
    return P(tag, style=L.TAG)


def body(*parts, **fmt) -> L.Para:
    return P(*parts, **fmt)


def heading(text: str) -> L.Para:
    """A numbered heading inside the body ("Phần 1. …", "1. …"): bold, kept with what follows."""
    return P(B(text), keep_next=True, space_before=6)


def part_title(doc, number: str, title: str) -> None:
    """NĐ 30 II.6.đ: "Phần I" on its own line, the title in caps under it, both bold, centred."""
    L.add(doc, P(B(number), style=L.CENTER, size=SIZES.body, space_before=12, keep_next=True))
    L.add(doc, P(B(title), style=L.CENTER, size=SIZES.body, space_after=6, keep_next=True))


def emit(doc, items) -> None:
    for item in items:
        L.add(doc, item, L.text_width_cm(doc))


def title_block(doc, letter_summary: str | None = None) -> None:
    issuer = [
        T("{%p if document.issuer.parent_name %}"),
        P("{{ document.issuer.parent_name|upper }}", style=L.BLOCK, size=SIZES.parent_body),
        T("{%p endif %}"),
        P(B("{{ document.issuer.header_name|upper }}"), style=L.BLOCK, size=SIZES.issuing_body),
    ]
    number = [L.number_line("{{ document.number_text }}")]
    if letter_summary:
        number.append(L.letter_summary(letter_summary))
    L.title_block(doc, issuer, number, [L.place_date_line("{{ document.place_date_text }}")])


def addressees(doc) -> None:
    """II.9.d ô 9a: one addressee on the "Kính gửi" line, several on lines of their own."""
    emit(doc, [
        T("{%p if document.addressees|length > 1 %}"),
        P("Kính gửi:", align="center", first_line_cm=0, space_before=6),
        T("{%p for name in document.addressees %}"),
        P("- {{ name }}{{ ';' if not loop.last else '.' }}", align="left", first_line_cm=0, left_cm=4.0),
        T("{%p endfor %}"),
        T("{%p else %}"),
        P("Kính gửi: {{ document.addressees|join('; ') }}.", align="center", first_line_cm=0,
          space_before=6),
        T("{%p endif %}"),
    ])


def legal_bases(doc, italic: bool = False) -> None:
    emit(doc, [
        T("{%p for basis in document.legal_bases %}"),
        P("{{ basis }};", italic=italic or None),
        T("{%p endfor %}"),
    ])


def signature(doc, with_recipients: bool = True) -> None:
    recipients = [
        T("{%p for name in document.recipients %}"),
        L.recipient("- {{ name }};"),
        T("{%p endfor %}"),
        L.recipient("- Lưu: {{ document.archive }}."),
    ] if with_recipients else None
    signer = [
        T("{%p if document.signer.authority %}"),
        P(B("{{ document.signer.authority|upper }}"), style=L.BLOCK, size=SIZES.signer),
        T("{%p endif %}"),
    ] + L.signer_lines(None, "{{ document.signer.position|upper }}", "{{ document.signer.name }}")
    L.add(doc, P("", space_after=6))
    L.signature_block(doc, recipients, signer)


def loop_table(doc, widths, header, loop: str, cells, empty: str | None, *, size=None,
               numbering: list[str] | None = None, center: tuple[int, ...] = (0,)) -> None:
    """A table with one row per item: header, {%tr for%}, the item row, {%tr endfor%}."""
    blank = [""] * (len(widths) - 1)
    rows = [[f"{{%tr for {loop} %}}"] + blank, cells, ["{%tr endfor %}"] + blank]
    if empty:
        sequence = loop.split(" in ", 1)[1].split(" if ")[0]
        empty_row = [""] * len(widths)
        empty_row[1] = empty
        rows += [[f"{{%tr if not {sequence} %}}"] + blank, empty_row, ["{%tr endif %}"] + blank]
    head = [header] + ([numbering] if numbering else [])
    L.grid_table(doc, widths, head, rows, size=size, center_columns=center)


# --------------------------------------------------------------------------- the forms
ATTACHMENTS = [
    "1. Tài liệu mô tả, thuyết minh tổng quan về hệ thống thông tin.",
    "2. Tài liệu thiết kế thi công đã được cấp có thẩm quyền phê duyệt hoặc tài liệu có giá trị "
    "tương đương.",
    "3. Tài liệu thuyết minh về việc đề xuất cấp độ căn cứ trên các tiêu chí theo quy định của pháp luật.",
]


def general_info(doc, numbering: str = "1234") -> None:
    """Phần 1. Thông tin chung (Mẫu số 01–03, 05)."""
    emit(doc, [
        heading("Phần 1. Thông tin chung"),
        body("1. Tên hệ thống thông tin: {{ system.name }}"),
        body("2. Đơn vị vận hành hệ thống thông tin: {{ operator.name }}"),
        body("3. Địa chỉ: {{ operator.address }}"),
        body("4. Cấp độ hệ thống thông tin đề xuất: Cấp độ {{ dossier.proposed_level }}"),
    ])


def attachments(doc, v, *, expert: str, appraisal: bool = False, title="Phần 2. Hồ sơ kèm theo") -> None:
    """Phần 2 of the requests: the dossier's documents (Đ21), items 5–6 only where they apply."""
    items = [heading(title)] + [body(text) for text in ATTACHMENTS] + [body(f"4. {v['plan_doc']}")]
    if expert == "always":
        items.append(body(f"5. Ý kiến về mặt chuyên môn của {v['unit']} của chủ quản hệ thống thông "
                          f"tin đối với hệ thống thông tin đề xuất cấp độ 4 hoặc cấp độ 5."))
    elif expert == "level":
        items += [T(f"{{%p if {LEVEL} >= 4 %}}"),
                  body(f"5. Ý kiến về mặt chuyên môn của {v['unit']} của chủ quản hệ thống thông tin "
                       f"(đối với hệ thống thông tin đề xuất cấp độ 4 hoặc cấp độ 5)."),
                  T("{%p endif %}")]
    if appraisal:
        items.append(body(f"{{{{ 6 if {LEVEL} >= 4 else 5 }}}}. Ý kiến thẩm định của cơ quan phối "
                          f"hợp thẩm định đối với hệ thống thông tin đề xuất từ cấp độ 3 trở lên."))
    emit(doc, items)


def build_request(v, kind: str):
    """Mẫu số 01 (approve), 02 (appraise), 03 (expert opinion) and their NĐ 85 counterparts."""
    summary = {
        "approve": "V/v đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
        "appraise": "V/v đề nghị thẩm định hồ sơ đề xuất cấp độ",
        "expert": "V/v cho ý kiến chuyên môn về hồ sơ đề xuất cấp độ",
    }[kind]
    doc = L.new_document()
    title_block(doc, summary)
    addressees(doc)
    legal_bases(doc)
    if kind == "expert":
        intro = ("{{ document.issuer.name }} đề nghị {{ specialised_unit.name }} cho ý kiến chuyên môn "
                 "về hồ sơ đề xuất cấp độ với các nội dung sau:")
    else:  # Mẫu 02 repeats Mẫu 01's opening sentence word for word
        intro = "{{ document.issuer.name }} đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ với các nội dung sau:"
    emit(doc, [body(intro)])
    general_info(doc)
    attachments(doc, v, expert="level" if kind == "appraise" else "none")
    if kind == "approve":
        closing = [body("{{ document.issuer.name }} đề nghị {{ specialised_unit.name }} thẩm định và phê "
                        "duyệt hồ sơ đề xuất cấp độ của hệ thống thông tin {{ system.name }}./.")]
    elif kind == "appraise":
        extra = ("{% if dossier.national_security_list %}, đồng thời đề nghị đưa hệ thống vào Danh mục "
                 "hệ thống thông tin quan trọng về an ninh quốc gia{% endif %}") if v["risks_required"] else ""
        closing = [body("{{ document.issuer.name }} đề nghị {{ appraiser.name }} cho ý kiến thẩm định hồ sơ "
                        "đề xuất cấp độ hệ thống thông tin đối với {{ system.name }}" + extra + "./.")]
    else:
        closing = [body("{{ document.issuer.name }} đề nghị {{ specialised_unit.name }} cho ý kiến về sự "
                        f"phù hợp của đề xuất cấp độ và {v['plan']} hệ thống thông tin theo cấp độ của hệ "
                        "thống thông tin {{ system.name }}./.")]
    emit(doc, closing)
    signature(doc)
    return doc


def build_appraisal(v):
    """Mẫu số 04: documents received; legal basis; how appraised; opinion; conclusion."""
    doc = L.new_document()
    title_block(doc, "V/v ý kiến thẩm định hồ sơ đề xuất cấp độ")
    addressees(doc)
    decree = v["decree"]
    emit(doc, [
        body("{{ appraiser.name }} nhận được Công văn số {{ dossier.request.number }} "
             "{{ dossier.request.date|vn_date_long }} của {{ operator.name }} về việc thẩm định hồ sơ "
             "đề xuất cấp độ của hệ thống thông tin đối với {{ system.name }}. Sau khi xem xét, tổng hợp "
             "ý kiến và kết quả thẩm định của các cơ quan, tổ chức có liên quan, {{ appraiser.name }} có "
             "ý kiến thẩm định như sau:"),
    ])
    attachments(doc, v, expert="level", title="Phần 1. Hồ sơ, tài liệu thẩm định")
    emit(doc, [
        heading("Phần 2. Căn cứ pháp lý để thẩm định"),
        T("{%p for basis in document.legal_bases %}"),
        body("{{ loop.index }}. {{ basis }}."),
        T("{%p endfor %}"),
        heading("Phần 3. Tổ chức thẩm định"),
        body("1. Đơn vị chủ trì thẩm định: {{ dossier.appraisal.lead_unit }}."),
        body("2. Đơn vị phối hợp thẩm định: {{ dossier.appraisal.cooperating_units|join('; ') or 'Không có' }}."),
        body("3. Hình thức thẩm định: {{ dossier.appraisal.method }}."),
        heading("Phần 4. Ý kiến thẩm định"),
        body(f"1. Tổng hợp ý kiến thẩm định của đơn vị phối hợp theo quy định tại "
             f"{v['coordination_article']} {decree}: "
             "{{ dossier.appraisal.coordination_summary or 'Không có' }}"),
        body(f"2. Ý kiến thẩm định về sự phù hợp về việc đề xuất cấp độ theo quy định tại "
             f"{v['appraisal_article']} {decree}:"),
        body("a) Sự phù hợp về việc đề xuất cấp độ: {{ dossier.appraisal.level_opinion }}"),
        body(f"b) Sự phù hợp của {v['plan']} hệ thống thông tin trong thiết kế sơ bộ, thiết kế thi công "
             "hoặc tài liệu có giá trị tương đương theo cấp độ tương ứng: "
             "{{ dossier.appraisal.plan_design_opinion }}"),
        body(f"c) Sự phù hợp của {v['plan']} hệ thống thông tin trong quá trình vận hành hệ thống theo "
             "cấp độ tương ứng: {{ dossier.appraisal.plan_operation_opinion }}"),
        body("3. Ý kiến khác (nếu có): {{ dossier.appraisal.other_opinions or 'Không có' }}"),
        heading("Phần 5. Kết luận"),
        body("Hồ sơ đề xuất cấp độ hệ thống thông tin {{ system.name }} là "
             "{{ dossier.appraisal.conclusion_text }} để theo cấp độ đề xuất ({{ dossier.level_text }})."),
        T("{%p if dossier.appraisal.unsuitable_points %}"),
        body("Những nội dung chưa phù hợp:"),
        T("{%p for point in dossier.appraisal.unsuitable_points %}"),
        body("- {{ point }};"),
        T("{%p endfor %}"),
        T("{%p endif %}"),
        body("Trên đây là ý kiến thẩm định của {{ appraiser.name }} cho hồ sơ đề xuất cấp độ của hệ thống "
             "thông tin {{ system.name }}. Đề nghị {{ operator.name }} "
             "{% if dossier.appraisal.conclusion == 'chua_phu_hop' %}xem xét báo cáo cấp có thẩm quyền điều "
             "chỉnh hồ sơ{% else %}trình cơ quan có thẩm quyền phê duyệt{% endif %} theo quy định./."),
    ])
    signature(doc)
    return doc


def build_submission(v):
    """Mẫu số 05: tờ trình to the owner."""
    doc = L.new_document()
    title_block(doc)
    L.document_title(doc, "TỜ TRÌNH", ["Về việc phê duyệt đề xuất cấp độ"])
    addressees(doc)
    legal_bases(doc)
    emit(doc, [
        body("Căn cứ ý kiến thẩm định của {{ appraiser.name }}{% if dossier.appraisal.number %} tại Văn "
             "bản số {{ dossier.appraisal.number }} {{ dossier.appraisal.date|vn_date_long }}{% endif %};"),
        body("{{ document.issuer.name }} trình phê duyệt hồ sơ đề xuất cấp độ với các nội dung sau:"),
    ])
    general_info(doc)
    attachments(doc, v, expert="level", appraisal=True)
    emit(doc, [body(
        "{{ document.issuer.name }} trình {{ owner.name }} xem xét, quyết định phê duyệt "
        f"{{% if {LEVEL} >= 5 %}}{v['plan']}{{% else %}}đề xuất cấp độ{{% endif %}} "
        "của hệ thống thông tin {{ system.name }}./.")])
    signature(doc)
    return doc


def build_decision(v, subject: str):
    """Mẫu số 06 (level) and 07 (protection plan, level 5): Điều 1 content, Điều 2, Điều 3."""
    doc = L.new_document()
    title_block(doc)
    summary = ("Về việc phê duyệt cấp độ hệ thống thông tin" if subject == "level"
               else f"Về việc phê duyệt {v['plan']} hệ thống thông tin")
    L.document_title(doc, "QUYẾT ĐỊNH", [summary])
    emit(doc, [P(B("{{ document.issuing_authority|upper }}"), style=L.CENTER, size=SIZES.body,
                 space_after=6)])
    legal_bases(doc, italic=True)
    emit(doc, [P(I("Xét đề nghị của {{ dossier.approval.proposer }}.")),
               P(B("QUYẾT ĐỊNH:"), style=L.CENTER, size=SIZES.body, space_before=6, space_after=6)])
    conformity = ("là phù hợp với tiêu chuẩn quốc gia {{ dossier.plan.standard }}"
                  "{% if dossier.plan.technical_regulation %}, quy chuẩn kỹ thuật quốc gia "
                  "{{ dossier.plan.technical_regulation }}{% endif %}"
                  f" về bảo đảm {v['term']} theo cấp độ.")
    level = "{{ dossier.proposed_level }}"
    if subject == "level":
        article1 = [
            body(B("Điều 1. "), "Phê duyệt cấp độ hệ thống thông tin đối với {{ system.name }} cụ thể như sau:"),
            body("1. Thông tin chung"),
        ]
        plan_heading = f"3. {v['plan'].capitalize()}:"
    else:
        # Mẫu số 07 says "phương án đảm bảo" here and "bảo đảm" elsewhere: kept as printed.
        article1 = [
            body(B("Điều 1. "), "Phê duyệt phương án đảm bảo " + v["term"] + " đối với {{ system.name }} "
                 "cụ thể như sau:"),
            body("1. Thông tin chung"),
        ]
        plan_heading = f"2. {v['plan'].capitalize()}:"
    emit(doc, article1 + [
        body("a) Tên hệ thống thông tin: {{ system.name }}"),
        body("b) Đơn vị vận hành hệ thống thông tin: {{ operator.name }}"),
        body("c) Địa chỉ: {{ operator.address }}"),
    ])
    if subject == "level":
        emit(doc, [body("2. Cấp độ hệ thống thông tin: Cấp độ " + level)])
    emit(doc, [
        body(plan_heading),
        body(f"a) {v['plan'].capitalize()} trong thiết kế hệ thống thông tin tương ứng với cấp độ {level} "
             + conformity),
        body(f"b) {v['plan'].capitalize()} trong quá trình vận hành hệ thống tương ứng với cấp độ {level} "
             + conformity),
        heading("Điều 2. Tổ chức thực hiện"),
        body("1. {{ operator.name }} chịu trách nhiệm:"),
        body(f"a) Thực hiện trách nhiệm bảo đảm {v['term']} hệ thống thông tin mình quản lý theo các quy "
             f"định tại {v['operator_article']} {v['decree']}."),
        T("{%p for duty in dossier.approval.other_duties %}"),
        body("{{ loop.index|vn_letter }}) {{ duty }}"),
        T("{%p endfor %}"),
        T("{%p if dossier.approval.other_parties_duties %}"),
        body("2. Trách nhiệm của các cơ quan liên quan khác:"),
        T("{%p for duty in dossier.approval.other_parties_duties %}"),
        body("- {{ duty }}"),
        T("{%p endfor %}"),
        T("{%p endif %}"),
        heading("Điều 3. Điều khoản thi hành"),
        body("1. {{ operator.name }} và các cơ quan liên quan khác chịu trách nhiệm thi hành Quyết định này."),
        body("2. {{ specialised_unit.name }} (" + v["unit"] + ") chịu trách nhiệm kiểm tra, giám sát việc "
             "thực hiện Quyết định này, báo cáo {{ owner.name }} theo quy định của pháp luật./."),
    ])
    signature(doc)
    return doc


# Widths fill the landscape text width (25,2 cm); "STT" needs 1,4 cm not to break into "ST/T".
ANNUAL_COLUMNS = [
    ("STT", 1.4, "{{ row.number }}"),
    ("Tên HTTT", 2.9, "{{ row.system_name }}"),
    ("Chủ quản HTTT", 2.0, "{{ row.owner_name }}"),
    ("Đơn vị vận hành HTTT", 2.2, "{{ row.operator_name }}"),
    ("Cấp độ đề xuất", 1.4, "{{ row.level or 'Chưa xác định' }}"),
    ("Tình trạng phê duyệt cấp độ", 2.0, "{{ row.approval_status_label }}"),
    ("Quyết định phê duyệt cấp độ", 2.4, "{{ row.decision }}"),
    ("Quy chế bảo đảm ANM cho hệ thống", 2.3, "{{ row.security_policy }}"),
    ("Dự kiến thời điểm phê duyệt HSĐXCĐ", 2.2, "{{ row.expected_approval }}"),
    ("Đã triển khai đầy đủ PA BĐANM", 2.2, "{{ row.plan_status_label }}"),
    ("Dự kiến thời điểm triển khai đầy đủ PA BĐANM", 2.1, "{{ row.expected_plan_completion }}"),
    ("Đã kiểm tra, đánh giá ANM", 2.1, "{{ row.reviews_label }}"),
]


def party_lines(role: str, label: str) -> list[L.Para]:
    return [
        body(f"(1) Tên {label}: {{{{ {role}.name }}}};"),
        body(f"(2) Quy định chức năng, nhiệm vụ và quyền hạn: {{{{ {role}.functions }}}};"),
        body(f"(3) Người đại diện, chức vụ: {{{{ {role}.representative }}}}, {{{{ {role}.position }}}};"),
        body(f"(4) Địa chỉ liên lạc: {{{{ {role}.address }}}};"),
        body(f"(5) Thông tin liên hệ: điện thoại {{{{ {role}.phone }}}}; thư điện tử {{{{ {role}.email }}}}."),
    ]


def build_annual_report(v):
    """Mẫu số 08: totals, owner and specialised unit, the 12-column table. The whole report is
    landscape (one section): a portrait first part would end with a nearly blank page before the
    landscape table."""
    doc = L.new_document(landscape=True)
    title_block(doc, "V/v kết quả công tác bảo đảm an ninh mạng hệ thống thông tin")
    addressees(doc)
    totals = "annual_report.totals"
    emit(doc, [
        body("{{ owner.name }} báo cáo kết quả công tác bảo đảm an ninh mạng hệ thống thông tin năm "
             "{{ annual_report.year }} (số liệu {{ annual_report.period_text }}) như sau:"),
        heading("1. Thông tin chung"),
        body(f"- Tổng số hệ thống thông tin thuộc phạm vi quản lý: {{{{ {totals}.systems }}}};"),
        body("- Tổng số hệ thống thông tin đã được phân loại (đã xác định được loại hình hệ thống thông "
             f"tin): {{{{ {totals}.classified }}}};"),
        body(f"- Tổng số hệ thống thông tin đã xây dựng hồ sơ đề xuất cấp độ: {{{{ {totals}.dossiers }}}};"),
        body("- Tổng số hệ thống thông tin đã được thẩm định hồ sơ đề xuất cấp độ: "
             f"{{{{ {totals}.appraised }}}};"),
        body(f"- Tổng số hệ thống thông tin đã được phê duyệt cấp độ: {{{{ {totals}.approved }}}};"),
        body("- Tổng số hệ thống thông tin đã phê duyệt cấp độ được kiểm tra, đánh giá an ninh mạng định "
             f"kỳ theo quy định: {{{{ {totals}.reviewed }}}};"),
        body("- Dự kiến thời gian hoàn thành phê duyệt đề xuất cấp độ hệ thống thông tin đối với tất cả "
             f"các hệ thống thông tin thuộc phạm vi quản lý: {{{{ {totals}.expected_completion }}}}."),
        heading("2. Thông tin về chủ quản hệ thống thông tin và đơn vị chuyên trách về an ninh mạng"),
        body("a) Thông tin về chủ quản hệ thống thông tin:"),
        *party_lines("owner", "chủ quản hệ thống thông tin"),
        body("b) Thông tin về đơn vị chuyên trách về an ninh mạng:"),
        *party_lines("specialised_unit", "đơn vị chuyên trách về an ninh mạng"),
    ])
    emit(doc, [heading("3. Thông tin chi tiết về các hệ thống thông tin thuộc phạm vi quản lý")])
    loop_table(doc, [w for _, w, _ in ANNUAL_COLUMNS], [h for h, _, _ in ANNUAL_COLUMNS],
               "row in annual_report.rows", [c for _, _, c in ANNUAL_COLUMNS], None,
               size=SIZES.wide_table, numbering=[f"({n})" for n in range(1, 13)], center=(0, 4))
    # A closing sentence (NĐ 30: the text ends with "./.") that travels with the signature, so the
    # signature never lands alone on the page after a table that fills its page.
    emit(doc, [body("Trên đây là kết quả công tác bảo đảm an ninh mạng hệ thống thông tin năm "
                    "{{ annual_report.year }} của {{ owner.name }}./.", space_before=6)])
    signature(doc)
    return doc


def party_block(number: str, role: str, label: str) -> list[L.Para]:
    return [
        heading(f"{number}. Thông tin về {label}"),
        body(f"a) Tên {label}: {{{{ {role}.name }}}}"),
        body(f"b) Quy định chức năng, nhiệm vụ và quyền hạn: {{{{ {role}.functions }}}}"),
        body(f"c) Người đại diện, chức vụ: {{{{ {role}.representative }}}}, {{{{ {role}.position }}}}"),
        body(f"d) Địa chỉ: {{{{ {role}.address }}}}"),
        body(f"đ) Thông tin liên hệ: điện thoại {{{{ {role}.phone }}}}; thư điện tử {{{{ {role}.email }}}}"),
    ]


def build_explanation(v):
    """Thuyết minh hồ sơ đề xuất cấp độ: overview, level proposal, protection plan (Đ22)."""
    doc = L.new_document()
    title_block(doc)
    L.document_title(doc, "THUYẾT MINH", ["Hồ sơ đề xuất cấp độ hệ thống thông tin",
                                          "{{ system.name }}"])
    emit(doc, [body("Thuyết minh được lập theo " + v["explain_basis"] + ", gồm ba phần: tổng quan về hệ "
                    "thống thông tin; đề xuất cấp độ; " + v["plan"] + ".")])

    part_title(doc, "Phần I", "THUYẾT MINH TỔNG QUAN VỀ HỆ THỐNG THÔNG TIN")
    emit(doc, party_block("1", "owner", "chủ quản hệ thống thông tin")
         + party_block("2", "operator", "đơn vị vận hành hệ thống thông tin") + [
        heading("3. Mô tả phạm vi, quy mô của hệ thống thông tin"),
        body("a) Phạm vi của hệ thống: {{ system.scope }}"),
        body("b) Quy mô của hệ thống: {{ system.scale }}"),
        body("c) Đối tượng phục vụ của hệ thống: {{ system.users_served }}"),
        heading("4. Mô tả kiến trúc hệ thống"),
        body("a) Mô hình lô-gic: {{ system.logical_model }}"),
        body("b) Mô hình vật lý: {{ system.physical_model }}"),
        body("c) Danh mục thiết bị và thiết bị mạng chính trong hệ thống:", keep_next=True),
    ])
    loop_table(doc, [1.3, 4.2, 3.2, 3.6, 4.2],
               ["STT", "Tên thiết bị", "Chủng loại", "Vị trí triển khai", "Mục đích sử dụng"],
               "item in system.equipment",
               ["{{ loop.index }}", "{{ item.name }}", "{{ item.model }}", "{{ item.location }}",
                "{{ item.purpose }}"], "(Không có)")
    emit(doc, [body("d) Danh mục ứng dụng, dịch vụ cung cấp bởi hệ thống:", keep_next=True, space_before=6)])
    loop_table(doc, [1.3, 3.4, 3.0, 3.0, 2.4, 3.4],
               ["STT", "Tên dịch vụ", "Máy chủ triển khai", "Vị trí triển khai", "Hệ điều hành máy chủ",
                "Mục đích sử dụng dịch vụ"],
               "item in system.applications",
               ["{{ loop.index }}", "{{ item.name }}", "{{ item.server }}", "{{ item.location }}",
                "{{ item.operating_system }}", "{{ item.purpose }}"], "(Không có)")
    emit(doc, [body("đ) Quy hoạch các vùng mạng và địa chỉ IP trong hệ thống:", keep_next=True, space_before=6)])
    loop_table(doc, [1.3, 3.6, 4.0, 3.6, 4.0],
               ["STT", "Vùng mạng", "Địa chỉ IP nội bộ (IP Private)", "Địa chỉ IP công khai (IP Public)",
                "Ghi chú"],
               "zone in system.zones",
               ["{{ loop.index }}", "{{ zone.name }}", "{{ zone.private_ips }}", "{{ zone.public_ips }}",
                "{{ zone.purpose }}"], "(Không có)")

    part_title(doc, "Phần II", "THUYẾT MINH VỀ VIỆC ĐỀ XUẤT CẤP ĐỘ")
    emit(doc, [heading("1. Danh mục các hệ thống thông tin và cấp độ tương ứng")])
    loop_table(doc, [1.3, 5.9, 2.3, 7.0], ["STT", "Tên hệ thống thông tin", "Cấp độ đề xuất", "Căn cứ đề xuất"],
               "item in dossier.systems",
               ["{{ loop.index }}", "{{ item.name }}", "{{ item.level or '' }}", "{{ item.grounds }}"],
               "(Không có)")
    emit(doc, [
        heading("2. Thuyết minh chi tiết đối với hệ thống thông tin {{ system.name }}"),
        body("a) Loại thông tin được xử lý: {{ system.information_text }}"
             "{% if system.personal_data_subjects %} (dữ liệu cá nhân cơ bản của khoảng "
             "{{ system.personal_data_subjects|vn_number }} người{% if system.sensitive_data_subjects %}, "
             "dữ liệu cá nhân nhạy cảm của khoảng {{ system.sensitive_data_subjects|vn_number }} người"
             "{% endif %}){% endif %}."),
        body("b) Loại hệ thống thông tin: {{ system.system_type_label }}."),
        body("c) Căn cứ đề xuất cấp độ: hệ thống đáp ứng các tiêu chí sau:", keep_next=True),
    ])
    loop_table(doc, [1.3, 10.2, 2.6, 2.4], ["STT", "Tiêu chí được đáp ứng", "Điều khoản", "Cấp độ"],
               "reason in dossier.reasons",
               ["{{ loop.index }}", "{{ reason.text }}", "{{ reason.article }}", "{{ reason.level }}"],
               "(Chưa xác định)")
    emit(doc, [body("{{ dossier.justification }}", space_before=6)])
    risks_title = "3. Nhận diện sơ bộ các nguy cơ, rủi ro " + v["term"] + " chính"
    if v["risk_basis"]:
        risks_title += " (" + v["risk_basis"] + ")"
    if not v["risks_required"]:
        emit(doc, [T("{%p if dossier.risks %}")])
    emit(doc, [heading(risks_title)])
    loop_table(doc, [1.3, 4.3, 4.0, 2.3, 4.6],
               ["STT", "Nguy cơ, rủi ro", "Mức độ ảnh hưởng dự kiến", "Khả năng xảy ra", "Biện pháp giảm thiểu"],
               "risk in dossier.risks",
               ["{{ loop.index }}", "{{ risk.threat }}", "{{ risk.impact }}", "{{ risk.likelihood }}",
                "{{ risk.measures }}"], "(Chưa nhận diện)")
    if not v["risks_required"]:
        emit(doc, [T("{%p endif %}")])
    emit(doc, [
        T(f"{{%p if {LEVEL} >= 4 %}}"),
        heading("{{ 4 if dossier.risks else 3 }}. Thuyết minh bổ sung đối với hệ thống thông tin đề xuất "
                "cấp độ 4, cấp độ 5 (" + v["l45_basis"] + ")"),
        body("a) Các hệ thống thông tin khác có liên quan, có kết nối đến hoặc có ảnh hưởng quan trọng tới "
             "hoạt động bình thường của hệ thống:"),
        T("{%p for name in dossier.detailed_risk.connected_systems %}"),
        body("- {{ name }};"),
        T("{%p endfor %}"),
        body("b) Các nguy cơ tấn công mạng và mức độ ảnh hưởng: {{ dossier.detailed_risk.attack_threats }}"),
        body("c) Phạm vi và mức độ ảnh hưởng tới lợi ích công cộng, trật tự, an toàn xã hội hoặc an ninh "
             "quốc gia: {{ dossier.detailed_risk.impact_scope }}"),
        body("d) Yêu cầu vận hành 24/7 và không chấp nhận ngừng vận hành mà không có kế hoạch trước: "
             "{{ dossier.detailed_risk.availability_24x7 or 'Không áp dụng' }}"),
        T("{%p endif %}"),
    ])

    part_title(doc, "Phần III", "THUYẾT MINH " + v["plan"].upper())
    emit(doc, [
        body(v["plan"].capitalize() + " của hệ thống đáp ứng các yêu cầu về quản lý, kỹ thuật tương ứng với "
             "{{ dossier.level_text }} theo {{ dossier.plan.standard }}, gồm "
             "{{ dossier.plan.requirement_count }} yêu cầu, trình bày theo các nội dung quy định tại "
             + v["plan_article"] + "; phương án triển khai đối với từng yêu cầu như sau."),
        T("{%p if dossier.security_policy.text %}"),
        body("Quy chế bảo đảm " + v["term"] + " của hệ thống: {{ dossier.security_policy.text }}."),
        T("{%p endif %}"),
        T("{%p for part in dossier.plan.parts %}"),
        P(B("{{ loop.index }}. {{ part.title }}"), keep_next=True, space_before=6),
        T("{%p if part.requirements %}"),
    ])
    L.grid_table(doc, [1.3, 5.0, 5.6, 2.3, 2.3],
                 [["STT", "Yêu cầu", "Phương án đáp ứng", "Tình trạng", "Trách nhiệm"]],
                 [["{%tr for item in part.requirements %}", "", "", "", ""],
                  ["{{ item.number }}",
                   [P("{{ item.code }} – {{ item.title }}", style=L.TABLE),
                    P(I("{{ item.group_label }}: {{ item.area }}{% if item.tcvn %} (TCVN mục "
                        "{{ item.tcvn }}){% endif %}"), style=L.TABLE, size=SIZES.table - 1)],
                   "{{ item.measure }}",
                   "{{ item.status_label }}{% if item.due_date %} (hạn {{ item.due_date|vn_date }}){% endif %}"
                   "{% if item.na_reason %}: {{ item.na_reason }}{% endif %}",
                   "{{ item.responsible }}"],
                  ["{%tr endfor %}", "", "", "", ""]])
    emit(doc, [
        T("{%p else %}"),
        body(I("Không có yêu cầu thuộc phần này ở {{ dossier.level_text }}.")),
        T("{%p endif %}"),
        T("{%p endfor %}"),
    ])
    signature(doc, with_recipients=False)
    return doc


def build_review(v):
    """Báo cáo kết quả kiểm tra, đánh giá (from a recorded periodic review)."""
    doc = L.new_document()
    title_block(doc)
    L.document_title(doc, "BÁO CÁO", ["Kết quả kiểm tra, đánh giá " + v["term"] + " hệ thống thông tin",
                                      "{{ system.name }}"])
    addressees(doc)
    emit(doc, [
        body("Thực hiện " + v["review_basis"] + ", {{ document.issuer.name }} báo cáo kết quả kiểm tra, "
             "đánh giá " + v["term"] + " hệ thống thông tin {{ system.name }} như sau:"),
        heading("I. THÔNG TIN CHUNG"),
        body("1. Tên hệ thống thông tin: {{ system.name }}."),
        body("2. Chủ quản hệ thống thông tin: {{ owner.name }}."),
        body("3. Đơn vị vận hành hệ thống thông tin: {{ operator.name }}."),
        body("4. Cấp độ: {{ dossier.level_text }}{% if dossier.approval.decision_number %}, đã được phê duyệt "
             "tại Quyết định số {{ dossier.approval.decision_number }}{% if dossier.approval.decision_date %} "
             "ngày {{ dossier.approval.decision_date|vn_date }}{% endif %}{% endif %}."),
        heading("II. TỔ CHỨC KIỂM TRA, ĐÁNH GIÁ"),
        body("1. Thời gian: {{ review.date|vn_date }}."),
        body("2. Hình thức: {{ review.kind_label }}."),
        body("3. Người, đơn vị thực hiện: {{ review.assessor }}, {{ review.assessor_unit }}."),
        body("4. Tính độc lập: {{ review.independence_text }}."),
        body("5. Tổ chức chuyên môn bên ngoài tham gia: "
             "{{ review.external_org or 'Không (tự kiểm tra, đánh giá)' }}."),
        body("6. Nội dung kiểm tra, đánh giá:"),
        T("{%p for item in review.scope %}"),
        body("- {{ item }};"),
        T("{%p endfor %}"),
        body("7. Phương pháp: {{ review.method }}."),
        heading("III. KẾT QUẢ KIỂM TRA, ĐÁNH GIÁ"),
        body("1. Kết quả chung: {{ review.result_label }}. {{ review.summary }}"),
        body("2. Tồn tại, điểm yếu và thời hạn khắc phục:", keep_next=True),
    ])
    loop_table(doc, [1.3, 2.4, 3.4, 1.6, 3.2, 2.3, 2.3],
               ["STT", "Nội dung kiểm tra", "Tồn tại, điểm yếu", "Mức độ", "Biện pháp khắc phục",
                "Trách nhiệm", "Thời hạn"],
               "finding in review.findings",
               ["{{ finding.number }}", "{{ finding.requirement }}", "{{ finding.description }}",
                "{{ finding.severity_label }}", "{{ finding.recommendation }}", "{{ finding.responsible }}",
                "{{ finding.due_date|vn_date }}"], "(Không phát hiện tồn tại)")
    emit(doc, [
        heading("IV. KIẾN NGHỊ"),
        T("{%p for item in review.recommendations %}"),
        body("{{ loop.index }}. {{ item }}"),
        T("{%p endfor %}"),
        body("Kỳ kiểm tra, đánh giá tiếp theo: trước ngày {{ review.next_due|vn_date }}./."),
    ])
    signature(doc)
    return doc


BUILDERS = {
    ("nd331-2026", "mau01"): lambda v: build_request(v, "approve"),
    ("nd331-2026", "mau02"): lambda v: build_request(v, "appraise"),
    ("nd331-2026", "mau03"): lambda v: build_request(v, "expert"),
    ("nd331-2026", "mau04"): build_appraisal,
    ("nd331-2026", "mau05"): build_submission,
    ("nd331-2026", "mau06"): lambda v: build_decision(v, "level"),
    ("nd331-2026", "mau07"): lambda v: build_decision(v, "plan"),
    ("nd331-2026", "annual_report_mau08"): build_annual_report,
    ("nd331-2026", "thuyet_minh"): build_explanation,
    ("nd331-2026", "bao_cao_kiem_tra"): build_review,
    ("nd85-2016", "request_appraisal_approval"): lambda v: build_request(v, "approve"),
    ("nd85-2016", "request_appraisal"): lambda v: build_request(v, "appraise"),
    ("nd85-2016", "appraisal_opinion"): build_appraisal,
    ("nd85-2016", "submission"): build_submission,
    ("nd85-2016", "approval_decision"): lambda v: build_decision(v, "level"),
    ("nd85-2016", "thuyet_minh"): build_explanation,
    ("nd85-2016", "bao_cao_kiem_tra"): build_review,
}


def check_runs(doc, name: str) -> None:
    """Fail if a Jinja tag is not whole inside one run (the split-run pitfall)."""
    import re

    parts = [doc.element.body] + [s.header._element for s in doc.sections]
    for root in parts:
        for run in root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}r"):
            text = "".join(t.text or "" for t in run.iter(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
            stripped = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text)
            if any(mark in stripped for mark in ("{{", "}}", "{%", "%}")):
                raise SystemExit(f"{name}: thẻ bị tách qua nhiều run: {text!r}")


def build_all(out_dir: Path) -> list[Path]:
    catalogue = load_documents()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in catalogue.specs:
        builder = BUILDERS[(spec.regime, spec.key)]
        doc = builder(VOCAB[spec.regime])
        check_runs(doc, spec.template)
        data = L.save_bytes(doc, title=spec.display_name, when=BUILT_AT,
                            subject=f"Mẫu văn bản ATTT xã ({spec.regime})")
        path = out_dir / spec.template
        path.write_bytes(data)
        written.append(path)
    readme = out_dir / "README.md"
    readme.write_text(readme_text(catalogue), encoding="utf-8")
    written.append(readme)
    return written


def readme_text(catalogue) -> str:
    lines = [README_HEAD, "", "## Danh mục mẫu", "",
             "| chế độ | khóa | văn bản | số mẫu | tệp mẫu | tên tệp tải về | cấp độ |",
             "|---|---|---|---|---|---|---|"]
    for spec in catalogue.specs:
        levels = ", ".join(str(level) for level in spec.levels)
        lines.append(f"| {spec.regime} | `{spec.key}` | {spec.title} | {spec.form or '—'} | "
                     f"`{spec.template}` | `{spec.filename}.docx` | {levels} |")
    lines += ["", "## Các trường dữ liệu dùng được trong mẫu", "",
              "Đường dẫn viết như trong thẻ Jinja (`{{ system.name }}`); `[]` là một phần tử của danh "
              "sách, dùng trong vòng lặp (`{%tr for item in system.equipment %}` … `{{ item.name }}`). "
              "Trường *tự tính* do ứng dụng điền, không cần nhập.", "",
              "| trường | kiểu | ý nghĩa | ví dụ (cấp độ 3) |", "|---|---|---|---|"]
    for info in field_reference():
        description = info.description + (" *(tự tính)*" if info.derived else "")
        example = info.example.replace("|", "\\|")
        lines.append(f"| `{info.path}` | {info.type} | {description.replace('|', '/')} | {example} |")
    return "\n".join(lines) + "\n"


README_HEAD = """# Mẫu văn bản DOCX (hồ sơ cấp độ)

Các tệp `.docx` trong thư mục này là **mẫu Word có thẻ Jinja** (cú pháp [docxtpl](https://docxtpl.readthedocs.io/)).
Ứng dụng điền dữ liệu của hồ sơ vào mẫu để tạo văn bản theo Phụ lục NĐ 331/2026/NĐ-CP (Mẫu số 01–08),
thuyết minh hồ sơ đề xuất cấp độ, báo cáo kiểm tra, đánh giá và các văn bản của chế độ cũ NĐ 85/2016.
Thể thức theo NĐ 30/2020/NĐ-CP Phụ lục I: khổ A4; lề trên, dưới 20 mm, trái 30 mm, phải 15 mm;
phông Times New Roman; Quốc hiệu 13 đậm, Tiêu ngữ 14 đậm có gạch dưới; tên loại 14 đậm; nội dung 14,
canh đều, thụt đầu dòng 1 cm, cách đoạn 6 pt; "Nơi nhận" 12 nghiêng đậm, danh sách 11; số trang ở
giữa lề trên từ trang 2. Các cỡ chữ nằm ở một chỗ: `ir_app/documents/format.py`.

**Không sửa tay các tệp này trong kho mã**: chúng được tạo lại bằng

    .venv/bin/python tools/build_docx_templates.py

(kết quả luôn giống hệt từng byte; kiểm thử so sánh). Muốn đổi lời văn, sửa `tools/build_docx_templates.py`;
muốn thêm văn bản, khai báo trong `level_dossiers/documents.yaml`.

## Sửa mẫu bằng Word / LibreOffice (bản sao của quản trị viên)

- Giữ nguyên mỗi thẻ trong **một lần gõ** (một run): gõ liền `{{ system.name }}`, không đổi định dạng giữa
  chừng thẻ, không để Word tự sửa chính tả trong thẻ. Khi dán, dùng "Dán chỉ văn bản".
- Thẻ giá trị: `{{ system.name }}`; điều kiện, vòng lặp trong đoạn văn: `{% if … %}…{% endif %}`.
- Lặp cả đoạn văn: đặt `{%p for x in danh_sach %}` và `{%p endfor %}` mỗi thẻ trên **một đoạn riêng**
  (đoạn chứa thẻ bị xóa khi tạo văn bản). Tương tự `{%p if … %}` / `{%p else %}` / `{%p endif %}`.
- Lặp dòng bảng: dòng chứa `{%tr for item in dossier.risks %}`, dòng dữ liệu (`{{ item.threat }}` …),
  dòng chứa `{%tr endfor %}`.
- Bộ lọc có sẵn: `vn_date` (05/03/2026), `vn_date_long` (ngày 05 tháng 3 năm 2026), `vn_number`
  (18.500), `vn_letter` (0 → a, 1 → b, … theo bảng chữ cái tiếng Việt), `upper`, và các bộ lọc chuẩn của
  Jinja (`join`, `default`, `length`, `first`…).
- Mẫu chạy trong môi trường Jinja **cách ly** (sandbox): không truy cập được thuộc tính bắt đầu bằng
  `_`, không gọi được `self`, `config`, `include`/`import`/`extends`; tham chiếu trường không có trong
  danh sách dưới đây là lỗi. Khi tải mẫu lên, ứng dụng thử tạo văn bản với dữ liệu mẫu ở cấp độ 1, 3, 5
  và báo lỗi bằng tiếng Việt trước khi nhận mẫu.
- Đường kẻ dưới tên cơ quan ban hành và dưới trích yếu là đường viền dưới của một đoạn trống có độ dài
  cố định (2,2 cm và 4 cm); chỉnh bằng thụt lề trái/phải của đoạn đó nếu tên cơ quan dài."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TEMPLATES_DIR, help="thư mục ghi mẫu")
    args = parser.parse_args(argv)
    for path in build_all(args.out):
        print(path.relative_to(args.out.parent) if path.is_relative_to(args.out.parent) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
