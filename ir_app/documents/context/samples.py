"""Built-in demo data (xã Vĩnh Lại, Hải Phòng) used to test-render templates."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Mapping

from ir_app.documents.context.contract import (
    AnnualReport,
    AnnualRow,
    AnnualTotals,
    Application,
    Appraisal,
    Approval,
    Commune,
    DetailedRisk,
    DocumentContext,
    DocumentInfo,
    Dossier,
    Equipment,
    Finding,
    LetterRef,
    NetworkZone,
    Party,
    Plan,
    PolicyRef,
    ProposedSystem,
    Reason,
    RegimeInfo,
    Review,
    Risk,
    Signer,
    System,
)
from ir_app.documents.context.legal import DEFAULT_REGIME, default_legal_bases, regime_texts
from ir_app.documents.context.plan import plan_from_catalogue, shipped_catalogue
from ir_app.documents.text import level_text, split_number


# --------------------------------------------------------------------------- sample data
_TZ_VN = timezone(timedelta(hours=7))
SAMPLE_GENERATED_AT = datetime(2026, 10, 15, 9, 0, tzinfo=_TZ_VN)
_ADDRESS = "Trụ sở UBND xã Vĩnh Lại, thành phố Hải Phòng"
_PHONE = "0220 3812 345"
_STANDARD = "TCVN 11930:2017"
# "Xét đề nghị của …" in the approval decision, per operator.
_PROPOSERS = {
    "VP": "Chánh Văn phòng HĐND và UBND xã",
    "TTPVHCC": "Giám đốc Trung tâm Phục vụ hành chính công xã",
}


def _sample_parties(level: int, regime: str) -> dict[str, Party]:
    owner = Party(
        name="Ủy ban nhân dân xã Vĩnh Lại", header_name="ỦY BAN NHÂN DÂN\nXÃ VĨNH LẠI",
        abbreviation="UBND",
        functions="Cơ quan hành chính nhà nước ở địa phương; thực hiện chức năng, nhiệm vụ, quyền hạn "
                  "theo Luật Tổ chức chính quyền địa phương",
        representative="Nguyễn Văn Thành", position="Chủ tịch Ủy ban nhân dân xã",
        address=_ADDRESS, phone=_PHONE, email="ubnd.vinhlai@haiphong.gov.vn")
    office = Party(
        name="Văn phòng HĐND và UBND xã Vĩnh Lại", header_name="VĂN PHÒNG HĐND VÀ UBND",
        parent_name="UBND XÃ VĨNH LẠI", abbreviation="VP",
        functions="Tham mưu, tổng hợp; quản lý văn bản, hạ tầng công nghệ thông tin dùng chung của xã",
        representative="Lê Thị Mai", position="Chánh Văn phòng", address=_ADDRESS, phone=_PHONE,
        email="vanphong.vinhlai@haiphong.gov.vn")
    centre = Party(
        name="Trung tâm Phục vụ hành chính công xã Vĩnh Lại",
        header_name="TRUNG TÂM PHỤC VỤ\nHÀNH CHÍNH CÔNG", parent_name="UBND XÃ VĨNH LẠI",
        abbreviation="TTPVHCC",
        functions="Tiếp nhận, giải quyết và trả kết quả thủ tục hành chính theo cơ chế một cửa, một "
                  "cửa liên thông",
        representative="Phạm Thị Hoa", position="Giám đốc Trung tâm", address=_ADDRESS,
        phone="0220 3812 888", email="motcua.vinhlai@haiphong.gov.vn")
    unit_term = regime_texts(regime)["security_term"]
    police = Party(
        name="Công an xã Vĩnh Lại", header_name="CÔNG AN XÃ VĨNH LẠI",
        parent_name="CÔNG AN TP HẢI PHÒNG", abbreviation="CAX",
        functions=f"Bảo đảm an ninh, trật tự; đơn vị chuyên trách về {unit_term} của Ủy ban nhân dân xã",
        representative="Đỗ Minh Tuấn", position="Trưởng Công an xã", address=_ADDRESS,
        phone="0220 3812 113", email="conganxa.vinhlai@haiphong.gov.vn")
    ministry = Party(
        name="Bộ Công an (Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)",
        header_name="CỤC AN NINH MẠNG VÀ PHÒNG, CHỐNG\nTỘI PHẠM SỬ DỤNG CÔNG NGHỆ CAO",
        parent_name="BỘ CÔNG AN", abbreviation="A05", address="Hà Nội")
    return {
        "owner": owner,
        "operator": office if level <= 2 else centre,
        "specialised_unit": police,
        "appraiser": police if level <= 3 else ministry,
    }


# issuer abbreviation -> (signing authority, position, name, authority issuing a decision)
_SIGNERS = {
    "UBND": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Thành", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ VĨNH LẠI"),
    "VP": ("", "CHÁNH VĂN PHÒNG", "Lê Thị Mai", ""),
    "TTPVHCC": ("", "GIÁM ĐỐC", "Phạm Thị Hoa", ""),
    "CAX": ("", "TRƯỞNG CÔNG AN XÃ", "Đỗ Minh Tuấn", "TRƯỞNG CÔNG AN XÃ VĨNH LẠI"),
}


def _sample_system(level: int) -> System:
    if level == 1:
        return System(
            code="TTNB", name="Trang thông tin nội bộ của UBND xã (lịch công tác, bản tin)",
            purpose="Đăng lịch công tác, bản tin, văn bản đã công khai cho cán bộ, công chức",
            system_type="internal", information_types=("public",),
            scope="Nội bộ UBND xã Vĩnh Lại", scale="01 máy chủ ảo; khoảng 60 người dùng",
            users_served="Cán bộ, công chức xã", hosting="Trung tâm dữ liệu thành phố (dùng chung)",
            logical_model="Ứng dụng web một lớp, truy cập qua mạng nội bộ và mạng truyền số liệu chuyên dùng.",
            physical_model="Máy chủ ảo tại Trung tâm dữ liệu thành phố; máy trạm cán bộ tại trụ sở xã.",
            applications=(Application("Trang thông tin nội bộ", "Máy chủ ảo VM-TTNB",
                                      "Trung tâm dữ liệu thành phố", "Ubuntu Server 24.04 LTS",
                                      "Đăng tải lịch công tác, bản tin"),),
            zones=(NetworkZone("Vùng người dùng", "192.168.10.0/24", "", "Máy trạm cán bộ"),))
    if level == 2:
        return System(
            code="QLVB", name="Hệ thống quản lý văn bản và điều hành",
            purpose="Tiếp nhận, xử lý, phát hành văn bản điện tử; ký số",
            system_type="internal", information_types=("public", "private", "personal"),
            personal_data_subjects=60, scope="Các đơn vị thuộc UBND xã Vĩnh Lại",
            scale="Khoảng 60 tài khoản; 12.000 văn bản mỗi năm", users_served="Cán bộ, công chức xã",
            hosting="Trung tâm dữ liệu thành phố (dùng chung)",
            logical_model="Phần mềm dùng chung của thành phố; xã truy cập qua mạng truyền số liệu chuyên dùng.",
            physical_model="Máy chủ đặt tại Trung tâm dữ liệu thành phố; máy trạm, máy quét tại trụ sở xã.",
            equipment=(Equipment("Máy quét tài liệu", "Máy quét A4 tốc độ cao", "Bộ phận văn thư",
                                 "Số hóa văn bản đến"),),
            applications=(Application("Phần mềm quản lý văn bản và điều hành", "Máy chủ ứng dụng thành phố",
                                      "Trung tâm dữ liệu thành phố", "Linux", "Xử lý văn bản điện tử"),),
            zones=(NetworkZone("Vùng người dùng", "192.168.10.0/24", "", "Máy trạm cán bộ"),))
    return System(
        code="MOTCUA", name="Hệ thống thông tin giải quyết thủ tục hành chính (một cửa điện tử)",
        purpose="Tiếp nhận hồ sơ, giải quyết và trả kết quả thủ tục hành chính; kết nối Cổng Dịch vụ "
                "công quốc gia",
        system_type="citizen_service", information_types=("public", "personal"),
        personal_data_subjects=18500, sensitive_data_subjects=350,
        scope="Thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã Vĩnh Lại",
        scale="Khoảng 9.000 hồ sơ mỗi năm; 25 tài khoản cán bộ; dữ liệu của khoảng 18.500 người dân",
        users_served="Người dân, doanh nghiệp; cán bộ Trung tâm Phục vụ hành chính công",
        hosting="Trung tâm dữ liệu thành phố (dùng chung)", domains="dichvucong.haiphong.gov.vn",
        logical_model="Ứng dụng web nhiều lớp (giao diện, nghiệp vụ, cơ sở dữ liệu) của thành phố; kết nối "
                      "Cổng Dịch vụ công quốc gia qua trục liên thông; xã truy cập qua mạng truyền số liệu "
                      "chuyên dùng.",
        physical_model="Máy chủ ứng dụng và cơ sở dữ liệu tại Trung tâm dữ liệu thành phố; tại xã: tường "
                       "lửa biên, bộ chuyển mạch, 04 máy tính tiếp nhận hồ sơ, máy quét.",
        equipment=(
            Equipment("Tường lửa biên", "Firewall UTM", "Phòng máy chủ UBND xã",
                      "Kiểm soát truy cập Internet, mạng truyền số liệu chuyên dùng"),
            Equipment("Bộ chuyển mạch lõi", "Switch L3 24 cổng", "Phòng máy chủ UBND xã",
                      "Chuyển mạch nội bộ"),
            Equipment("Máy tính tiếp nhận hồ sơ (04 máy)", "Máy trạm Windows 11",
                      "Trung tâm Phục vụ hành chính công", "Tiếp nhận, số hóa hồ sơ"),
        ),
        applications=(
            Application("Phần mềm một cửa điện tử", "Máy chủ ứng dụng MC-APP01",
                        "Trung tâm dữ liệu thành phố", "Linux", "Tiếp nhận, xử lý hồ sơ TTHC"),
            Application("Cơ sở dữ liệu hồ sơ TTHC", "Máy chủ cơ sở dữ liệu MC-DB01",
                        "Trung tâm dữ liệu thành phố", "Linux", "Lưu trữ hồ sơ, kết quả giải quyết"),
        ),
        zones=(
            NetworkZone("Vùng người dùng", "192.168.10.0/24", "", "Máy trạm cán bộ"),
            NetworkZone("Vùng tiếp nhận hồ sơ", "192.168.10.50–192.168.10.53", "", "Máy tính một cửa"),
            NetworkZone("Vùng biên Internet", "192.168.1.0/30", "203.113.10.24/29", "Kết nối Internet"),
        ))


def _sample_reasons(level: int, regime: str) -> tuple[Reason, ...]:
    if regime == "nd85-2016":
        table = {
            1: [(1, "Đ7", "Hệ thống phục vụ hoạt động nội bộ của cơ quan, tổ chức và chỉ xử lý thông tin công cộng.")],
            2: [(2, "Đ8.1", "Hệ thống phục vụ hoạt động nội bộ của cơ quan, tổ chức, có xử lý thông tin riêng, thông tin cá nhân của người sử dụng nhưng không xử lý thông tin bí mật nhà nước.")],
            3: [(3, "Đ9.2.a", "Hệ thống phục vụ người dân, doanh nghiệp, cung cấp thông tin và dịch vụ công trực tuyến từ mức độ 3 trở lên."),
                (3, "Đ9.2.c", "Hệ thống phục vụ người dân, doanh nghiệp, cung cấp dịch vụ trực tuyến có xử lý thông tin riêng, thông tin cá nhân của từ 10.000 người sử dụng trở lên.")],
        }
    else:
        table = {
            1: [(1, "Đ11.1", "Hệ thống phục vụ hoạt động nội bộ của cơ quan, tổ chức và chỉ xử lý thông tin công cộng.")],
            2: [(2, "Đ12.1", "Hệ thống phục vụ hoạt động nội bộ của cơ quan, tổ chức, có xử lý thông tin riêng, thông tin cá nhân của người sử dụng nhưng không xử lý thông tin bí mật nhà nước.")],
            3: [(2, "Đ12.2.a", "Hệ thống phục vụ người dân, doanh nghiệp, cung cấp dịch vụ trực tuyến không thuộc danh mục ngành, nghề đầu tư kinh doanh có điều kiện."),
                (3, "Đ13.2.b", "Hệ thống thông tin giải quyết thủ tục hành chính.")],
        }
    rows = list(table[min(level, 3)])
    if level >= 4:
        article = {"nd331-2026": {4: "Đ14.4", 5: "Đ15.5"}, "nd85-2016": {4: "Đ10", 5: "Đ11"}}[regime][level]
        rows.append((level, article, f"Hệ thống được đánh giá rủi ro theo khung quản lý rủi ro và xác "
                                     f"định ở cấp độ {level}."))
    return tuple(Reason(lvl, art, text) for lvl, art, text in rows)


_SAMPLE_RISKS = (
    Risk("Mã độc tống tiền mã hóa dữ liệu hồ sơ", "Cao: gián đoạn tiếp nhận, trả kết quả TTHC",
         "Trung bình", "Sao lưu hằng ngày, bản sao ngoại tuyến; phòng chống mã độc tập trung"),
    Risk("Lộ, lọt dữ liệu cá nhân của người dân", "Cao: vi phạm quy định bảo vệ dữ liệu cá nhân",
         "Trung bình", "Phân quyền theo vai trò; mã hóa đường truyền; ghi nhật ký truy cập"),
    Risk("Tấn công từ chối dịch vụ vào cổng dịch vụ công", "Trung bình: người dân không nộp được hồ sơ",
         "Thấp", "Dùng hạ tầng chống tấn công của Trung tâm dữ liệu thành phố"),
    Risk("Chiếm đoạt tài khoản cán bộ (lừa đảo qua thư điện tử)", "Trung bình: xử lý hồ sơ trái phép",
         "Trung bình", "Xác thực hai yếu tố; tập huấn nhận biết thư lừa đảo"),
)
_AREA_MEASURES = {
    "policy": "Quy chế bảo đảm an ninh mạng của UBND xã quy định nội dung này; rà soát hằng năm",
    "organisation": "Giao Công an xã là đơn vị chuyên trách; phân công cán bộ phụ trách tại Trung tâm",
    "personnel": "Thực hiện theo Quy chế: cam kết bảo mật, tập huấn định kỳ, thu hồi quyền khi nghỉ việc",
    "design_build": "Yêu cầu an ninh mạng được đưa vào hồ sơ thiết kế, hợp đồng và biên bản nghiệm thu",
    "operation": "Quy trình vận hành ban hành kèm Quy chế; nhật ký vận hành được lưu và kiểm tra",
    "risk_management": "Đánh giá rủi ro hằng năm và khi có thay đổi lớn; cập nhật danh mục rủi ro",
    "end_of_operation": "Xóa an toàn dữ liệu, thu hồi thiết bị và lập biên bản khi kết thúc sử dụng",
    "system_design": "Thiết kế của Trung tâm dữ liệu thành phố đáp ứng; xã bổ sung tại mạng biên",
    "network": "Cấu hình trên tường lửa biên và bộ chuyển mạch của xã theo danh mục cấu hình chuẩn",
    "server": "Máy chủ do Trung tâm dữ liệu thành phố quản lý, cấu hình theo hướng dẫn tăng cường bảo mật",
    "application": "Phần mềm dùng chung của thành phố; xã quản lý tài khoản và phân quyền người dùng",
    "data": "Sao lưu tập trung tại Trung tâm dữ liệu thành phố; xã lưu bản sao hồ sơ giấy đã số hóa",
}


def sample_plan(level: int, regime: str = DEFAULT_REGIME) -> Plan:
    """Every requirement of the level, with demo answers (a few still partly met)."""
    catalogue = shipped_catalogue()
    entries = {}
    for index, requirement in enumerate(catalogue.for_level(level)):
        status = "partly" if index % 9 == 4 else "not_met" if index % 17 == 11 else "met"
        entries[requirement.id] = {
            "measure": _AREA_MEASURES.get(requirement.area, "Thực hiện theo Quy chế"),
            "status": status,
            "responsible": "Công an xã" if requirement.area in ("policy", "organisation", "risk_management")
            else "Trung tâm Phục vụ hành chính công",
            "due_date": date(2027, 3, 31) if status != "met" else None,
        }
    return plan_from_catalogue(catalogue, level, regime, entries, standard=_STANDARD)


def _sample_dossier(level: int, regime: str, system: System, parties: Mapping[str, Party]) -> Dossier:
    reasons = _sample_reasons(level, regime)
    grounds = "; ".join(f"{r.article}" for r in reasons if r.level == level)
    term = regime_texts(regime)["security_term"]
    detailed = DetailedRisk()
    if level >= 4:
        detailed = DetailedRisk(
            connected_systems=("Cổng Dịch vụ công quốc gia", "Cơ sở dữ liệu quốc gia về dân cư",
                               "Hệ thống quản lý văn bản và điều hành của thành phố"),
            attack_threats="Tấn công có chủ đích nhằm đánh cắp dữ liệu dân cư; mã độc tống tiền; chiếm "
                           "quyền quản trị qua lỗ hổng ứng dụng web. Mức độ ảnh hưởng: nghiêm trọng.",
            impact_scope="Gián đoạn giải quyết thủ tục hành chính của người dân trên địa bàn; lộ lọt dữ "
                         "liệu cá nhân ảnh hưởng trật tự, an toàn xã hội.",
            availability_24x7="Hệ thống phải vận hành 24/7 để tiếp nhận hồ sơ trực tuyến; không chấp "
                              "nhận ngừng vận hành ngoài kế hoạch.")
    appraiser = parties["appraiser"]
    return Dossier(
        proposed_level=level, reasons=reasons,
        justification=f"Hệ thống đáp ứng tiêu chí {grounds} nên đề xuất {level_text(level)}; "
                      f"theo nguyên tắc lấy cấp độ cao nhất của các tiêu chí được đáp ứng.",
        systems=(ProposedSystem(system.name, level, f"{grounds} — {reasons[-1].text}"),),
        risks=_SAMPLE_RISKS, detailed_risk=detailed, plan=sample_plan(level, regime),
        security_policy=PolicyRef("08/QĐ-UBND", date(2026, 9, 10), "Ủy ban nhân dân xã Vĩnh Lại",
                                  f"Quy chế bảo đảm {term} trong hoạt động của UBND xã Vĩnh Lại"),
        request=LetterRef(f"125/{parties['operator'].abbreviation}", date(2026, 9, 25)),
        expert_opinion=LetterRef("21/CAX", date(2026, 9, 23)) if level >= 4 else LetterRef(),
        appraisal=Appraisal(
            number=f"18/{appraiser.abbreviation}", date=date(2026, 10, 9),
            lead_unit=appraiser.name, cooperating_units=("Văn phòng HĐND và UBND xã Vĩnh Lại",),
            method="Tổ chức họp và lấy ý kiến bằng văn bản",
            coordination_summary="Văn phòng HĐND và UBND xã thống nhất với đề xuất cấp độ và phương án.",
            level_opinion=f"Đề xuất {level_text(level)} là phù hợp với tiêu chí {grounds}.",
            plan_design_opinion=f"Phương án trong thiết kế đáp ứng yêu cầu cơ bản {level_text(level)}.",
            plan_operation_opinion="Phương án trong vận hành đáp ứng; cần hoàn thành các hạng mục còn "
                                   "đáp ứng một phần trước ngày 31/3/2027.",
            other_opinions="Đề nghị tổ chức diễn tập ứng cứu sự cố trong năm 2027.",
            conclusion="phu_hop"),
        approval=Approval(
            decision_number=f"245/QĐ-{'UBND' if level >= 3 else 'CAX'}", decision_date=date(2026, 10, 15),
            proposer=_PROPOSERS[parties["operator"].abbreviation],
            other_duties=("Hoàn thành các hạng mục của phương án còn đáp ứng một phần trước ngày 31/3/2027.",),
            other_parties_duties=("Văn phòng HĐND và UBND xã bố trí kinh phí thực hiện phương án.",)),
    )


def _sample_review(level: int) -> Review:
    return Review(
        date=date(2027, 3, 5), kind="periodic", assessor="Nguyễn Văn Hùng",
        assessor_unit="Công an xã Vĩnh Lại (tổ ứng cứu sự cố)", is_independent=True,
        external_org="" if level < 5 else "Trung tâm kiểm định an ninh mạng được cấp phép",
        scope=("Kiểm tra việc tuân thủ quy định về bảo đảm an ninh mạng theo cấp độ",
               "Đánh giá hiệu quả của các biện pháp theo phương án được phê duyệt",
               "Dò quét lỗ hổng, điểm yếu; kiểm tra mã độc trên máy trạm và máy chủ"),
        method="Kiểm tra hồ sơ, phỏng vấn cán bộ vận hành, dò quét lỗ hổng (hộp xám)",
        result="partial", summary="Hệ thống cơ bản đáp ứng phương án; còn 02 tồn tại cần khắc phục.",
        findings=(
            Finding(1, "Quản lý bản vá", "02 máy trạm tiếp nhận hồ sơ chưa cập nhật bản vá hệ điều hành",
                    "high", "Cập nhật bản vá, bật cập nhật tự động tập trung",
                    "Trung tâm Phục vụ hành chính công", date(2027, 3, 20), "Đang khắc phục"),
            Finding(2, "Sao lưu dữ liệu", "Chưa thử khôi phục bản sao lưu trong quý I/2027", "medium",
                    "Thực hiện thử khôi phục và lập biên bản", "Văn phòng HĐND và UBND",
                    date(2027, 3, 31), "Chưa khắc phục"),
        ),
        recommendations=("Khắc phục các tồn tại đúng thời hạn và báo cáo Công an xã.",
                         "Tổ chức tập huấn nhận biết thư điện tử lừa đảo cho cán bộ một cửa."),
        next_due=date(2028, 3, 5) if level <= 4 else date(2027, 9, 5))


# The commune's seven demo systems (ir_app/services/demo.py) with their levels and states.
_COMMUNE_SYSTEMS = (
    ("QLVB", "Hệ thống quản lý văn bản và điều hành", "Văn phòng HĐND và UBND", 2, "approved", "15/QĐ-CAX ngày 12/03/2024 của Công an xã Vĩnh Lại", "full", ("periodic",)),
    ("MOTCUA", "Hệ thống thông tin giải quyết thủ tục hành chính (một cửa điện tử)", "Trung tâm Phục vụ hành chính công", 3, "approved", "245/QĐ-UBND ngày 15/10/2026 của UBND xã Vĩnh Lại", "partial", ("pre_operation",)),
    ("CONGTTDT", "Cổng thông tin điện tử xã", "Văn phòng HĐND và UBND", 2, "appraised", "", "partial", ()),
    ("EMAIL", "Thư điện tử công vụ", "Văn phòng HĐND và UBND", 2, "submitted", "", "partial", ()),
    ("HOPTT", "Hệ thống họp trực tuyến", "Văn phòng HĐND và UBND", 2, "drafting", "", "none", ()),
    ("LAN", "Mạng nội bộ (LAN) trụ sở UBND", "Văn phòng HĐND và UBND", 2, "drafting", "", "partial", ()),
    ("CAMERA", "Hệ thống camera giám sát an ninh trật tự", "Công an xã", 2, "drafting", "", "none", ()),
)


def sample_commune_systems() -> tuple[tuple[str, str, str, int], ...]:
    """(code, name, operator, level) of the demo commune's seven systems."""
    return tuple((code, name, operator, level) for code, name, operator, level, *_ in _COMMUNE_SYSTEMS)


