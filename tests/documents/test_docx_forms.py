"""The forms carry the decree's wording; the catalogue, the context contract and the templates agree."""
from __future__ import annotations

import ast
import importlib.util
import io
import re
import sys
import zipfile
from dataclasses import fields, is_dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from ir_app.documents import (
    ContextError,
    context_from_dict,
    field_reference,
    load_documents,
    missing_fields,
    render_document,
    safe_filename,
    sample_context,
    to_template_dict,
    vn_date_text,
)
from ir_app.documents import context as contract
from ir_app.documents.catalog import ROLES
from ir_app.documents.context.convert import _hints

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CATALOGUE = load_documents()


def render_text(regime: str, key: str, level: int, context=None) -> str:
    spec = CATALOGUE.get(regime, key)
    data = render_document(CATALOGUE.template_path(spec), context or sample_context(level, regime, key))
    doc = Document(io.BytesIO(data))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in doc.element.body.iter(f"{W}p"))


# --------------------------------------------------------------------------- decree wording
def test_mau01_request_to_appraise_and_approve():
    text = render_text("nd331-2026", "mau01", 2)
    for line in ("V/v đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
                 "Kính gửi: Công an xã Vĩnh Lại.",
                 "Căn cứ Luật An ninh mạng số 116/2025/QH15;",
                 "Phần 1. Thông tin chung", "1. Tên hệ thống thông tin: Hệ thống quản lý văn bản và điều hành",
                 "2. Đơn vị vận hành hệ thống thông tin: Văn phòng HĐND và UBND xã Vĩnh Lại",
                 "4. Cấp độ hệ thống thông tin đề xuất: Cấp độ 2", "Phần 2. Hồ sơ kèm theo",
                 "4. Tài liệu thuyết minh phương án bảo đảm an ninh mạng theo cấp độ tương ứng.",
                 "Văn phòng HĐND và UBND xã Vĩnh Lại đề nghị Công an xã Vĩnh Lại thẩm định và phê duyệt hồ "
                 "sơ đề xuất cấp độ của hệ thống thông tin Hệ thống quản lý văn bản và điều hành./.",
                 "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "CHÁNH VĂN PHÒNG", "Số: 125/VP"):
        assert line in text, line
    assert "5. Ý kiến về mặt chuyên môn" not in text


@pytest.mark.parametrize("level,expert", [(3, False), (4, True)])
def test_mau02_lists_expert_opinion_only_for_levels_4_5(level, expert):
    text = render_text("nd331-2026", "mau02", level)
    assert "V/v đề nghị thẩm định hồ sơ đề xuất cấp độ" in text
    assert ("5. Ý kiến về mặt chuyên môn của đơn vị chuyên trách về an ninh mạng" in text) is expert
    assert "cho ý kiến thẩm định hồ sơ đề xuất cấp độ hệ thống thông tin đối với" in text


def test_mau02_adds_national_list_request():
    context = sample_context(4, doc_key="mau02")
    context = replace(context, dossier=replace(context.dossier, national_security_list=True))
    text = render_text("nd331-2026", "mau02", 4, context)
    assert "đồng thời đề nghị đưa hệ thống vào Danh mục hệ thống thông tin quan trọng về an ninh quốc gia" in text


def test_mau03_expert_opinion():
    text = render_text("nd331-2026", "mau03", 4)
    assert "V/v cho ý kiến chuyên môn về hồ sơ đề xuất cấp độ" in text
    assert "cho ý kiến về sự phù hợp của đề xuất cấp độ và phương án bảo đảm an ninh mạng" in text


def test_mau04_has_five_parts_and_conclusion():
    text = render_text("nd331-2026", "mau04", 3)
    parts = ["Phần 1. Hồ sơ, tài liệu thẩm định", "Phần 2. Căn cứ pháp lý để thẩm định",
             "Phần 3. Tổ chức thẩm định", "Phần 4. Ý kiến thẩm định", "Phần 5. Kết luận"]
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)
    for line in ("V/v ý kiến thẩm định hồ sơ đề xuất cấp độ",
                 "Công an xã Vĩnh Lại nhận được Công văn số 125/TTPVHCC ngày 25 tháng 9 năm 2026 của Trung "
                 "tâm Phục vụ hành chính công xã Vĩnh Lại",
                 "1. Căn cứ Luật An ninh mạng số 116/2025/QH15.",
                 "3. Hình thức thẩm định: Tổ chức họp và lấy ý kiến bằng văn bản.",
                 "là phù hợp để theo cấp độ đề xuất (cấp độ 3).",
                 "trình cơ quan có thẩm quyền phê duyệt", "Kính gửi:", "- Ủy ban nhân dân xã Vĩnh Lại;"):
        assert line in text, line


