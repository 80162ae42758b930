"""Every document renders at every level it applies to, in the NĐ 30/2020 format, deterministically."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document

from ir_app.documents import load_documents, render_document, sample_context, to_template_dict
from ir_app.documents.format import FONT, PAGE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CATALOGUE = load_documents()
CASES = [(spec.regime, spec.key, level) for spec in CATALOGUE.specs for level in spec.levels]
# the type/summary line each form prints (NĐ 331 Phụ lục; the legacy documents reuse them)
TITLES = {
    "mau01": "V/v đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
    "request_appraisal_approval": "V/v đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
    "mau02": "V/v đề nghị thẩm định hồ sơ đề xuất cấp độ",
    "request_appraisal": "V/v đề nghị thẩm định hồ sơ đề xuất cấp độ",
    "mau03": "V/v cho ý kiến chuyên môn về hồ sơ đề xuất cấp độ",
    "mau04": "V/v ý kiến thẩm định hồ sơ đề xuất cấp độ",
    "appraisal_opinion": "V/v ý kiến thẩm định hồ sơ đề xuất cấp độ",
    "mau05": "TỜ TRÌNH\nVề việc phê duyệt đề xuất cấp độ",
    "submission": "TỜ TRÌNH\nVề việc phê duyệt đề xuất cấp độ",
    "mau06": "QUYẾT ĐỊNH\nVề việc phê duyệt cấp độ hệ thống thông tin",
    "approval_decision": "QUYẾT ĐỊNH\nVề việc phê duyệt cấp độ hệ thống thông tin",
    "mau07": "QUYẾT ĐỊNH\nVề việc phê duyệt phương án bảo đảm an ninh mạng hệ thống thông tin",
    "annual_report_mau08": "V/v kết quả công tác bảo đảm an ninh mạng hệ thống thông tin",
    "thuyet_minh": "THUYẾT MINH\nHồ sơ đề xuất cấp độ hệ thống thông tin",
    "bao_cao_kiem_tra": "BÁO CÁO\nKết quả kiểm tra, đánh giá",
}
# level 1..5 requirement counts of TT 12/2022 Phụ lục I–V
PLAN_ROWS = {1: 34, 2: 46, 3: 66, 4: 68, 5: 70}


def paragraphs(root) -> list[str]:
    """Text of every paragraph, in document order, including those inside tables."""
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def full_text(doc) -> str:
    return "\n".join(paragraphs(doc.element.body))


def plan_tables(doc):
    return [t for t in doc.tables
            if [c.text for c in t.rows[0].cells][:3] == ["STT", "Yêu cầu", "Phương án đáp ứng"]]


@pytest.fixture(scope="module")
def rendered():
    cache = {}

    def get(regime, key, level):
        if (regime, key, level) not in cache:
            spec = CATALOGUE.get(regime, key)
            data = render_document(CATALOGUE.template_path(spec), sample_context(level, regime, key))
            cache[(regime, key, level)] = data
        return cache[(regime, key, level)]

    return get


@pytest.mark.parametrize("regime,key,level", CASES, ids=[f"{r}-{k}-L{lv}" for r, k, lv in CASES])
def test_renders_in_nd30_format(rendered, regime, key, level):
    data = rendered(regime, key, level)
    doc = Document(io.BytesIO(data))
    text = full_text(doc)
    context = sample_context(level, regime, key)
    # national title block and issuing body
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert TITLES[key] in text
    issuer_first_line = context.document.issuer.header_name.split("\n")[0]
    assert issuer_first_line in text
    assert context.document.place_date_text in text
    # the system and signer are filled in; no tag survived
    if key != "annual_report_mau08":
        assert context.system.name in text
    assert context.document.signer.name in text
    assert not re.search(r"\{\{|\}\}|\{%|%\}", text)
    _assert_page_setup(doc)
    _assert_fonts(doc, data)
    _assert_page_number_header(doc)


def _mm(length) -> float:
    return round(length.mm, 1)  # Word stores twips: 210 mm comes back as 210.0006 mm


def _assert_page_setup(doc):
    first = doc.sections[0]
    # A4; Mẫu 08 is landscape throughout (its 12-column table), the others portrait
    assert sorted([_mm(first.page_width), _mm(first.page_height)]) == sorted([PAGE.width_mm, PAGE.height_mm]) \
        == [210, 297]
    for section in doc.sections:
        assert sorted([_mm(section.page_width), _mm(section.page_height)]) == [210, 297]
        assert 20 <= _mm(section.top_margin) <= 25
        assert 20 <= _mm(section.bottom_margin) <= 25
        assert 30 <= _mm(section.left_margin) <= 35
        assert 15 <= _mm(section.right_margin) <= 20


def _assert_fonts(doc, data):
    styles_xml = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles_xml, re.S).group(0)
    assert f'w:ascii="{FONT}"' in defaults and "Theme" not in defaults
    assert doc.styles["Normal"].font.name == FONT
    used = {p.style.name for p in doc.paragraphs}
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                used |= {p.style.name for p in cell.paragraphs}
    for name in used:
        assert doc.styles[name].font.name in (FONT, None), name
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    other_fonts = set(re.findall(r'w:ascii="([^"]+)"', body)) - {FONT}
    assert other_fonts == set()


def _assert_page_number_header(doc):
    first = doc.sections[0]
    assert first.different_first_page_header_footer  # no number on page 1
    header_xml = first.header._element.xml
    assert "PAGE" in "".join(t.text or "" for t in first.header._element.iter(f"{W}instrText"))
    assert 'w:fldCharType="begin"' in header_xml
    assert "PAGE" not in first.first_page_header._element.xml


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("regime", ["nd331-2026", "nd85-2016"])
def test_explanation_has_one_row_per_requirement(rendered, regime, level):
    doc = Document(io.BytesIO(rendered(regime, "thuyet_minh", level)))
    tables = plan_tables(doc)
    rows = sum(len(table.rows) - 1 for table in tables)
    assert rows == PLAN_ROWS[level] == sample_context(level, regime).dossier.plan.requirement_count
    # the seven parts of NĐ 331 Đ29.2 / NĐ 85 Đ19.2 each have a heading
    text = full_text(doc)
    for part in sample_context(level, regime).dossier.plan.parts:
        assert part.title in text


def test_explanation_level3_contents(rendered):
    doc = Document(io.BytesIO(rendered("nd331-2026", "thuyet_minh", 3)))
    text = full_text(doc)
    context = sample_context(3)
    for heading in ("THUYẾT MINH", "Phần I", "THUYẾT MINH TỔNG QUAN VỀ HỆ THỐNG THÔNG TIN",
                    "Phần II", "THUYẾT MINH VỀ VIỆC ĐỀ XUẤT CẤP ĐỘ", "Phần III",
                    "THUYẾT MINH PHƯƠNG ÁN BẢO ĐẢM AN NINH MẠNG",
                    "1. Thông tin về chủ quản hệ thống thông tin",
                    "2. Thông tin về đơn vị vận hành hệ thống thông tin",
                    "Nhận diện sơ bộ các nguy cơ, rủi ro an ninh mạng chính"):
        assert heading in text
    for value in (context.owner.name, context.owner.representative, context.owner.email,
                  context.operator.name, context.system.scope, context.system.users_served,
                  "Đ13.2.b", "Hệ thống thông tin giải quyết thủ tục hành chính.",
                  "18.500", "gồm 66 yêu cầu", "TCVN 11930:2017"):
        assert value in text, value
    tables = {tuple(c.text for c in t.rows[0].cells): t for t in doc.tables}
    equipment = tables[("STT", "Tên thiết bị", "Chủng loại", "Vị trí triển khai", "Mục đích sử dụng")]
    assert len(equipment.rows) - 1 == len(context.system.equipment)
    applications = next(t for h, t in tables.items() if h[:2] == ("STT", "Tên dịch vụ"))
    assert [c.text for c in applications.rows[1].cells][4] == "Linux"
    zones = next(t for h, t in tables.items() if h[:2] == ("STT", "Vùng mạng"))
    assert "203.113.10.24/29" in [c.text for c in zones.rows[3].cells]
    risks = next(t for h, t in tables.items() if h[:2] == ("STT", "Nguy cơ, rủi ro"))
    assert len(risks.rows) - 1 == len(context.dossier.risks)
    # level 4–5 additions are absent at level 3
    assert "cấp độ 4, cấp độ 5" not in text


def test_explanation_level5_has_detailed_risk(rendered):
    text = full_text(Document(io.BytesIO(rendered("nd331-2026", "thuyet_minh", 5))))
    assert "Thuyết minh bổ sung đối với hệ thống thông tin đề xuất cấp độ 4, cấp độ 5" in text
    assert "Cổng Dịch vụ công quốc gia" in text
    assert "Yêu cầu vận hành 24/7" in text


def test_annual_report_has_one_row_per_system(rendered):
    doc = Document(io.BytesIO(rendered("nd331-2026", "annual_report_mau08", 3)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    header = [c.text for c in table.rows[0].cells]
    assert len(header) == 12
    assert header[1] == "Tên HTTT" and header[11] == "Đã kiểm tra, đánh giá ANM"
    assert [c.text for c in table.rows[1].cells] == [f"({n})" for n in range(1, 13)]
    context = sample_context(3)
    body_rows = table.rows[2:]
    assert len(body_rows) == len(context.annual_report.rows) == 7
    first = [c.text for c in body_rows[0].cells]
    assert first[:3] == ["1", "Hệ thống quản lý văn bản và điều hành", "UBND xã Vĩnh Lại"]
    assert first[5] == "Đã được phê duyệt" and first[9] == "Đã triển khai đầy đủ"
    assert doc.sections[-1].page_width > doc.sections[-1].page_height  # the table is landscape


def test_render_is_deterministic():
    spec = CATALOGUE.get("nd331-2026", "thuyet_minh")
    template = CATALOGUE.template_path(spec)
    first = render_document(template, sample_context(3))
    second = render_document(template, to_template_dict(sample_context(3)))  # dict or dataclass
    assert first == second
    read = lambda data: zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")  # noqa: E731
    assert read(first) == read(second)
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert {info.date_time for info in infos} == {(2026, 10, 15, 9, 0, 0)}


def test_core_properties_follow_generated_at(rendered):
    doc = Document(io.BytesIO(rendered("nd331-2026", "mau06", 3)))
    props = doc.core_properties
    assert props.created == props.modified == props.last_printed
    assert props.created.isoformat().startswith("2026-10-15T02:00:00")  # 09:00 in Vietnam
    assert props.revision == 1
