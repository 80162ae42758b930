"""What every /api/v1 blueprint shares: bearer-token sign-in, scopes, the rate limit, RFC 9457
problem responses in Vietnamese or English, ETags, and stable opaque cursors.

A request is authenticated by its `Authorization: Bearer irt_…` header only; the token's user is
the current user for that request alone (no session cookie is read or set). CSRF protects a
cookie session's form, so it is skipped when a token is sent, and still checked otherwise.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import Response, current_app, g, jsonify, request
from flask_babel import force_locale, gettext, lazy_gettext
from flask_smorest import Blueprint as SmorestBlueprint
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import Schema, fields, validate
from sqlalchemy import Select
from werkzeug.exceptions import HTTPException

from ir_app.i18n_markers import N_
from ir_app.models import ApiToken
from ir_app.services import api_tokens
from ir_app.services.errors import PermissionDenied, ServiceError, ValidationFailed
from ir_app.web.access import public
from ir_app.web.app import csrf
from ir_app.web.context import client_ip, db, now

PREFIX = "/api/v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PROBLEM_TYPE = "about:blank"
T = TypeVar("T", bound=Callable[..., Any])


class ApiBlueprint(SmorestBlueprint):
    """A flask-smorest blueprint (so the OpenAPI document is generated from its views) that
    authenticates by token, answers errors as problem+json and tags responses with ETags."""

    def __init__(self, name: str, import_name: str, **kwargs: Any):
        kwargs.setdefault("url_prefix", PREFIX)
        super().__init__(name, import_name, **kwargs)
        csrf.exempt(self)
        self.before_request(authenticate)
        self.after_request(add_etag)
        self.register_error_handler(HTTPException, _http_problem)
        self.register_error_handler(ValidationFailed, _validation_problem)
        self.register_error_handler(PermissionDenied, lambda error: problem(403, str(error) or None))
        self.register_error_handler(ServiceError, lambda error: problem(409, str(error)))

    def route(self, rule: str, **options):
        """Every API route is classified @public for the route audit: it checks its token itself."""
        register = super().route(rule, **options)

        def decorate(view):
            return register(public(view))

        return decorate


def needs(scope: str) -> Callable[[T], T]:
    """The token scope a view needs (GET views need "read" unless they say otherwise)."""

    def decorate(view: T) -> T:
        view.api_scope = scope  # type: ignore[attr-defined]
        return view

    return decorate


def no_token(view: T) -> T:
    """The OpenAPI document and its page: readable without a token."""
    view.api_scope = None  # type: ignore[attr-defined]
    return view


# --------------------------------------------------------------------------- sign-in

def bearer_secret() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def authenticate():
    view = current_app.view_functions.get(request.endpoint or "")
    scope = getattr(view, "api_scope", api_tokens.READ)
    if scope is None:
        return None
    secret = bearer_secret()
    if not secret and request.method not in SAFE_METHODS and _has_session_cookie():
        csrf.protect()  # a signed-in browser's POST without a token is a form post: it needs its CSRF token
    if getattr(view, "api_plan_token", False) and not secret.startswith(api_tokens.TOKEN_PREFIX):
        return None  # a backup plan's own secret: the view checks it
    if not secret:
        return problem(401, N_("Thiếu mã truy cập API. Gửi tiêu đề «Authorization: Bearer irt_…»."),
                       headers={"WWW-Authenticate": 'Bearer realm="api"'})
    token = api_tokens.authenticate(db(), secret, now(), client_ip())
    if token is None:
        return problem(401, N_("Mã truy cập API không hợp lệ, đã hết hạn hoặc đã bị thu hồi."),
                       headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
    if not api_tokens.within_rate_limit(db(), token, now(), int(current_app.config.get("IR_API_RATE_LIMIT", 120))):
        return problem(429, N_("Mã truy cập này gửi quá nhiều yêu cầu trong một phút; hãy thử lại sau."),
                       headers={"Retry-After": "60"})
    if not api_tokens.grants(token, scope):
        return problem(403, N_("Mã truy cập không có quyền «%(scope)s» cần cho thao tác này."), scope=scope)
    g.api_token = token
    g._login_user = token.user  # Flask-Login's current_user for this request only
    return None


def _has_session_cookie() -> bool:
    return current_app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies


def current_token() -> ApiToken:
    return g.api_token


def token_actor():
    return api_tokens.actor_of(current_token(), client_ip())


# --------------------------------------------------------------------------- problems (RFC 9457)

def api_language() -> str:
    asked = request.args.get("lang")
    if asked in ("vi", "en"):
        return asked
    return request.accept_languages.best_match(["vi", "en"], default="vi") or "vi"


API_MESSAGES = {
    401: (lazy_gettext("Chưa xác thực"), lazy_gettext("Cần mã truy cập API hợp lệ.")),
    409: (lazy_gettext("Không thực hiện được"), lazy_gettext("Trạng thái hiện tại của bản ghi không cho phép thao tác này.")),
}


def problem(status: int, detail: str | None = None, *, errors: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None, **params: Any) -> Response:
    """An application/problem+json answer. `detail` is a Vietnamese message id (a service's own
    message passes through unchanged): it is translated here, in the caller's language."""
    from ir_app.web.errors import MESSAGES

    with force_locale(api_language()):
        title, default_detail = (str(text) for text in
                                 API_MESSAGES.get(status) or MESSAGES.get(status) or MESSAGES[500])
        body: dict[str, Any] = {"type": PROBLEM_TYPE, "title": title, "status": status,
                                "detail": gettext(detail, **params) if detail else default_detail,
                                "instance": request.path}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers["Content-Language"] = api_language()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_problem(error: HTTPException):
    messages = getattr(error, "data", {}).get("messages") if isinstance(getattr(error, "data", None), dict) else None
    if messages:  # webargs: the query or body did not match the schema
        return problem(error.code or 422, N_("Tham số hoặc nội dung gửi lên không hợp lệ."),
                       errors=_flatten(messages))
    if error.code == 400 and error.description and "CSRF" in str(error.description):
        return problem(400, N_("Thiếu hoặc sai mã CSRF: yêu cầu từ phiên đăng nhập cần mã CSRF; "
                               "tập lệnh hãy dùng mã truy cập API."))
    return problem(error.code or 500)