def _sample_annual_report() -> AnnualReport:
    rows = tuple(
        AnnualRow(number=index, system_name=name, owner_name="UBND xã Vĩnh Lại", operator_name=operator,
                  level=level, approval_status=status, decision=decision,
                  security_policy="08/QĐ-UBND ngày 10/09/2026 của UBND xã Vĩnh Lại",
                  expected_approval="" if status == "approved" else "Quý I/2027",
                  plan_status=plan, expected_plan_completion="" if plan == "full" else "Quý II/2027",
                  reviews=reviews)
        for index, (_, name, operator, level, status, decision, plan, reviews)
        in enumerate(_COMMUNE_SYSTEMS, start=1))
    return AnnualReport(
        year=2026, period_start=date(2025, 12, 15), period_end=date(2026, 12, 14),
        totals=AnnualTotals(systems=7, classified=7, dossiers=4, appraised=3, approved=2, reviewed=1,
                            expected_completion="Quý II/2027"),
        rows=rows)


def _sample_document(doc_key: str, level: int, regime: str, parties: Mapping[str, Party],
                     dossier: Dossier) -> DocumentInfo:
    from ir_app.documents.catalog import load_documents

    spec = load_documents().get(regime, doc_key)
    issuer = parties[spec.issuer_for(level)]
    authority, position, name, decides = _SIGNERS.get(issuer.abbreviation, ("", "", "", ""))
    if spec.kind == "quyet_dinh":
        authority = ""  # the head signs a decision in his own name
    dates = {"cong_van": date(2026, 9, 25), "thuyet_minh": date(2026, 9, 25),
             "to_trinh": date(2026, 10, 12), "quyet_dinh": date(2026, 10, 15),
             "bao_cao": date(2027, 3, 8)}
    issued_on = dates[spec.kind]
    number = "125"
    if spec.key in ("mau04", "appraisal_opinion"):
        number, issued_on = split_number(dossier.appraisal.number)[0], dossier.appraisal.date
    elif spec.kind == "quyet_dinh":
        number = split_number(dossier.approval.decision_number)[0]
    elif spec.key == "annual_report_mau08":
        number, issued_on = "05", date(2026, 12, 18)
    elif spec.kind == "thuyet_minh":
        number = ""
    return DocumentInfo(
        key=spec.key, title=spec.title, form=spec.form or "", issuer=issuer,
        issuing_authority=decides if spec.kind == "quyet_dinh" else "",
        number=number, symbol=spec.symbol.format(issuer=issuer.abbreviation), place="Vĩnh Lại",
        date=issued_on, addressees=_sample_addressees(spec.key, level, parties),
        legal_bases=default_legal_bases(regime),
        recipients=spec.recipients + _sample_recipients(spec.kind),
        archive=f"VT, {issuer.abbreviation}", signer=Signer(authority, position, name))


