"""The context contract: exactly what a DOCX template may use.

Services build a plain dict (record -> context -> template); ``context_from_dict`` checks it
against these frozen dataclasses (unknown keys are an error, missing keys take their empty
default) and ``to_template_dict`` turns the result back into the plain nested dict that the
sandboxed Jinja environment sees. Fields marked ``derived`` are computed here (labels, the
"Số: …" line, the place-and-date line) and are ignored when given.

``sample_context(level)`` builds realistic demo data (xã Vĩnh Lại, Hải Phòng; the one-stop-shop
at level 3) used to test-render uploaded templates; ``field_reference()`` lists every field for
template authors (also written to level_dossiers/templates/README.md).
"""
from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Mapping

from ir_app.documents.text import (
    level_text,
    number_text,
    split_number,
    vn_date,
    vn_date_text,
)

DEFAULT_REGIME = "nd331-2026"
REGIMES = ("nd331-2026", "nd85-2016")

SYSTEM_TYPE_LABELS = {
    "internal": "Hệ thống thông tin phục vụ hoạt động nội bộ",
    "citizen_service": "Hệ thống thông tin phục vụ người dân, doanh nghiệp",
    "infrastructure": "Hệ thống cơ sở hạ tầng thông tin",
    "industrial_control": "Hệ thống thông tin điều khiển công nghiệp",
    "other": "Hệ thống thông tin khác",
}
INFORMATION_LABELS = {
    "public": "thông tin công cộng",
    "private": "thông tin riêng",
    "personal": "thông tin cá nhân",
    "state_secret": "thông tin bí mật nhà nước",
}
GROUP_LABELS = {"management": "Quản lý", "technical": "Kỹ thuật"}
# Codes as stored by ir_app.models.dossiers (PLAN_STATUSES, Dossier.appraisal_result).
PLAN_STATUS_LABELS = {
    "met": "Đã đáp ứng",
    "partly": "Đáp ứng một phần",
    "not_met": "Chưa đáp ứng",
    "not_applicable": "Không áp dụng",
}
CONCLUSION_LABELS = {"phu_hop": "phù hợp", "chua_phu_hop": "chưa phù hợp"}
_CONCLUSION_ALIASES = {"suitable": "phu_hop", "unsuitable": "chua_phu_hop"}
REVIEW_KIND_LABELS = {
    "periodic": "Định kỳ",
    "pre_operation": "Trước khi đưa vào sử dụng",
    "ad_hoc": "Đột xuất",
    "on_request": "Theo yêu cầu của cơ quan có thẩm quyền",
}
REVIEW_RESULT_LABELS = {
    "pass": "Đạt yêu cầu",
    "partial": "Đạt một phần, cần khắc phục các tồn tại",
    "fail": "Chưa đạt yêu cầu",
}
SEVERITY_LABELS = {"high": "Cao", "medium": "Trung bình", "low": "Thấp"}
# Mẫu số 08, chú thích cột (6), (10), (12).
APPROVAL_STATUS_LABELS = {
    "drafting": "Đang dự thảo",
    "submitted": "Đã gửi thẩm định",
    "appraised": "Đã thẩm định",
    "approved": "Đã được phê duyệt",
}
DEPLOYMENT_LABELS = {
    "none": "Chưa triển khai",
    "partial": "Đã triển khai một số hạng mục",
    "full": "Đã triển khai đầy đủ",
}
REVIEW_DONE_LABELS = {"pre_operation": "Trước khi đưa vào sử dụng", "periodic": "Định kỳ"}

# NĐ 331 Đ29.2 (= NĐ 85 Đ19.2): the seven parts of the protection plan, letters as in the decree.
PLAN_PARTS = ("design_build", "operation", "check_assess", "risk_management", "monitoring",
              "backup_response_recovery", "end_of_operation")
