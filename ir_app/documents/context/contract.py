"""The frozen dataclasses a DOCX template may use, with their derived fields."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

from ir_app.documents.context.labels import (
    _CONCLUSION_ALIASES,
    APPROVAL_STATUS_LABELS,
    CONCLUSION_LABELS,
    DEPLOYMENT_LABELS,
    GROUP_LABELS,
    INFORMATION_LABELS,
    PLAN_STATUS_LABELS,
    REVIEW_DONE_LABELS,
    REVIEW_KIND_LABELS,
    REVIEW_RESULT_LABELS,
    SEVERITY_LABELS,
    SYSTEM_TYPE_LABELS,
)
from ir_app.documents.context.legal import DEFAULT_REGIME, REGIMES, regime_texts
from ir_app.documents.text import level_text, number_text, vn_date, vn_date_text


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
        texts = regime_texts(self.id)
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
        # Mẫu 08 chú thích cột (12): "để trống nếu chưa thực hiện".
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