def _sample_addressees(key: str, level: int, parties: Mapping[str, Party]) -> tuple[str, ...]:
    if key in ("mau01", "mau03", "request_appraisal_approval"):
        return (parties["specialised_unit"].name,)
    if key in ("mau02", "request_appraisal"):
        return (parties["appraiser"].name,)
    if key in ("mau04", "appraisal_opinion"):
        return (parties["owner"].name, parties["operator"].name)
    if key in ("mau05", "submission", "bao_cao_kiem_tra"):
        return (parties["owner"].name,)
    if key == "annual_report_mau08":
        return ("Công an thành phố Hải Phòng (Phòng An ninh mạng và phòng, chống tội phạm sử dụng "
                "công nghệ cao)",)
    return ()


def _sample_recipients(kind: str) -> tuple[str, ...]:
    if kind == "quyet_dinh":
        return ("Công an thành phố Hải Phòng (để báo cáo)", "Chủ tịch, các Phó Chủ tịch UBND xã")
    if kind == "thuyet_minh":
        return ()
    return ("Chủ tịch UBND xã (để báo cáo)",)


def sample_context(level: int = 3, regime: str = DEFAULT_REGIME, doc_key: str | None = None,
                   *, generated_at: datetime | None = None) -> DocumentContext:
    """Demo context: xã Vĩnh Lại (Hải Phòng), the one-stop-shop system at level 3.

    Levels 1 and 2 use the commune's internal systems (a one-stop-shop cannot be below level 3),
    levels 4 and 5 the one-stop-shop as if raised by a risk assessment. ``doc_key`` picks the
    issuer, number and recipients of that document (default: the explanatory dossier).
    """
    if level not in (1, 2, 3, 4, 5):
        raise ValueError(f"cấp độ phải từ 1 đến 5, nhận được {level!r}")
    parties = _sample_parties(level, regime)
    system = _sample_system(level)
    dossier = _sample_dossier(level, regime, system, parties)
    document = _sample_document(doc_key or "thuyet_minh", level, regime, parties, dossier)
    return DocumentContext(
        generated_at=generated_at or SAMPLE_GENERATED_AT, regime=RegimeInfo(regime),
        commune=Commune("Vĩnh Lại", "xã Vĩnh Lại", "thành phố Hải Phòng", "Vĩnh Lại"),
        document=document, system=system, dossier=dossier, review=_sample_review(level),
        annual_report=_sample_annual_report(), **parties)