def _flatten(messages: Any) -> dict[str, Any]:
    # webargs nests by location ({"query": {"limit": [...]}}); callers care about the field.
    if isinstance(messages, dict) and set(messages) <= {"query", "json", "form", "files", "headers", "path"}:
        merged: dict[str, Any] = {}
        for part in messages.values():
            merged.update(part if isinstance(part, dict) else {"_": part})
        return merged
    return messages if isinstance(messages, dict) else {"_": messages}


def _validation_problem(failure: ValidationFailed):
    db().rollback()
    return problem(422, "; ".join(str(message) for message in failure.errors.values()), errors=failure.errors)


# --------------------------------------------------------------------------- ETag

def add_etag(response: Response) -> Response:
    """A strong ETag on every successful read; If-None-Match with it gets 304 and no body."""
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        response.add_etag()
        response.headers.setdefault("Cache-Control", "private, no-cache")
        response.vary.add("Authorization")
        response.vary.add("Accept-Language")
        response = response.make_conditional(request)
    return response


# --------------------------------------------------------------------------- cursors and filters

class PageArgs(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=200),
                           metadata={"description": "Con trỏ `next_cursor` của trang trước (mờ, ổn định)."})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class CommuneArgs(PageArgs):
    commune = fields.String(load_default=None, validate=validate.Length(max=16),
                            metadata={"description": "Mã xã (đơn vị hành chính)."})


class DatedArgs(CommuneArgs):
    state = fields.String(load_default=None, validate=validate.Length(max=32))
    since = fields.Date(load_default=None, metadata={"description": "Từ ngày (YYYY-MM-DD), tính cả ngày đó."})
    until = fields.Date(load_default=None, metadata={"description": "Đến ngày (YYYY-MM-DD), tính cả ngày đó."})


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="ir-api-cursor")


def encode_cursor(kind: str, last_id: int) -> str:
    return str(_serializer().dumps([kind, last_id]))


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = _serializer().loads(cursor)
    except (BadSignature, ValueError, UnicodeError):
        value = None
    if not (isinstance(value, list) and len(value) == 2 and value[0] == kind and type(value[1]) is int):
        raise CursorRefused()
    return value[1]


class CursorRefused(ValidationFailed):
    def __init__(self):
        super().__init__({"cursor": "Con trỏ phân trang không hợp lệ; hãy bắt đầu lại từ trang đầu."})


def cursor_page(kind: str, query: Select, id_column, args: dict[str, Any]) -> dict[str, Any]:
    """Newest first by id: a row added meanwhile never shifts the pages already read."""
    after = decode_cursor(kind, args.get("cursor"))
    if after is not None:
        query = query.where(id_column < after)
    limit = args["limit"]
    rows = list(db().scalars(query.order_by(None).order_by(id_column.desc()).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": encode_cursor(kind, rows[-1].id) if more and rows else None}


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "next_cursor": fields.String(allow_none=True, required=True,
                                     metadata={"description": "null trên trang cuối"}),
    })