def test_mau04_unsuitable_lists_points():
    context = sample_context(3, doc_key="mau04")
    appraisal = replace(context.dossier.appraisal, conclusion="chua_phu_hop",
                        unsuitable_points=("Chưa có phương án sao lưu tập trung",))
    context = replace(context, dossier=replace(context.dossier, appraisal=appraisal))
    text = render_text("nd331-2026", "mau04", 3, context)
    assert "là chưa phù hợp để theo cấp độ đề xuất" in text
    assert "- Chưa có phương án sao lưu tập trung;" in text
    assert "báo cáo cấp có thẩm quyền điều chỉnh" in text


def test_mau05_submission():
    text = render_text("nd331-2026", "mau05", 3)
    for line in ("TỜ TRÌNH", "Về việc phê duyệt đề xuất cấp độ", "Số: 125/TTr-TTPVHCC",
                 "Căn cứ ý kiến thẩm định của Công an xã Vĩnh Lại tại Văn bản số 18/CAX ngày 09 tháng 10 năm 2026;",
                 "5. Ý kiến thẩm định của cơ quan phối hợp thẩm định",
                 "trình Ủy ban nhân dân xã Vĩnh Lại xem xét, quyết định phê duyệt đề xuất cấp độ"):
        assert line in text, line
    assert "phê duyệt phương án bảo đảm an ninh mạng của" in render_text("nd331-2026", "mau05", 5)


def test_mau06_decision_articles():
    text = render_text("nd331-2026", "mau06", 3)
    for line in ("QUYẾT ĐỊNH", "Về việc phê duyệt cấp độ hệ thống thông tin",
                 "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ VĨNH LẠI", "Số: 245/QĐ-UBND", "QUYẾT ĐỊNH:",
                 "Điều 1. Phê duyệt cấp độ hệ thống thông tin đối với Hệ thống thông tin giải quyết thủ tục "
                 "hành chính (một cửa điện tử) cụ thể như sau:",
                 "2. Cấp độ hệ thống thông tin: Cấp độ 3",
                 "là phù hợp với tiêu chuẩn quốc gia TCVN 11930:2017 về bảo đảm an ninh mạng theo cấp độ.",
                 "Điều 2. Tổ chức thực hiện",
                 "a) Thực hiện trách nhiệm bảo đảm an ninh mạng hệ thống thông tin mình quản lý theo các quy "
                 "định tại Điều 33 Nghị định số 331/2026/NĐ-CP.",
                 "b) Hoàn thành các hạng mục", "Điều 3. Điều khoản thi hành",
                 "Xét đề nghị của Giám đốc Trung tâm Phục vụ hành chính công xã.", "- Như Điều 3;"):
        assert line in text, line
    assert text.index("Điều 1.") < text.index("Điều 2.") < text.index("Điều 3.")


def test_mau06_levels_1_2_are_issued_by_the_specialised_unit():
    text = render_text("nd331-2026", "mau06", 2)
    assert "CÔNG AN XÃ VĨNH LẠI" in text and "Số: 245/QĐ-CAX" in text
    assert "TRƯỞNG CÔNG AN XÃ VĨNH LẠI" in text


def test_mau07_protection_plan_decision():
    text = render_text("nd331-2026", "mau07", 5)
    assert "Về việc phê duyệt phương án bảo đảm an ninh mạng hệ thống thông tin" in text
    assert "Điều 1. Phê duyệt phương án đảm bảo an ninh mạng đối với" in text
    assert "2. Phương án bảo đảm an ninh mạng:" in text
    assert "Cấp độ hệ thống thông tin:" not in text


def test_mau08_annual_report_sections():
    text = render_text("nd331-2026", "annual_report_mau08", 3)
    for line in ("V/v kết quả công tác bảo đảm an ninh mạng hệ thống thông tin", "1. Thông tin chung",
                 "- Tổng số hệ thống thông tin thuộc phạm vi quản lý: 7;",
                 "2. Thông tin về chủ quản hệ thống thông tin và đơn vị chuyên trách về an ninh mạng",
                 "(1) Tên chủ quản hệ thống thông tin: Ủy ban nhân dân xã Vĩnh Lại;",
                 "(3) Người đại diện, chức vụ: Đỗ Minh Tuấn, Trưởng Công an xã;",
                 "3. Thông tin chi tiết về các hệ thống thông tin thuộc phạm vi quản lý",
                 "số liệu từ ngày 15/12/2025 đến ngày 14/12/2026", "TM. ỦY BAN NHÂN DÂN"):
        assert line in text, line


