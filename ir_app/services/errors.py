"""Errors services raise; the web layer maps them onto forms and status codes."""
from __future__ import annotations


class ServiceError(Exception):
    """A use case refused: the message is shown to the user as is (Vietnamese)."""


class ValidationFailed(ServiceError):
    """Bad input: (field, reason) pairs so a view can put each message next to its field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))


class ConflictError(ServiceError):
    def __init__(self, message: str = "Bản ghi đã được người khác sửa trong lúc bạn đang sửa. "
                 "Hãy tải lại trang để xem bản mới nhất rồi nhập lại thay đổi."):
        super().__init__(message)


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này."):
        super().__init__(message)


class NotFound(ServiceError):
    def __init__(self, message: str = "Không tìm thấy bản ghi."):
        super().__init__(message)
