"""Labels that come from the data files (states, actions, categories, severities, playbook titles)
marked for translation, so that an English page shows them in English.

The data files are Vietnamese law and stay so; their English is kept in the catalogue (messages.po)
like every other UI text, and shown through the `|t` filter. tests/web/test_data_labels.py fails when
a data file gains a label that is not listed here.
"""
from __future__ import annotations

from ir_app.i18n_markers import N_

DATA_LABELS: tuple[str, ...] = (
    # Incident lifecycle states (playbooks/lifecycle.yaml)
    N_("Tiếp nhận"),
    N_("Xác minh, phân tích"),
    N_("Ngăn chặn, cô lập"),
    N_("Khắc phục, khôi phục"),
    N_("Xác minh nguyên nhân, truy tìm nguồn gốc"),
    N_("Rút kinh nghiệm"),
    N_("Đã đóng"),
    N_("Không phải sự cố"),
    # Incident lifecycle phases
    N_("Phát hiện, xác định sự cố"),
    N_("Bảo vệ hiện trường, thu thập, bảo quản chứng cứ"),
    N_("Thông báo, báo cáo sự cố"),
    N_("Phân tích, đánh giá, phân loại, xác định mức độ sự cố"),
    N_("Khoanh vùng, cô lập, hạn chế phạm vi ảnh hưởng"),
    N_("Khắc phục, khôi phục hoạt động bình thường"),
    N_("Tổng kết, rút kinh nghiệm"),
    # Incident lifecycle actions
    N_("Xác nhận và bắt đầu xác minh, phân tích"),
    N_("Đóng sự cố"),
    N_("Chuyển sang ngăn chặn, cô lập"),
    N_("Kết luận không phải sự cố — ghi lý do"),
    N_("Quay lại ngăn chặn (tái nhiễm, chưa ổn định) — ghi lý do"),
    N_("Mở lại sự cố — ghi lý do"),
    N_("Báo nhanh sự cố"),
    N_("Chuyển sang khắc phục, khôi phục"),
    N_("Khắc phục ngay (không cần ngăn chặn) — ghi lý do"),
    N_("Chuyển sang rút kinh nghiệm"),
    N_("Rút kinh nghiệm ngay (nguyên nhân đã rõ) — ghi lý do"),
    N_("Chuyển sang xác minh nguyên nhân, truy tìm nguồn gốc"),
    # Incident categories and severities (playbooks/categories.yaml)
    N_("Mã độc tống tiền (ransomware)"),
    N_("Mã độc khác (virus, trojan, mã độc đào tiền ảo, phần mềm gián điệp)"),
    N_("Lừa đảo trực tuyến (phishing), chiếm đoạt tài khoản"),
    N_("Tấn công thay đổi giao diện trang thông tin điện tử"),
    N_("Từ chối dịch vụ (DoS/DDoS), mất kết nối"),
    N_("Lộ, lọt dữ liệu; vi phạm dữ liệu cá nhân"),
    N_("Xâm nhập, truy cập trái phép"),
    N_("Sự cố phần cứng, nguồn điện, thiết bị mạng"),
    N_("Mất, thất lạc thiết bị có dữ liệu (máy tính xách tay, điện thoại, USB)"),
    N_("Sự cố khác"),
    N_("Thông thường"),
    N_("Nghiêm trọng"),
    # Playbook titles (playbooks/*.yaml)
    N_("Lộ, lọt dữ liệu cá nhân của người dân"),
    N_("Lừa đảo (phishing), tài khoản thư điện tử công vụ bị chiếm quyền"),
    N_("Mất điện, hỏng máy chủ hoặc thiết bị mạng"),
    N_("Từ chối dịch vụ (DoS/DDoS), mất kết nối Internet"),
    N_("Mất, bị trộm máy tính xách tay, điện thoại có dữ liệu"),
    N_("Mã độc trên máy Bộ phận một cửa"),
    N_("Truy cập bất thường vào hệ thống giải quyết thủ tục hành chính"),
    N_("Trang thông tin điện tử của xã bị thay đổi giao diện"),
    # Dossier workflow states and actions (level_dossiers/workflow.yaml)
    N_("Đang soạn"),
    N_("Đã nộp — chờ kiểm tra tính hợp lệ"),
    N_("Trả lại để bổ sung, hoàn thiện"),
    N_("Hồ sơ hợp lệ — đang thẩm định"),
    N_("Đã có ý kiến thẩm định"),
    N_("Đã trình — chờ phê duyệt"),
    N_("Đã phê duyệt cấp độ"),
    N_("Đang triển khai phương án bảo đảm an ninh mạng"),
    N_("Đang vận hành — kiểm tra, đánh giá định kỳ"),
    N_("Đã được thay thế bởi hồ sơ mới"),
    N_("Nộp hồ sơ"),
    N_("Hồ sơ hợp lệ — tiếp nhận thẩm định"),
    N_("Trả lại hồ sơ"),
    N_("Ghi ý kiến thẩm định"),
    N_("Sửa hồ sơ theo ý kiến thẩm định"),
    N_("Trình phê duyệt"),
    N_("Phê duyệt cấp độ"),
    N_("Không phê duyệt — trả lại"),
    N_("Bắt đầu triển khai phương án"),
    N_("Hoàn thành triển khai — đưa vào kiểm tra định kỳ"),
)