def test_review_report():
    text = render_text("nd331-2026", "bao_cao_kiem_tra", 3)
    for line in ("BÁO CÁO", "Kết quả kiểm tra, đánh giá an ninh mạng hệ thống thông tin",
                 "1. Thời gian: 05/03/2027.", "2. Hình thức: Định kỳ.",
                 "4. Tính độc lập: Bộ phận thực hiện độc lập với đơn vị vận hành hệ thống thông tin.",
                 "5. Tổ chức chuyên môn bên ngoài tham gia: Không (tự kiểm tra, đánh giá).",
                 "đã được phê duyệt tại Quyết định số 245/QĐ-UBND ngày 15/10/2026",
                 "1. Kết quả chung: Đạt một phần", "Kỳ kiểm tra, đánh giá tiếp theo: trước ngày 05/03/2028./."):
        assert line in text, line
    spec = CATALOGUE.get("nd331-2026", "bao_cao_kiem_tra")
    doc = Document(io.BytesIO(render_document(CATALOGUE.template_path(spec), sample_context(3, doc_key=spec.key))))
    findings = next(t for t in doc.tables
                    if len(t.columns) == 7 and t.rows[0].cells[2].text == "Tồn tại, điểm yếu")
    rows = [[c.text for c in row.cells] for row in findings.rows[1:]]
    assert len(rows) == 2 and rows[0][3] == "Cao" and rows[0][6] == "20/03/2027"


def test_legacy_regime_wording():
    decision = render_text("nd85-2016", "approval_decision", 3)
    assert "Căn cứ Luật An toàn thông tin mạng ngày 19 tháng 11 năm 2015;" in decision
    assert "Căn cứ Thông tư số 12/2022/TT-BTTTT" in decision
    assert "theo các quy định tại Điều 22 Nghị định số 85/2016/NĐ-CP." in decision
    assert "(đơn vị chuyên trách về an toàn thông tin)" in decision
    assert "an ninh mạng" not in decision
    explanation = render_text("nd85-2016", "thuyet_minh", 3)
    assert "THUYẾT MINH PHƯƠNG ÁN BẢO ĐẢM AN TOÀN THÔNG TIN" in explanation
    assert "Bảo đảm an toàn hệ thống thông tin trong khâu thiết kế, xây dựng" in explanation
    assert "Đ9.2.c" in explanation
    request = render_text("nd85-2016", "request_appraisal_approval", 1)
    assert "V/v đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ" in request
    assert "phương án bảo đảm an toàn thông tin theo cấp độ tương ứng" in request


def test_single_and_several_addressees():
    one = render_text("nd331-2026", "mau05", 3)
    assert "Kính gửi: Ủy ban nhân dân xã Vĩnh Lại." in one
    several = render_text("nd331-2026", "mau04", 3)
    assert "- Trung tâm Phục vụ hành chính công xã Vĩnh Lại." in several


def test_values_are_escaped_for_xml():
    context = sample_context(3, doc_key="mau06")
    context = replace(context, system=replace(context.system, name='Hệ thống "A" & <B>\x07'))
    text = render_text("nd331-2026", "mau06", 3, context)
    assert 'Hệ thống "A" & <B>' in text


# --------------------------------------------------------------------------- catalogue
def test_catalogue_matches_regime_files():
    regimes_dir = ROOT / "level_dossiers" / "regimes"
    if not (regimes_dir / "nd331-2026.yaml").exists():
        pytest.skip("tệp chế độ chưa có")
    from ir_app.datafiles.regimes import load_regimes

    regimes = load_regimes(regimes_dir)
    for spec in CATALOGUE.specs:
        if spec.scope == "review":
            continue  # the periodic-check report is not part of the level dossier
        regime = regimes[spec.regime]
        assert regime.document(spec.key)  # same key in the regime file
        expected = tuple(level for level in range(1, 6)
                         if spec.key in [d.key for d in regime.documents_for(level)])
        assert spec.levels == expected, spec.key
        if spec.form:
            assert regime.document(spec.key).form == spec.form


