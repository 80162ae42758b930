"""Vietnamese labels for the codes stored in records (system types, statuses, results…)."""
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
