"""Security headers on every response, and NUL bytes refused at the edge."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_babel import gettext

from ir_app.web.errors import render_error

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("IR_SECURE_COOKIES"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if response.mimetype == "text/html" or _is_download(response):
            # Pages and files hold a commune's records: no copy left in a shared PC's or proxy's cache.
            response.headers["Cache-Control"] = "no-store"
        return response


def _is_download(response: Response) -> bool:
    return response.headers.get("Content-Disposition", "").lower().startswith("attachment")


def refuse_nul_bytes():
    """A NUL byte in a path, query, form or JSON body is refused before any view sees it.

    No real input holds one (it comes from fuzzers or a broken copy and paste), SQLite would
    keep it and then a restore into PostgreSQL fails, and PostgreSQL itself refuses it."""
    if not _carries_nul():
        return None
    return render_error(400, gettext("Dữ liệu gửi lên có ký tự NUL (mã 0) không hợp lệ, thường do sao chép "
                                     "từ phần mềm khác. Hãy xóa ký tự đó rồi gửi lại."))


def _carries_nul() -> bool:
    if "\x00" in request.path:
        return True
    if any(_has_nul(key) or _has_nul(value) for key, value in request.args.items(multi=True)):
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if any(_has_nul(key) or _has_nul(value) for key, value in request.form.items(multi=True)):
            return True
        if any(_has_nul(upload.filename or "") for upload in request.files.values()):
            return True
        if request.is_json and _has_nul(request.get_json(silent=True)):
            return True
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False
