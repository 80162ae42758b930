"""The OpenAPI 3.1 document generated from the views (flask-smorest + apispec), and a page that
shows it without any script or CDN: a commune PC may have no Internet access."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, render_template
from marshmallow import Schema, fields

from ir_app.web.api.core import ApiBlueprint, no_token

bp = ApiBlueprint("api_v1_docs", __name__, description="Tài liệu API")
METHODS = ("get", "post", "put", "patch", "delete")


class ProblemSchema(Schema):
    """RFC 9457 problem details; `title`/`detail` in Vietnamese, English with Accept-Language: en."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "Lỗi theo từng trường"})


def spec_dict() -> dict[str, Any]:
    return current_app.extensions["ir_api"].spec.to_dict()


@bp.get("/openapi.json")
@no_token
@bp.doc(security=[])
def openapi_document():
    """Tài liệu OpenAPI 3.1 của API (sinh từ mã nguồn)."""
    return jsonify(spec_dict())


@bp.get("/docs")
@no_token
@bp.doc(security=[])
def docs_page():
    """Trang xem tài liệu API (không cần Internet)."""
    spec = spec_dict()
    operations = [(path, method, item[method]) for path, item in sorted(spec["paths"].items())
                  for method in METHODS if method in item]
    return render_template("api/docs.html", spec=spec, operations=operations)
