"""The REST API: /api/v1 (token-authenticated, OpenAPI 3.1 generated from the views) and the old
backup-script address /api/backups/plans/<id>/runs."""
from __future__ import annotations

from http import HTTPStatus

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from ir_app import __version__


PROBLEM_JSON = "application/problem+json"


class SpecApi(Api):
    """flask-smorest for the OpenAPI document and argument parsing only: the app keeps its own
    error pages, and the API blueprints answer errors as problem+json themselves."""

    def _register_error_handlers(self) -> None:
        return None

    def _register_responses(self) -> None:
        """The shared error responses, documented as what they are: application/problem+json."""
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if not 100 <= status < 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def init_app(app: Flask) -> None:
    from ir_app.web.api import account, backups, docs, incidents, legacy, reports, resources

    app.config.update(API_TITLE="ATTT xã API", API_VERSION=f"1 ({__version__})", OPENAPI_VERSION="3.1.0",
                      OPENAPI_URL_PREFIX=None)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "API của ATTT xã. Xác thực bằng mã truy cập cá nhân: "
                                "`Authorization: Bearer irt_…` (tạo tại Tài khoản → Mã truy cập API)."},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
    })
    SpecApi.ERROR_SCHEMA = docs.ProblemSchema
    api = SpecApi()
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "description": "Mã truy cập API (irt_…)"})
    for blueprint in (resources.bp, incidents.bp, backups.bp, reports.bp, docs.bp):
        api.register_blueprint(blueprint)
    app.extensions["ir_api"] = api
    app.register_blueprint(legacy.bp)
    app.register_blueprint(account.bp)