PLAN_LETTERS = ("a", "b", "c", "d", "đ", "e", "g")
PLAN_PART_TITLES = {
    "nd331-2026": (
        "Bảo đảm an ninh mạng trong thiết kế, xây dựng",
        "Bảo đảm an ninh mạng hệ thống thông tin trong quá trình vận hành",
        "Kiểm tra, đánh giá an ninh mạng",
        "Quản lý rủi ro an ninh mạng",
        "Giám sát an ninh mạng",
        "Dự phòng, ứng phó sự cố an ninh mạng, khôi phục sau thảm họa",
        "Kết thúc vận hành, khai thác, thanh lý, hủy bỏ",
    ),
    "nd85-2016": (
        "Bảo đảm an toàn hệ thống thông tin trong khâu thiết kế, xây dựng",
        "Bảo đảm an toàn hệ thống thông tin trong quá trình vận hành",
        "Kiểm tra, đánh giá an toàn thông tin",
        "Quản lý rủi ro an toàn thông tin",
        "Giám sát an toàn thông tin",
        "Dự phòng, ứng cứu sự cố, khôi phục sau thảm họa",
        "Kết thúc vận hành, khai thác, thanh lý, hủy bỏ",
    ),
}
_REGIME_TEXTS = {
    "nd331-2026": {
        "short_title": "NĐ 331/2026",
        "law": "Luật An ninh mạng số 116/2025/QH15",
        "decree": "Nghị định số 331/2026/NĐ-CP ngày 19 tháng 8 năm 2026 của Chính phủ về bảo vệ "
                  "an ninh mạng đối với hệ thống thông tin",
        "security_term": "an ninh mạng",
    },
    "nd85-2016": {
        "short_title": "NĐ 85/2016",
        "law": "Luật An toàn thông tin mạng ngày 19 tháng 11 năm 2015",
        "decree": "Nghị định số 85/2016/NĐ-CP ngày 01 tháng 7 năm 2016 của Chính phủ về bảo đảm "
                  "an toàn hệ thống thông tin theo cấp độ",
        "security_term": "an toàn thông tin",
    },
}
_CIRCULAR_85 = ("Thông tư số 12/2022/TT-BTTTT ngày 12 tháng 8 năm 2022 của Bộ trưởng Bộ Thông tin "
                "và Truyền thông quy định chi tiết và hướng dẫn một số điều của Nghị định số "
                "85/2016/NĐ-CP ngày 01 tháng 7 năm 2016 của Chính phủ về bảo đảm an toàn hệ thống "
                "thông tin theo cấp độ")


