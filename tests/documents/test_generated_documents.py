"""Every document type rendered from the demo data and from a hostile fixture (very long names,
control characters, decomposed (NFD) Vietnamese, deputy and acting signers, a phường and a đặc
khu), read back and, where LibreOffice is installed, laid out into pages.

What a user notices, checked on every file: the commune's name keeps its capitals, no generic
"Thủ trưởng đơn vị", numbers and dates are the recorded ones on every export, no template or
signature placeholder is left, no control character, NFC text, page numbers, element order as
the Office schema wants it, and no signature block alone on a page (no blank page in Mẫu 08).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from document_support import (blank_pages, has_page_numbers, order_problems, pdf_pages, signature_problem, soffice,
                              text_of, text_problems)
from incident_support import data as response_data
from incident_support import quick_report, record_report
from sqlalchemy import select

from ir_app.cli.serving import demo
from ir_app.documents.catalog import load_documents
from ir_app.models import (Dossier, Incident, InformationSystem, Organisation, Role, SecurityPolicy, SystemComponent,
                           Unit)
from ir_app.services.dossiers import annual_report, documents
from ir_app.services.incidents.documents import DOCUMENTS, incident_context, offered_documents, render_report
from ir_app.services.incidents.summary import period_of, summarise, summary_context

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(days=400)
NFD = "NFD"
HOSTILE_CODES = ("99001", "99002")
LONG_UNIT = ("Trung tâm Phục vụ hành chính công và Chuyển đổi số thuộc Ủy ban nhân dân phường Hồng Hải, "
             "chịu trách nhiệm tiếp nhận, giải quyết thủ tục hành chính và vận hành các hệ thống thông tin "
             "dùng chung")
FORBIDDEN = ("THỦ TRƯỞNG ĐƠN VỊ", "Thủ trưởng đơn vị", "(Ký, ghi rõ", "{{", "}}", "{%", "%}", "Đ13.2", "Điều 28.1.")


def nfd(text: str) -> str:
    return unicodedata.normalize(NFD, text)


@dataclass
class Rendered:
    name: str
    data: bytes
    commune: Organisation
    signer_first_line: str = ""
    signer_name: str = ""
    complete: bool = True
    number_line: str = ""
    date_line: str = ""


# --------------------------------------------------------------------------- the fixtures
@pytest.fixture
def demo_data(app, session):
    result = app.test_cli_runner().invoke(demo, ["--no-serve"])
    assert result.exit_code == 0, result.output
    return session


def _hostile_commune(session, law, province, *, code, slug, name, kind, police, signer, unit_signer):
    commune = Organisation(kind="commune", code=code, slug=slug, name=nfd(name), commune_type=kind,
                           parent_id=province.id, address=nfd(f"Số 1\x07 đường Trần Hưng Đạo, {name}"),
                           phone="0203 3\x0c8 1234", email=f"ubnd@{slug}.gov.vn", chair_name=nfd("Nguyễn Thị Ánh"),
                           vice_chair_name=nfd("Trần Văn Đức\x1f"), signer=signer, tax_code="5701234567",
                           establishment_decision="Nghị quyết số 1685/NQ-UBTVQH15", website=f"https://{slug}.gov.vn",
                           dpo_name="Phạm Thu Hà", dpo_title="Phó Trưởng Công an", dpo_phone="0912 000 111",
                           dpo_email=f"dlcn@{slug}.gov.vn")
    session.add(commune)
    session.flush()
    police_unit = Unit(commune_id=commune.id, name=police, functions=nfd("Đơn vị chuyên trách\x1b về an ninh mạng"),
                       is_cyber_unit=True, head_name=nfd("Lê Văn Hùng"), deputy_name=nfd("Hoàng Thị Lan"),
                       signer=unit_signer)
    centre = Unit(commune_id=commune.id, name=LONG_UNIT, head_name="Vũ Minh Châu", deputy_name="Đặng Quốc Toản",
                  deputy_title="Phó Giám đốc", signer="deputy")
    session.add_all([police_unit, centre])
    session.add(SecurityPolicy(commune_id=commune.id, decision_number="07/QĐ-UBND", title="Quy chế bảo đảm an ninh mạng",
                               issued_on=date(2026, 9, 1), created_at=NOW))
    session.flush()
    system = InformationSystem(
        commune_id=commune.id, code="MOTCUA", name=nfd("Hệ thống một cửa điện tử\x07 của ") + nfd(name),
        unit_id=centre.id, system_type="citizen_service", information_types=["public", "personal"],
        personal_data_subjects=120_000, purpose=nfd("Tiếp nhận hồ sơ\x0b thủ tục hành chính"), scope="Toàn phường",
        scale="30 máy trạm", users_served="Người dân", owner_name=f"Ủy ban nhân dân {kind_word(kind)} {name.lower()}",
        owner_functions="Cơ quan hành chính nhà nước ở địa phương", owner_representative="Nguyễn Thị Ánh",
        operator_name=LONG_UNIT, operator_representative="Vũ Minh Châu", operator_address="Số 1 Trần Hưng Đạo",
        operator_phone="0203 111 222", operator_email="motcua@example.vn", operator_functions="Một cửa",
        created_at=NOW, updated_at=NOW)
    system.components.append(SystemComponent(kind="equipment", name=nfd("Tường lửa\x07"), component_type="UTM"))
    session.add(system)
    session.flush()
    dossier = Dossier(system_id=system.id, commune_id=commune.id, regime="nd331-2026", state="approved",
                      determined_level=3, proposed_level=3, answers={},
                      reasons=[{"level": 3, "article": "Đ13.2.b", "text": "Hệ thống thông tin giải quyết thủ tục hành chính",
                                "criterion_id": "nd331.l3.admin_procedures"}],
                      risks="Mã độc tống tiền\x07\nLộ lọt dữ liệu", submitted_at=NOW - timedelta(days=30),
                      request_number="07/TTPVHCC", request_on=date(2026, 10, 27), appraisal_result="phu_hop",
                      appraisal_text=nfd("Cấp độ đề xuất phù hợp"), appraisal_by=f"{police} (đơn vị chuyên trách)",
                      appraisal_on=date(2026, 11, 5), appraisal_number="03/CAP", appraisal_method="Họp thẩm định",
                      appraisal_design_opinion="Phù hợp", appraisal_operation_opinion="Phù hợp",
                      decision_number="41/QĐ-UBND", decision_on=date(2026, 11, 20),
                      decision_signer=nfd("Trần Văn Đức\x1f"), created_at=NOW, updated_at=NOW)
    session.add(dossier)
    session.flush()
    system.approved_level, system.approval_decision_number = 3, "41/QĐ-UBND"
    system.approval_decision_on = date(2026, 11, 20)
    session.flush()
    return commune


def kind_word(kind: str) -> str:
    return {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}[kind]


@pytest.fixture
def hostile(app, demo_data, make_user):
    session = demo_data
    law = app.extensions["ir_law"]
    province = session.scalar(select(Organisation).where(Organisation.code == "31"))
    ward = _hostile_commune(session, law, province, code="99001", slug="hong-hai", name="Hồng Hải", kind="phuong",
                            police="Công an xã", signer="deputy", unit_signer="deputy")
    island = _hostile_commune(session, law, province, code="99002", slug="van-don", name="Vân Đồn", kind="dac_khu",
                              police="Công an đặc khu", signer="head", unit_signer="acting")
    session.commit()
    officer = make_user(Role.OFFICER, organisation=ward)
    incident = quick_report(session, officer, ward, NOW, category="data_breach",
                            what="Danh sách người dân bị đăng lên mạng")
    values = dict(personal_data_involved=True, personal_data_kinds=nfd("Họ tên, số CCCD\x07"),
                  personal_data_subjects=1250, cause=nfd("Gửi nhầm tệp\x0c"), impact="1.250 người dân",
                  measures="Gỡ bài đăng", contact_person="Phạm Thu Hà", description=nfd("Tệp bị đăng\x1b lúc 08:15"),
                  current_situation="Đã gỡ", notified_parties="Công an phường", detection_method="Người dân báo",
                  technical_details="Không", support_request="Không", severity_reason="Lộ dữ liệu",
                  resolution="Đã xử lý", lessons_learned="Rà soát quy trình", reporter_contact="0912 000 111",
                  related_parties="Nhóm Zalo tổ dân phố", resolved_at=NOW + timedelta(hours=5))
    for key, value in values.items():
        if hasattr(incident, key):
            setattr(incident, key, value)
    session.commit()
    record_report(session, officer, incident, NOW + timedelta(hours=3), "nd331-report-72h",
                  reference_number="05/BC-UBND")
    return {"communes": [ward, island], "incident": incident}


# --------------------------------------------------------------------------- rendering everything
def _catalogue(app):
    folder = app.config["IR_LEVEL_DOSSIERS_DIR"]
    return load_documents(folder / "documents.yaml", folder / "templates")


def render_all(app, session, communes: list[Organisation], incidents: list[Incident]) -> list[Rendered]:
    law = app.extensions["ir_law"]
    catalogue = _catalogue(app)
    out: list[Rendered] = []
    commune_ids = [c.id for c in communes]
    for dossier in session.scalars(select(Dossier).where(Dossier.commune_id.in_(commune_ids))):
        records = documents.load_dossier(session, dossier.id, law)
        for status in documents.dossier_documents(catalogue, records, law, NOW):
            context = documents.dossier_context(records, status.spec, law, NOW)
            later = documents.dossier_context(records, status.spec, law, LATER)
            out.append(_rendered(session, catalogue, status.spec, context, later, dossier.commune,
                                 f"{dossier.commune.slug}-{dossier.system.code}-{status.spec.key}", status.ready))
    spec = catalogue.get("nd331-2026", "annual_report_mau08")
    for commune in communes:
        context = annual_report.annual_report_context(session, commune, spec, 2026, NOW, law)
        later = annual_report.annual_report_context(session, commune, spec, 2026, LATER, law)
        assert annual_report.consistency_problems(context["annual_report"]) == []
        out.append(_rendered(session, catalogue, spec, context, later, commune, f"{commune.slug}-mau08", True))
    data = response_data()
    for incident in incidents:
        for key in offered_documents(incident):
            context = incident_context(key, incident, data, NOW)
            assert incident_context(key, incident, data, LATER)["number_line"] == context["number_line"]
            out.append(Rendered(f"{incident.commune.slug}-{incident.code}-{key}",
                                render_report(DOCUMENTS[key].template, context, data.folder / "reports"),
                                incident.commune, context["signer_role"].splitlines()[0], context["signer_name"],
                                # a demo report generated early leaves dotted lines to complete by hand
                                complete=incident.commune.code in HOSTILE_CODES))
    for commune in communes:
        summary = summarise(session, commune, period_of("month", NOW.date()), NOW, data)
        context = summary_context(summary, data, NOW)
        out.append(Rendered(f"{commune.slug}-tong-hop-su-co", render_report("summary", context, data.folder / "reports"),
                            commune, context["signer_role"].splitlines()[0], context["signer_name"]))
    return out


def _rendered(session, catalogue, spec, context, later, commune, name, complete) -> Rendered:
    from ir_app.documents import to_template_dict

    values, again = to_template_dict(context), to_template_dict(later)
    # the same records give the same number and date, whenever the document is exported
    assert (values["document"]["number_text"], values["document"]["place_date_text"]) == \
        (again["document"]["number_text"], again["document"]["place_date_text"]), name
    signer = values["document"]["signer"]
    first = (signer["authority"] or signer["position"]).splitlines()[0] if (signer["authority"] or signer["position"]) \
        else ""
    return Rendered(name, documents.render_one(session, catalogue, spec, context), commune, first, signer["name"],
                    complete, values["document"]["number_text"], values["document"]["place_date_text"])


def _check(rendered: Rendered) -> list[str]:
    text = text_of(rendered.data)
    problems = [f"{rendered.name}: {word!r}" for word in FORBIDDEN if word in text]
    name = unicodedata.normalize("NFC", rendered.commune.name)
    if name.lower() != name and name.lower() in text:
        problems.append(f"{rendered.name}: tên «{name}» bị viết thường")
    if re.search(r"(Ủy ban nhân dân|UBND|Công an) (Xã|Phường|Đặc khu) ", text):
        problems.append(f"{rendered.name}: «Xã/Phường» viết hoa giữa câu")
    if rendered.commune.commune_type == "phuong" and "Công an xã" in text:
        problems.append(f"{rendered.name}: «Công an xã» trong văn bản của phường")
    if rendered.commune.commune_type == "dac_khu" and "Công an xã" in text:
        problems.append(f"{rendered.name}: «Công an xã» trong văn bản của đặc khu")
    if rendered.complete and re.search("……", text):
        problems.append(f"{rendered.name}: còn dòng chấm để điền tay")
    if rendered.number_line and rendered.number_line not in text:
        problems.append(f"{rendered.name}: thiếu dòng số {rendered.number_line!r}")
    if rendered.date_line and rendered.date_line not in text:
        problems.append(f"{rendered.name}: thiếu dòng ngày {rendered.date_line!r}")
    if re.search(r"tháng 0[3-9]\b", text):  # NĐ 30: only months 1 and 2 take a leading zero
        problems.append(f"{rendered.name}: tháng 3–9 có số 0 phía trước")
    if not has_page_numbers(rendered.data):
        problems.append(f"{rendered.name}: không có số trang")
    problems += [f"{rendered.name}: {p}" for p in text_problems(rendered.data) + order_problems(rendered.data)]
    return problems


@pytest.fixture
def everything(app, hostile, demo_data) -> list[Rendered]:
    session = demo_data
    demo_communes = list(session.scalars(select(Organisation).where(Organisation.kind == "commune",
                                                                    Organisation.code.notin_(["99001", "99002"]))))
    incidents = list(session.scalars(select(Incident)))
    return render_all(app, session, demo_communes + hostile["communes"], incidents)


def test_every_document_type_from_demo_and_hostile_data_reads_right(everything):
    kinds = {item.name.rsplit("-", 1)[-1] for item in everything}
    assert {"mau02", "mau04", "mau05", "mau06", "thuyet_minh", "mau08"} <= {k.split("-")[-1] for k in kinds} | kinds
    assert any("thong-bao-vi-pham-dlcn" in item.name for item in everything)
    problems = [problem for item in everything for problem in _check(item)]
    assert problems == [], "\n".join(problems)


def test_hostile_names_are_cleaned_and_signers_follow_nd30(everything):
    ward = {item.name: text_of(item.data) for item in everything if item.name.startswith("hong-hai-")}
    decision = ward["hong-hai-MOTCUA-mau06"]
    assert "Ủy ban nhân dân phường Hồng Hải" in decision and "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HỒNG HẢI" in decision
    assert "KT. CHỦ TỊCH" in decision and "PHÓ CHỦ TỊCH" in decision and "Trần Văn Đức" in decision
    assert "Số: 41/QĐ-UBND" in decision and "Hồng Hải, ngày 20 tháng 11 năm 2026" in decision
    appraisal = ward["hong-hai-MOTCUA-mau04"]
    assert "Công an phường Hồng Hải" in appraisal and "KT. TRƯỞNG CÔNG AN PHƯỜNG" in appraisal
    assert "PHÓ TRƯỞNG CÔNG AN PHƯỜNG" in appraisal and "Hoàng Thị Lan" in appraisal
    assert "Hình thức thẩm định: Họp thẩm định" in appraisal
    heading = decision.split("CỘNG HÒA")[0]
    assert heading.count("\n") <= 8  # a 200-character unit name never makes a 15-line heading
    island = {item.name: text_of(item.data) for item in everything if item.name.startswith("van-don-")}
    assert "Q. TRƯỞNG CÔNG AN ĐẶC KHU" in island["van-don-MOTCUA-mau04"]
    assert "Ủy ban nhân dân đặc khu Vân Đồn" in island["van-don-MOTCUA-mau06"]
    assert "điểm b khoản 2 Điều 13" in ward["hong-hai-MOTCUA-thuyet_minh"]
    assert "85/2016" not in ward["hong-hai-MOTCUA-thuyet_minh"]


def test_nd356_breach_notice_carries_every_heading_and_label_of_the_form(everything):
    from pathlib import Path

    source = next((folder / "shared" / "legal" / "nd-356-2025.txt" for folder in Path(__file__).resolve().parents
                   if (folder / "shared" / "legal" / "nd-356-2025.txt").exists()), None)
    notice = next(item for item in everything if item.name.endswith("thong-bao-vi-pham-dlcn")
                  and item.name.startswith("hong-hai"))
    text = text_of(notice.data)
    for label in form_labels(source):
        assert label in text, label


def form_labels(source) -> list[str]:
    """Headings and field labels of NĐ 356/2025 Mẫu số 08 (from the decree's text when present)."""
    if source is not None:
        body = source.read_text(encoding="utf-8").split("\nMẫu số 08\n")[1].split("Tải biểu mẫu")[0]
        labels = []
        for line in body.splitlines():
            line = line.strip()
            match = re.match(r"^(?:- )?([^.…:]+?):", line)
            if re.match(r"^\d\. ", line):
                labels.append(line)
            elif match and "Nơi nhận" not in line and not line.startswith("Số"):
                labels.append(match.group(1).strip())
        labels += ["THÔNG BÁO", "VI PHẠM QUY ĐỊNH BẢO VỆ DỮ LIỆU CÁ NHÂN"]
        return labels
    return ["THÔNG BÁO", "VI PHẠM QUY ĐỊNH BẢO VỆ DỮ LIỆU CÁ NHÂN", "1. Thông tin về tổ chức, doanh nghiệp",
            "Mã số thuế", "Địa chỉ trụ sở giao dịch", "2. Mô tả hành vi vi phạm quy định bảo vệ dữ liệu cá nhân",
            "Email", "3. Tài liệu kèm theo", "4. Cam kết"]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) không có: bỏ qua kiểm tra dàn trang PDF")
def test_signature_blocks_never_stand_alone_and_mau08_has_no_blank_page(everything, tmp_path):
    import os
    from pathlib import Path

    folder = Path(os.environ.get("IR_TEST_PDF_DIR") or tmp_path / "pdf")  # keep the PDFs to look at them
    pages = pdf_pages({item.name: item.data for item in everything}, folder)
    problems = []
    for item in everything:
        if item.signer_name:
            problem = signature_problem(pages[item.name], item.signer_first_line, item.signer_name)
            if problem:
                problems.append(f"{item.name}: {problem}")
        if item.name.endswith("mau08") and blank_pages(pages[item.name]):
            problems.append(f"{item.name}: trang trắng {blank_pages(pages[item.name])}")
    assert problems == [], "\n".join(problems)
