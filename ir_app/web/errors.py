"""Vietnamese error pages; a database outage is a 503, never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_ = lazy_gettext
MESSAGES = {
    400: (_("Yêu cầu không hợp lệ"), _("Dữ liệu gửi lên không hợp lệ.")),
    403: (_("Không có quyền truy cập"), _("Tài khoản của bạn không được phép thực hiện thao tác này.")),
    404: (_("Không tìm thấy trang"), _("Trang hoặc bản ghi bạn tìm không tồn tại, hoặc bạn không có quyền xem.")),
    405: (_("Thao tác không được hỗ trợ"), _("Phương thức này không dùng được cho địa chỉ này.")),
    413: (_("Tệp quá lớn"), _("Tệp tải lên vượt quá dung lượng cho phép.")),
    422: (_("Dữ liệu không hợp lệ"),
          _("Dữ liệu gửi lên không lưu được vì có giá trị không hợp lệ (quá lớn, ngoài phạm vi cho phép hoặc "
            "trùng với bản ghi khác). Hãy quay lại, kiểm tra các ô đã nhập rồi gửi lại.")),
    429: (_("Quá nhiều yêu cầu"), _("Bạn thao tác quá nhanh; hãy thử lại sau ít phút.")),
    500: (_("Lỗi hệ thống"), _("Đã có lỗi ngoài ý muốn. Dữ liệu đã lưu trước đó không bị ảnh hưởng; hãy thử lại.")),
    503: (_("Tạm thời không truy cập được cơ sở dữ liệu"),
          _("Máy chủ cơ sở dữ liệu đang không phản hồi. Hệ thống sẽ tự hoạt động lại khi kết nối được khôi phục.")),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status: int, detail: str | None = None):
    if request.path.startswith("/api/v1/"):  # the REST API answers RFC 9457 problem+json
        from ir_app.web.api.core import problem

        return problem(status, detail)
    title, message = (str(text) for text in MESSAGES.get(status, MESSAGES[500]))
    if _wants_json():
        return jsonify(error=title, detail=detail or message), status
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the connection itself may be gone
            log.warning("rollback failed", exc_info=True)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, gettext("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). "
                                         "Hãy tải lại trang và gửi lại."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(IntegrityError)
    @app.errorhandler(DataError)
    def refused_by_database(error: Exception):
        # A value the database's own rules refuse (a CHECK, a range, a duplicate) is an input
        # problem: the database is up, so never answer "database down".
        log.warning("input refused by the database: %s", error)
        _rollback()
        return render_error(422)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_down(error: Exception):
        log.error("database error: %s", error)
        _rollback()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        _rollback()
        return render_error(500)