class ContextError(ValueError):
    """The dict given for a document does not fit the contract; names the field."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _f(vi: str, default: Any = "", *, derived: bool = False) -> Any:
    """A contract field with its Vietnamese description (shown in the field reference)."""
    meta = {"vi": vi, "derived": derived}
    if isinstance(default, type):
        return field(default_factory=default, metadata=meta, init=not derived)
    return field(default=default, metadata=meta, init=not derived)


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _labels(codes: tuple[str, ...], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(code, code) for code in codes)


# --------------------------------------------------------------------------- the contract
@dataclass(frozen=True)
class RegimeInfo:
    id: str = _f("Mã chế độ: nd331-2026 (Luật An ninh mạng, NĐ 331/2026) hoặc nd85-2016 (chế độ cũ)",
                 DEFAULT_REGIME)
    short_title: str = _f("Tên ngắn của chế độ, ví dụ \"NĐ 331/2026\"", derived=True)
    law: str = _f("Luật làm căn cứ", derived=True)
    decree: str = _f("Nghị định hướng dẫn (số, ngày, trích yếu)", derived=True)
    security_term: str = _f("Thuật ngữ của chế độ: \"an ninh mạng\" hoặc \"an toàn thông tin\"",
                            derived=True)

    def __post_init__(self) -> None:
        texts = _REGIME_TEXTS.get(self.id)
        if texts is None:
            raise ContextError("regime.id", f"chế độ '{self.id}' không được hỗ trợ ({', '.join(REGIMES)})")
        for name, value in texts.items():
            _set(self, name, value)


@dataclass(frozen=True)
class Commune:
    name: str = _f("Tên xã/phường, ví dụ \"Vĩnh Lại\"")
    full_name: str = _f("Tên đầy đủ, ví dụ \"xã Vĩnh Lại\"")
    province: str = _f("Tỉnh/thành phố, ví dụ \"thành phố Hải Phòng\"")
    place_name: str = _f("Địa danh ghi trên văn bản (NĐ 30/2020 Phụ lục I, II.4.a)")


@dataclass(frozen=True)
class Party:
    name: str = _f("Tên đầy đủ của cơ quan, tổ chức (chữ thường)")
    header_name: str = _f("Tên in ở tiêu đề văn bản (chữ in hoa; \\n để xuống dòng)")
    parent_name: str = _f("Tên cơ quan, tổ chức chủ quản trực tiếp in phía trên (để trống nếu không có)")
    abbreviation: str = _f("Chữ viết tắt dùng trong ký hiệu văn bản, ví dụ \"UBND\"")
    functions: str = _f("Quy định chức năng, nhiệm vụ và quyền hạn")
    representative: str = _f("Họ và tên người đại diện (người đứng đầu)")
    position: str = _f("Chức vụ của người đại diện")
    address: str = _f("Địa chỉ")
    phone: str = _f("Số điện thoại")
    email: str = _f("Thư điện tử")


@dataclass(frozen=True)
class Signer:
    authority: str = _f("Quyền hạn ký (TM., KT., TL., TUQ., Q.), ví dụ \"TM. ỦY BAN NHÂN DÂN\"; trống nếu ký trực tiếp")
    position: str = _f("Chức vụ người ký (chữ in hoa), ví dụ \"CHỦ TỊCH\"")
    name: str = _f("Họ và tên người ký")


@dataclass(frozen=True)
class DocumentInfo:
    key: str = _f("Khóa văn bản trong documents.yaml, ví dụ \"mau06\"")
    title: str = _f("Tên văn bản")
    form: str = _f("Số mẫu, ví dụ \"Mẫu số 06\" (trống nếu không có mẫu)")
    issuer: Party = _f("Cơ quan ban hành (tiêu đề trái của văn bản)", Party)
    issuing_authority: str = _f("Thẩm quyền ban hành quyết định, ví dụ \"CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ VĨNH LẠI\"")
    number: str = _f("Số văn bản (trống khi văn thư chưa cấp số)")
    symbol: str = _f("Ký hiệu văn bản, ví dụ \"QĐ-UBND\"")
    place: str = _f("Địa danh")
    date: date | None = _f("Ngày ban hành", None)
    addressees: tuple[str, ...] = _f("Kính gửi: danh sách cơ quan nhận", ())
    legal_bases: tuple[str, ...] = _f("Các căn cứ (không có dấu chấm phẩy cuối)", ())
    recipients: tuple[str, ...] = _f("Nơi nhận, trước dòng \"Lưu\" (không có dấu chấm phẩy cuối)", ())
    archive: str = _f("Dòng Lưu: chữ viết tắt nơi lưu, ví dụ \"VT, CAX\"")
    signer: Signer = _f("Người ký", Signer)
    number_text: str = _f("Dòng số, ký hiệu: \"Số: 05/QĐ-UBND\" (số < 10 có số 0 phía trước)", derived=True)
    place_date_text: str = _f("Dòng địa danh, ngày tháng: \"Vĩnh Lại, ngày 05 tháng 3 năm 2026\"", derived=True)

    def __post_init__(self) -> None:
        _set(self, "number_text", number_text(self.number, self.symbol))
        _set(self, "place_date_text", vn_date_text(self.date, self.place))


@dataclass(frozen=True)
class Equipment:
    name: str = _f("Tên thiết bị")
    model: str = _f("Chủng loại")
    location: str = _f("Vị trí triển khai")
    purpose: str = _f("Mục đích sử dụng")


@dataclass(frozen=True)
class Application:
    name: str = _f("Tên ứng dụng, dịch vụ")
    server: str = _f("Máy chủ triển khai")
    location: str = _f("Vị trí triển khai")
    operating_system: str = _f("Hệ điều hành máy chủ")
    purpose: str = _f("Mục đích sử dụng dịch vụ")


@dataclass(frozen=True)
class NetworkZone:
    name: str = _f("Vùng mạng")
    private_ips: str = _f("Địa chỉ IP nội bộ (IP Private)")
    public_ips: str = _f("Địa chỉ IP công khai (IP Public)")
    purpose: str = _f("Mục đích, ghi chú")


@dataclass(frozen=True)
class System:
    code: str = _f("Mã hệ thống trong ứng dụng")
    name: str = _f("Tên hệ thống thông tin")
    purpose: str = _f("Mục đích, chức năng chính")
    system_type: str = _f("Loại hệ thống: internal, citizen_service, infrastructure, industrial_control, other")
    system_type_label: str = _f("Tên loại hệ thống thông tin (NĐ 331 Đ9.2)", derived=True)
    information_types: tuple[str, ...] = _f("Loại thông tin: public, private, personal, state_secret", ())
    information_text: str = _f("Các loại thông tin được xử lý, viết thành câu", derived=True)
    scope: str = _f("Phạm vi của hệ thống")
    scale: str = _f("Quy mô của hệ thống")
    users_served: str = _f("Đối tượng phục vụ")
    personal_data_subjects: int = _f("Số chủ thể dữ liệu cá nhân cơ bản", 0)
    sensitive_data_subjects: int = _f("Số chủ thể dữ liệu cá nhân nhạy cảm", 0)
    hosting: str = _f("Nơi đặt hệ thống (tại chỗ, trung tâm dữ liệu tỉnh, thuê dịch vụ đám mây)")
    domains: str = _f("Tên miền")
    logical_model: str = _f("Mô tả mô hình lô-gic")
    physical_model: str = _f("Mô tả mô hình vật lý")
    equipment: tuple[Equipment, ...] = _f("Danh mục thiết bị và thiết bị mạng chính", ())
    applications: tuple[Application, ...] = _f("Danh mục ứng dụng, dịch vụ", ())
    zones: tuple[NetworkZone, ...] = _f("Quy hoạch vùng mạng và địa chỉ IP", ())

    def __post_init__(self) -> None:
        _set(self, "system_type_label", SYSTEM_TYPE_LABELS.get(self.system_type, self.system_type))
        _set(self, "information_text", _labels(self.information_types, INFORMATION_LABELS))


@dataclass(frozen=True)
class Reason:
    level: int = _f("Cấp độ của tiêu chí", 0)
    article: str = _f("Điều khoản, ví dụ \"Đ13.2.b\"")
    text: str = _f("Nội dung tiêu chí được đáp ứng")
    criterion_id: str = _f("Mã tiêu chí trong tệp chế độ, ví dụ \"nd331.l3.admin_procedures\"")


@dataclass(frozen=True)
class ProposedSystem:
    name: str = _f("Tên hệ thống thông tin")
    level: int | None = _f("Cấp độ đề xuất", None)
    grounds: str = _f("Căn cứ đề xuất")


@dataclass(frozen=True)
class Risk:
    threat: str = _f("Nguy cơ, rủi ro an ninh mạng")
    impact: str = _f("Mức độ ảnh hưởng dự kiến")
    likelihood: str = _f("Khả năng xảy ra")
    measures: str = _f("Biện pháp giảm thiểu")


@dataclass(frozen=True)
class DetailedRisk:
    connected_systems: tuple[str, ...] = _f("Hệ thống liên quan, kết nối (Đ22.5.a)", ())
    attack_threats: str = _f("Nguy cơ tấn công mạng và mức độ ảnh hưởng (Đ22.5.b)")
    impact_scope: str = _f("Phạm vi, mức độ ảnh hưởng tới lợi ích công cộng, trật tự, an ninh (Đ22.5.c)")
    availability_24x7: str = _f("Yêu cầu vận hành 24/7 (Đ22.5.d); trống nếu không áp dụng")


@dataclass(frozen=True)
class PlanItem:
    number: int = _f("Số thứ tự trong toàn phương án", 0)
    code: str = _f("Mã yêu cầu, ví dụ \"QL.CS.1\"")
    group: str = _f("Nhóm: management hoặc technical")
    group_label: str = _f("Tên nhóm: Quản lý, Kỹ thuật", derived=True)
    area: str = _f("Lĩnh vực, ví dụ \"Thiết lập chính sách an toàn thông tin\"")
    title: str = _f("Tên yêu cầu")
    tcvn: str = _f("Mục TCVN 11930:2017 ở cấp độ này")
    text: str = _f("Nội dung yêu cầu (nếu danh mục có)")
    measure: str = _f("Phương án đáp ứng (mô tả cách thực hiện)")
    status: str = _f("Tình trạng: met, partly, not_met, not_applicable")
    status_label: str = _f("Tên tình trạng", derived=True)
    na_reason: str = _f("Lý do không áp dụng (khi tình trạng là not_applicable)")
    responsible: str = _f("Đơn vị, người chịu trách nhiệm")
    due_date: date | None = _f("Thời hạn hoàn thành (nếu chưa đáp ứng)", None)

    def __post_init__(self) -> None:
        _set(self, "group_label", GROUP_LABELS.get(self.group, self.group))
        _set(self, "status_label", PLAN_STATUS_LABELS.get(self.status, self.status))


@dataclass(frozen=True)
class PlanPart:
    id: str = _f("Mã phần: design_build, operation, check_assess, risk_management, monitoring, backup_response_recovery, end_of_operation")
    letter: str = _f("Điểm của khoản 2 Điều 29: a, b, c, d, đ, e, g")
    title: str = _f("Tên phần theo Nghị định")
    requirements: tuple[PlanItem, ...] = _f("Các yêu cầu thuộc phần này", ())


@dataclass(frozen=True)
class Plan:
    standard: str = _f("Tiêu chuẩn quốc gia áp dụng")
    technical_regulation: str = _f("Quy chuẩn kỹ thuật quốc gia (trống nếu chưa có)")
    parts: tuple[PlanPart, ...] = _f("Bảy phần của phương án (NĐ 331 Đ29.2)", ())
    requirement_count: int = _f("Tổng số yêu cầu", 0, derived=True)

    def __post_init__(self) -> None:
        _set(self, "requirement_count", sum(len(part.requirements) for part in self.parts))


@dataclass(frozen=True)
class LetterRef:
    number: str = _f("Số, ký hiệu văn bản, ví dụ \"125/TTPVHCC\"")
    date: date | None = _f("Ngày văn bản", None)


@dataclass(frozen=True)
class PolicyRef:
    decision: str = _f("Số, ký hiệu quyết định ban hành Quy chế")
    date: date | None = _f("Ngày ban hành", None)
    issuer: str = _f("Cơ quan ban hành")
    title: str = _f("Tên Quy chế")
    text: str = _f("Câu trích dẫn đầy đủ (trống nếu chưa ban hành)", derived=True)

    def __post_init__(self) -> None:
        text = ""
        if self.decision:
            text = f"Quyết định số {self.decision}"
            text += f" ngày {vn_date(self.date)}" if self.date else ""
            text += f" của {self.issuer}" if self.issuer else ""
            text += f" ban hành {self.title}" if self.title else ""
        _set(self, "text", text)


@dataclass(frozen=True)
class Appraisal:
    number: str = _f("Số, ký hiệu văn bản ý kiến thẩm định")
    date: date | None = _f("Ngày văn bản ý kiến thẩm định", None)
    lead_unit: str = _f("Đơn vị chủ trì thẩm định")
    cooperating_units: tuple[str, ...] = _f("Đơn vị phối hợp thẩm định", ())
    method: str = _f("Hình thức thẩm định (họp, lấy ý kiến bằng văn bản, cả hai)")
    coordination_summary: str = _f("Tổng hợp ý kiến của đơn vị phối hợp")
    level_opinion: str = _f("Ý kiến về sự phù hợp của đề xuất cấp độ (Đ23.1.a)")
    plan_design_opinion: str = _f("Ý kiến về phương án trong thiết kế (Đ23.1.b)")
    plan_operation_opinion: str = _f("Ý kiến về phương án trong vận hành (Đ23.1.c)")
    other_opinions: str = _f("Ý kiến khác")
    conclusion: str = _f("Kết luận: phu_hop hoặc chua_phu_hop")
    conclusion_text: str = _f("\"phù hợp\" hoặc \"chưa phù hợp\"", derived=True)
    unsuitable_points: tuple[str, ...] = _f("Những nội dung chưa phù hợp", ())

    def __post_init__(self) -> None:
        _set(self, "conclusion", _CONCLUSION_ALIASES.get(self.conclusion, self.conclusion))
        _set(self, "conclusion_text", CONCLUSION_LABELS.get(self.conclusion, self.conclusion))


@dataclass(frozen=True)
class Approval:
    decision_number: str = _f("Số, ký hiệu quyết định phê duyệt, ví dụ \"245/QĐ-UBND\"")
    decision_date: date | None = _f("Ngày ký quyết định phê duyệt", None)
    proposer: str = _f("Xét đề nghị của … (chức danh, đơn vị đề nghị)")
    other_duties: tuple[str, ...] = _f("Nội dung khác đơn vị đề nghị chịu trách nhiệm (Điều 2.1.b)", ())
    other_parties_duties: tuple[str, ...] = _f("Trách nhiệm của cơ quan liên quan khác (Điều 2.2)", ())


@dataclass(frozen=True)
class Dossier:
    proposed_level: int | None = _f("Cấp độ đề xuất (1–5)", None)
    level_text: str = _f("\"cấp độ 3\"", derived=True)
    reasons: tuple[Reason, ...] = _f("Các tiêu chí được đáp ứng (căn cứ đề xuất)", ())
    justification: str = _f("Thuyết minh thêm về căn cứ đề xuất")
    systems: tuple[ProposedSystem, ...] = _f("Danh mục hệ thống và cấp độ tương ứng (Đ22.4.a)", ())
    risks: tuple[Risk, ...] = _f("Nhận diện sơ bộ nguy cơ, rủi ro (Đ22.4.c); trống thì lấy từ risks_text", ())
    risks_text: str = _f("Nguy cơ, rủi ro nhập dạng văn bản, mỗi dòng một nguy cơ")
    detailed_risk: DetailedRisk = _f("Đánh giá rủi ro chi tiết cho cấp độ 4, 5 (Đ22.5)", DetailedRisk)
    national_security_list: bool = _f("Đề nghị đưa vào Danh mục HTTT quan trọng về an ninh quốc gia", False)
    plan: Plan = _f("Phương án bảo đảm an ninh mạng", Plan)
    security_policy: PolicyRef = _f("Quy chế bảo đảm an ninh mạng đã ban hành", PolicyRef)
    request: LetterRef = _f("Công văn đề nghị thẩm định (Mẫu số 01/02)", LetterRef)
    expert_opinion: LetterRef = _f("Ý kiến chuyên môn của đơn vị chuyên trách (cấp độ 4, 5)", LetterRef)
    appraisal: Appraisal = _f("Ý kiến thẩm định", Appraisal)
    approval: Approval = _f("Quyết định phê duyệt", Approval)

    def __post_init__(self) -> None:
        _set(self, "level_text", level_text(self.proposed_level))
        if not self.risks and self.risks_text.strip():
            lines = (line.strip(" -•\t") for line in self.risks_text.splitlines())
            _set(self, "risks", tuple(Risk(threat=line) for line in lines if line))


@dataclass(frozen=True)
class Finding:
    number: int = _f("Số thứ tự", 0)
    requirement: str = _f("Nội dung, yêu cầu được kiểm tra")
    description: str = _f("Tồn tại, điểm yếu phát hiện")
    severity: str = _f("Mức độ: high, medium, low")
    severity_label: str = _f("Tên mức độ", derived=True)
    recommendation: str = _f("Biện pháp khắc phục")
    responsible: str = _f("Đơn vị chịu trách nhiệm")
    due_date: date | None = _f("Thời hạn khắc phục", None)
    status: str = _f("Tình trạng khắc phục")

    def __post_init__(self) -> None:
        _set(self, "severity_label", SEVERITY_LABELS.get(self.severity, self.severity))


@dataclass(frozen=True)
class Review:
    date: date | None = _f("Ngày kiểm tra, đánh giá", None)
    kind: str = _f("Hình thức: periodic, pre_operation, ad_hoc, on_request")
    kind_label: str = _f("Tên hình thức", derived=True)
    assessor: str = _f("Họ tên người thực hiện")
    assessor_unit: str = _f("Đơn vị thực hiện")
    is_independent: bool = _f("Bộ phận thực hiện độc lập với đơn vị vận hành", False)
    independence_text: str = _f("Câu mô tả tính độc lập", derived=True)
    external_org: str = _f("Tổ chức chuyên môn bên ngoài (trống nếu tự đánh giá)")
    scope: tuple[str, ...] = _f("Nội dung kiểm tra, đánh giá", ())
    method: str = _f("Phương pháp, hình thức thực hiện")
    result: str = _f("Kết quả: pass, partial, fail")
    result_label: str = _f("Tên kết quả", derived=True)
    summary: str = _f("Tóm tắt kết quả")
    findings: tuple[Finding, ...] = _f("Tồn tại, điểm yếu và thời hạn khắc phục", ())
    recommendations: tuple[str, ...] = _f("Kiến nghị", ())
    next_due: date | None = _f("Hạn kiểm tra, đánh giá kỳ tiếp theo", None)

    def __post_init__(self) -> None:
        _set(self, "kind_label", REVIEW_KIND_LABELS.get(self.kind, self.kind))
        _set(self, "result_label", REVIEW_RESULT_LABELS.get(self.result, self.result))
        _set(self, "independence_text", (
            "Bộ phận thực hiện độc lập với đơn vị vận hành hệ thống thông tin"
            if self.is_independent else
            "Bộ phận thực hiện không độc lập với đơn vị vận hành hệ thống thông tin"))


@dataclass(frozen=True)
class AnnualTotals:
    systems: int = _f("Tổng số hệ thống thông tin thuộc phạm vi quản lý", 0)
    classified: int = _f("Số hệ thống đã được phân loại", 0)
    dossiers: int = _f("Số hệ thống đã xây dựng hồ sơ đề xuất cấp độ", 0)
    appraised: int = _f("Số hệ thống đã được thẩm định hồ sơ", 0)
    approved: int = _f("Số hệ thống đã được phê duyệt cấp độ", 0)
    reviewed: int = _f("Số hệ thống đã phê duyệt được kiểm tra, đánh giá định kỳ", 0)
    expected_completion: str = _f("Dự kiến thời gian hoàn thành phê duyệt cấp độ cho tất cả hệ thống")


@dataclass(frozen=True)
class AnnualRow:
    number: int = _f("(1) Số thứ tự", 0)
    system_name: str = _f("(2) Tên hệ thống thông tin")
    owner_name: str = _f("(3) Chủ quản hệ thống thông tin")
    operator_name: str = _f("(4) Đơn vị vận hành")
    level: int | None = _f("(5) Cấp độ đề xuất", None)
    approval_status: str = _f("(6) Tình trạng phê duyệt: drafting, submitted, appraised, approved")
    approval_status_label: str = _f("(6) Tên tình trạng phê duyệt", derived=True)
    decision: str = _f("(7) Số, ngày quyết định, cơ quan phê duyệt")
    security_policy: str = _f("(8) Số, ngày quyết định, cơ quan ban hành quy chế")
    expected_approval: str = _f("(9) Dự kiến thời điểm phê duyệt hồ sơ")
    plan_status: str = _f("(10) Triển khai phương án: none, partial, full")
    plan_status_label: str = _f("(10) Tên tình trạng triển khai", derived=True)
    expected_plan_completion: str = _f("(11) Dự kiến thời điểm triển khai đầy đủ phương án")
    reviews: tuple[str, ...] = _f("(12) Đã kiểm tra, đánh giá: pre_operation, periodic", ())
    reviews_label: str = _f("(12) Tên các lần kiểm tra, đánh giá đã thực hiện", derived=True)

    def __post_init__(self) -> None:
        _set(self, "approval_status_label",
             APPROVAL_STATUS_LABELS.get(self.approval_status, self.approval_status))
        _set(self, "plan_status_label", DEPLOYMENT_LABELS.get(self.plan_status, self.plan_status))
        _set(self, "reviews_label", "; ".join(REVIEW_DONE_LABELS.get(r, r) for r in self.reviews))


@dataclass(frozen=True)
class AnnualReport:
    year: int | None = _f("Năm báo cáo", None)
    period_start: date | None = _f("Ngày bắt đầu kỳ số liệu (15/12 năm trước)", None)
    period_end: date | None = _f("Ngày kết thúc kỳ số liệu (14/12)", None)
    period_text: str = _f("\"từ ngày 15/12/2025 đến ngày 14/12/2026\"", derived=True)
    totals: AnnualTotals = _f("Số liệu tổng hợp (mục 1)", AnnualTotals)
    rows: tuple[AnnualRow, ...] = _f("Bảng thông tin chi tiết (mục 3), một dòng một hệ thống", ())

    def __post_init__(self) -> None:
        text = ""
        if self.period_start and self.period_end:
            text = f"từ ngày {vn_date(self.period_start)} đến ngày {vn_date(self.period_end)}"
        _set(self, "period_text", text)


@dataclass(frozen=True)
class DocumentContext:
    generated_at: datetime | None = _f("Thời điểm tạo văn bản (giữ cố định để tạo lại ra cùng tệp)", None)
    regime: RegimeInfo = _f("Chế độ pháp lý của hồ sơ", RegimeInfo)
    commune: Commune = _f("Xã/phường", Commune)
    document: DocumentInfo = _f("Thể thức của văn bản đang tạo", DocumentInfo)
    owner: Party = _f("Chủ quản hệ thống thông tin", Party)
    operator: Party = _f("Đơn vị vận hành hệ thống thông tin", Party)
    specialised_unit: Party = _f("Đơn vị chuyên trách về an ninh mạng", Party)
    appraiser: Party = _f("Cơ quan thẩm định", Party)
    system: System = _f("Hệ thống thông tin", System)
    dossier: Dossier = _f("Hồ sơ đề xuất cấp độ", Dossier)
    review: Review = _f("Lần kiểm tra, đánh giá định kỳ", Review)
    annual_report: AnnualReport = _f("Báo cáo định kỳ hằng năm (Mẫu số 08)", AnnualReport)


# --------------------------------------------------------------------------- dict <-> contract
@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def context_from_dict(raw: Mapping[str, Any] | DocumentContext) -> DocumentContext:
    """Check a plain dict against the contract; unknown keys raise ``ContextError``."""
    if isinstance(raw, DocumentContext):
        return raw
    return _build(DocumentContext, raw, "")


def to_template_dict(context: DocumentContext | Mapping[str, Any]) -> dict[str, Any]:
    """The nested plain dict (lists for tuples) a template sees."""
    return _plain(context_from_dict(context))


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _build(cls: type, raw: Any, path: str) -> Any:
    if isinstance(raw, cls):
        return raw
    if not isinstance(raw, Mapping):
        raise ContextError(path or "$", f"phải là một bảng (dict), nhận được {type(raw).__name__}")
    known = {f.name: f for f in fields(cls)}
    hints = _hints(cls)
    kwargs = {}
    for key, value in raw.items():
        where = f"{path}.{key}" if path else str(key)
        spec = known.get(key)
        if spec is None:
            raise ContextError(where, "trường không có trong hợp đồng dữ liệu của mẫu")
        if spec.init:
            kwargs[key] = _convert(hints[key], value, where)
    try:
        return cls(**kwargs)
    except ContextError:
        raise
    except (TypeError, ValueError) as exc:
        raise ContextError(path or "$", str(exc)) from exc


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        origin = typing.get_origin(hint)
    if origin is tuple:
        if value is None:
            return ()
        if isinstance(value, (str, bytes, Mapping)):
            raise ContextError(path, "phải là một danh sách")
        item_hint = typing.get_args(hint)[0]
        return tuple(_convert(item_hint, item, f"{path}[{i}]") for i, item in enumerate(value))
    if is_dataclass(hint):
        return _build(hint, value if value is not None else {}, path)
    return _scalar(hint, value, path)


def _scalar(hint: Any, value: Any, path: str) -> Any:
    try:
        if hint is str:
            return "" if value is None else str(value)
        if hint is bool:
            return bool(value)
        if hint is int:
            if isinstance(value, bool):
                raise TypeError("bool")
            return 0 if value is None else int(value)
        if hint is datetime:
            return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if hint is date:
            if isinstance(value, datetime):
                return value.date()
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError) as exc:
        raise ContextError(path, f"giá trị không hợp lệ {value!r} ({exc})") from exc
    return value


# --------------------------------------------------------------------------- legal bases
def default_legal_bases(regime: str) -> tuple[str, ...]:
    """The "Căn cứ …" lines of the regime (the issuer adds its own competence basis first)."""
    texts = _REGIME_TEXTS[regime]
    bases = [f"Căn cứ {texts['law']}", f"Căn cứ {texts['decree']}"]
    if regime == "nd85-2016":
        bases.append(f"Căn cứ {_CIRCULAR_85}")
    return tuple(bases)


# --------------------------------------------------------------------------- protection plan
def plan_from_catalogue(catalogue: Any, level: int, regime: str = DEFAULT_REGIME,
                        entries: Mapping[str, Mapping[str, Any]] | None = None,
                        standard: str = "", technical_regulation: str = "") -> Plan:
    """Group the level's requirements into the seven parts of Đ29.2, in catalogue order.

    ``catalogue`` is an ``ir_app.domain.requirements.Catalogue``; ``entries`` maps requirement
    ids to the dossier's answers (measure, status, responsible, due_date).
    """
    entries = entries or {}
    titles = PLAN_PART_TITLES[regime]
    grouped: dict[str, list[Any]] = {part: [] for part in PLAN_PARTS}
    for requirement in catalogue.for_level(level):
        grouped.setdefault(requirement.plan_part, []).append(requirement)
    parts, number = [], 0
    for index, part_id in enumerate(PLAN_PARTS):
        items = []
        for requirement in grouped[part_id]:
            number += 1
            items.append(_plan_item(catalogue, requirement, level, number, entries.get(requirement.id, {})))
        parts.append(PlanPart(id=part_id, letter=PLAN_LETTERS[index], title=titles[index],
                              requirements=tuple(items)))
    return Plan(standard=standard or catalogue.standard, technical_regulation=technical_regulation,
                parts=tuple(parts))


def _plan_item(catalogue: Any, requirement: Any, level: int, number: int,
               entry: Mapping[str, Any]) -> PlanItem:
    area = catalogue.area(requirement.area)
    return PlanItem(
        number=number, code=requirement.id, group=area.group, area=area.title,
        title=requirement.title, tcvn=requirement.tcvn_for(level) or requirement.tcvn or "",
        text=requirement.text or "", measure=str(entry.get("measure", "")),
        status=str(entry.get("status", "")), na_reason=str(entry.get("na_reason", "")),
        responsible=str(entry.get("responsible", "")),
        due_date=entry.get("due_date"),
    )


@lru_cache(maxsize=1)
def shipped_catalogue() -> Any:
    """The TT 12/2022 requirement catalogue shipped with the app (for samples)."""
    from ir_app.config import bundled_root
    from ir_app.datafiles.requirements import load_catalogue

    return load_catalogue(bundled_root() / "level_dossiers" / "requirements" / "tt12-2022.yaml")


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
    unit_term = _REGIME_TEXTS[regime]["security_term"]
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
    term = _REGIME_TEXTS[regime]["security_term"]
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


# --------------------------------------------------------------------------- field reference
@dataclass(frozen=True)
class FieldInfo:
    path: str
    type: str
    description: str
    example: str
    derived: bool = False


def field_reference() -> list[FieldInfo]:
    """Every field a template may use, with its type, meaning and an example (level 3 sample)."""
    sample = to_template_dict(sample_context(3))
    rows: list[FieldInfo] = []
    _walk(DocumentContext, "", sample, rows)
    return rows


def _walk(cls: type, prefix: str, example: Any, rows: list[FieldInfo]) -> None:
    hints = _hints(cls)
    for spec in fields(cls):
        path = f"{prefix}{spec.name}"
        hint = hints[spec.name]
        value = example.get(spec.name) if isinstance(example, Mapping) else None
        kind, inner = _type_name(hint)
        rows.append(FieldInfo(path, kind, spec.metadata.get("vi", ""), _example(value, inner),
                              bool(spec.metadata.get("derived"))))
        if inner is not None and is_dataclass(inner):
            child = value[0] if isinstance(value, list) and value else value
            suffix = "[]." if kind.startswith("danh sách") else "."
            _walk(inner, f"{path}{suffix}", child if isinstance(child, Mapping) else {}, rows)


def _type_name(hint: Any) -> tuple[str, Any]:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        name, inner = _type_name(args[0])
        return f"{name} hoặc trống", inner
    if typing.get_origin(hint) is tuple:
        inner = typing.get_args(hint)[0]
        return ("danh sách bảng" if is_dataclass(inner) else "danh sách chuỗi"), inner
    if is_dataclass(hint):
        return "bảng", hint
    return {str: "chuỗi", int: "số nguyên", bool: "đúng/sai", date: "ngày",
            datetime: "ngày giờ"}.get(hint, getattr(hint, "__name__", str(hint))), None


def _example(value: Any, inner: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, Mapping) or (isinstance(value, list) and inner is not None and is_dataclass(inner)):
        return f"({len(value)} mục)" if isinstance(value, list) else ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value[:2]) + (" …" if len(value) > 2 else "")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\n", "\\n")
    return text if len(text) <= 70 else text[:67] + "…"