def test_catalogue_entries_are_consistent():
    keys = {(spec.regime, spec.key) for spec in CATALOGUE.specs}
    assert {("nd331-2026", f"mau0{n}") for n in range(1, 8)} <= keys
    assert {("nd331-2026", "annual_report_mau08"), ("nd331-2026", "thuyet_minh"),
            ("nd331-2026", "bao_cao_kiem_tra"), ("nd85-2016", "request_appraisal_approval"),
            ("nd85-2016", "thuyet_minh"), ("nd85-2016", "approval_decision")} <= keys
    known_paths = {info.path for info in field_reference()}
    for spec in CATALOGUE.specs:
        assert CATALOGUE.template_path(spec).is_file(), spec.template
        assert re.fullmatch(r"[a-z0-9-]+", spec.filename)
        assert all(role in ROLES for _, role in spec.issuers)
        for required in spec.required:
            assert required.path in known_paths, (spec.key, required.path)
    assert CATALOGUE.get("nd331-2026", "mau06").filename == "mau-06-quyet-dinh-phe-duyet-cap-do"


def test_safe_filename():
    assert safe_filename("Mẫu 06 – Quyết định phê duyệt cấp độ") == "mau-06-quyet-dinh-phe-duyet-cap-do"
    assert safe_filename("Đường dây nóng: Ứng cứu sự cố!") == "duong-day-nong-ung-cuu-su-co"
    assert safe_filename("   ") == "van-ban"
    assert safe_filename("../../etc/passwd") == "etc-passwd"


@pytest.mark.parametrize("day,expected", [
    (date(2026, 3, 5), "Vĩnh Lại, ngày 05 tháng 3 năm 2026"),
    (date(2026, 1, 9), "Vĩnh Lại, ngày 09 tháng 01 năm 2026"),
    (date(2026, 2, 28), "Vĩnh Lại, ngày 28 tháng 02 năm 2026"),
    (date(2026, 12, 10), "Vĩnh Lại, ngày 10 tháng 12 năm 2026"),
    (None, "Vĩnh Lại, ngày … tháng … năm …"),
])
def test_vn_date_text(day, expected):
    assert vn_date_text(day, "Vĩnh Lại") == expected


def test_number_text_pads_small_numbers():
    info = contract.DocumentInfo(number="5", symbol="QĐ-UBND")
    assert info.number_text == "Số: 05/QĐ-UBND"
    assert contract.DocumentInfo(number="", symbol="TTr-VP").number_text == "Số: …/TTr-VP"  # a draft


# --------------------------------------------------------------------------- contract
def test_missing_fields_names_the_decision_number():
    context = to_template_dict(sample_context(3, doc_key="mau06"))
    assert missing_fields("mau06", context) == []
    context["dossier"]["approval"]["decision_number"] = ""
    context["operator"]["address"] = "   "
    assert missing_fields("mau06", context) == ["Số quyết định phê duyệt", "Địa chỉ đơn vị vận hành"]


def test_missing_fields_by_level():
    context = to_template_dict(sample_context(3))
    assert missing_fields("thuyet_minh", context) == []  # level 4–5 risk fields are not asked at level 3
    level4 = to_template_dict(sample_context(4))
    level4["dossier"]["detailed_risk"]["impact_scope"] = ""
    assert missing_fields("thuyet_minh", level4) == ["Phạm vi, mức độ ảnh hưởng khi bị tấn công (cấp độ 4, 5)"]


def test_context_round_trip_and_partial_dicts():
    context = sample_context(3)
    assert context_from_dict(to_template_dict(context)) == context
    partial = context_from_dict({"generated_at": "2026-10-15T09:00:00+07:00",
                                 "system": {"name": "Cổng thông tin", "information_types": ["public"]},
                                 "document": {"number": "3", "symbol": "QĐ-UBND", "date": "2026-03-05",
                                              "place": "Vĩnh Lại"}})
    assert partial.system.information_text == "thông tin công cộng"
    assert partial.document.number_text == "Số: 03/QĐ-UBND"
    assert partial.document.place_date_text == "Vĩnh Lại, ngày 05 tháng 3 năm 2026"
    assert partial.dossier.plan.parts == ()


