"""The search box in the header: /search?q=… over what the user may read, grouped by kind."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ir_app.domain.text import clean_text
from ir_app.services import search as search_service
from ir_app.services.measures import register
from ir_app.services.authz import Permission
from ir_app.web.access import requires
from ir_app.web.context import db

bp = Blueprint("search", __name__)

GROUP_TITLES = {
    "system": _l("Hệ thống thông tin"),
    "dossier": _l("Hồ sơ cấp độ"),
    "incident": _l("Sự cố"),
    "measure": _l("Biện pháp"),
    "contact": _l("Danh bạ khẩn cấp"),
    "document": _l("Văn bản đã ban hành"),
}


def hit_url(hit: search_service.Hit) -> str | None:
    """Where a hit opens; contacts open their commune's directory."""
    if hit.kind == "system":
        return url_for("inventory.detail", system_id=hit.target_id)
    if hit.kind == "dossier":
        return url_for("dossiers.detail", dossier_id=hit.target_id)
    if hit.kind == "incident":
        return url_for("incidents.detail", incident_id=hit.target_id)
    if hit.kind == "measure":
        return url_for("measures.detail", measure_id=hit.target_id)
    if hit.kind == "contact":
        return url_for("contacts.index", commune=hit.commune_code)
    if hit.kind == "document" and hit.target_id is not None:
        return url_for("documents.index", dossier_id=hit.target_id)
    return None


def hit_detail(hit: search_service.Hit) -> str:
    """States and statuses are shown by their label, never by their stored key."""
    if hit.kind == "dossier":
        return current_app.extensions["ir_law"].workflow.state(hit.detail).title
    if hit.kind == "measure":
        return dict(register.STATUS_CHOICES).get(hit.detail, hit.detail)
    return hit.detail


@bp.get("/search")
@requires(Permission.VIEW)
def index():
    text = clean_text(request.args.get("q", ""), multiline=False)[:search_service.QUERY_MAX_LENGTH]
    results = search_service.search(db(), current_user, text)
    many_communes = len({hit.commune_code for hits in results.groups.values() for hit in hits}) > 1
    return render_template("search/index.html", results=results, titles=GROUP_TITLES, hit_url=hit_url,
                           hit_detail=hit_detail, many_communes=many_communes)