def test_contract_accepts_what_the_database_stores():
    """Free-text risks (Dossier.risks), appraisal codes, reasons with criterion ids, plan statuses."""
    context = context_from_dict({
        "dossier": {"risks_text": "- Mã độc tống tiền\n\n- Lộ dữ liệu cá nhân",
                    "reasons": [{"level": 3, "article": "Đ13.2.b", "text": "TTHC",
                                 "criterion_id": "nd331.l3.admin_procedures"}],
                    "appraisal": {"conclusion": "unsuitable"},
                    "plan": {"parts": [{"id": "operation", "requirements": [
                        {"code": "QL.VH.1", "status": "not_applicable", "na_reason": "Không có máy chủ tại xã"},
                        {"code": "QL.VH.2", "status": "partly"}]}]}}})
    assert [risk.threat for risk in context.dossier.risks] == ["Mã độc tống tiền", "Lộ dữ liệu cá nhân"]
    assert context.dossier.appraisal.conclusion == "chua_phu_hop"
    assert context.dossier.appraisal.conclusion_text == "chưa phù hợp"
    items = context.dossier.plan.parts[0].requirements
    assert [item.status_label for item in items] == ["Không áp dụng", "Đáp ứng một phần"]
    assert context.dossier.plan.requirement_count == 2


def test_not_applicable_reason_is_printed():
    context = sample_context(3)
    parts = list(context.dossier.plan.parts)
    first = parts[0].requirements[0]
    parts[0] = replace(parts[0], requirements=(replace(first, status="not_applicable",
                                                       na_reason="Hệ thống dùng chung của thành phố"),)
                       + parts[0].requirements[1:])
    context = replace(context, dossier=replace(context.dossier, plan=replace(context.dossier.plan, parts=tuple(parts))))
    text = render_text("nd331-2026", "thuyet_minh", 3, context)
    assert "Không áp dụng: Hệ thống dùng chung của thành phố" in text


@pytest.mark.parametrize("raw,path", [
    ({"system": {"nmae": "x"}}, "system.nmae"),
    ({"dossier": {"proposed_level": "ba"}}, "dossier.proposed_level"),
    ({"system": {"equipment": "máy chủ"}}, "system.equipment"),
    ({"regime": {"id": "nd64-2007"}}, "regime.id"),
])
def test_context_errors_name_the_field(raw, path):
    with pytest.raises(ContextError) as error:
        context_from_dict(raw)
    assert error.value.path == path


def test_contract_field_names_do_not_shadow_dict_methods():
    """Templates see dicts: a field named "items" would resolve to dict.items in Jinja."""
    reserved = set(dir(dict))

    def walk(cls):
        for spec in fields(cls):
            assert spec.name not in reserved, f"{cls.__name__}.{spec.name}"
            hint = _hints(cls)[spec.name]
            for candidate in (hint, *getattr(hint, "__args__", ())):
                if is_dataclass(candidate):
                    walk(candidate)

    walk(contract.DocumentContext)


def test_field_reference_and_readme_are_in_sync():
    rows = field_reference()
    paths = [row.path for row in rows]
    assert len(paths) == len(set(paths))
    assert "dossier.approval.decision_number" in paths
    assert "dossier.plan.parts[].requirements[].measure" in paths
    assert all(row.description for row in rows)
    builder = _load_builder()
    readme = (ROOT / "level_dossiers" / "templates" / "README.md").read_text(encoding="utf-8")
    assert readme == builder.readme_text(CATALOGUE)


# --------------------------------------------------------------------------- templates as files
def _load_builder():
    name = "build_docx_templates_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "build_docx_templates.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _members(data: bytes) -> list[tuple[str, bytes]]:
    """Archive content without the compressed bytes (another zlib may compress differently)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def test_committed_templates_are_reproducible(tmp_path):
    written = _load_builder().build_all(tmp_path)
    assert len(written) == len(CATALOGUE.specs) + 1
    for path in written:
        committed = (ROOT / "level_dossiers" / "templates" / path.name).read_bytes()
        fresh = path.read_bytes()
        same = committed == fresh if path.suffix == ".md" else _members(committed) == _members(fresh)
        assert same, f"{path.name} lệch với tools/build_docx_templates.py: chạy lại công cụ để tạo lại mẫu"


@pytest.mark.parametrize("spec", CATALOGUE.specs, ids=lambda s: s.template)
def test_every_tag_sits_in_one_run(spec):
    doc = Document(CATALOGUE.template_path(spec))
    for run in doc.element.body.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        rest = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text)
        assert not any(mark in rest for mark in ("{{", "}}", "{%", "%}")), text


def test_documents_package_is_free_of_web_and_database():
    package = ROOT / "ir_app" / "documents"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                root = name.split(".")[0]
                assert root not in {"flask", "sqlalchemy", "flask_login", "flask_wtf"}, path.name
                assert not name.startswith(("ir_app.web", "ir_app.models", "ir_app.services")), path.name
