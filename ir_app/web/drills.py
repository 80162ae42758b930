"""Diễn tập: plan a drill, run it as a practice incident, record its results, download its report."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ir_app.models.drills import Drill
from ir_app.services import audit, drills
from ir_app.services.authz import Permission
from ir_app.services.incidents.documents import render_report
from ir_app.web.access import load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import SimpleForm, expected_version, fill_form, form_values, spec_form, submit
from ir_app.web.incidents.common import DOCX_MIME, attachment, response_data
from ir_app.web.inventory import target_commune
from ir_app.web.local_time import local_zone

bp = Blueprint("drills", __name__, url_prefix="/drills")
ResultForm = spec_form("DrillResultForm", drills.RESULT_FIELDS)


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.VIEW)
def index():
    commune = target_commune(Permission.VIEW)
    data = response_data()
    form = spec_form("DrillForm", drills.plan_fields(data), versioned=False)()
    if request.method == "POST":
        commune = target_commune(Permission.HANDLE_INCIDENT)
        created = {}
        if form.validate_on_submit() and submit(form, lambda: created.setdefault("drill", drills.plan(
                db(), actor(), commune, form_values(form), data, now())), _("Đã lập kế hoạch diễn tập.")):
            return redirect(url_for("drills.detail", drill_id=created["drill"].id))
    return render_template("drills/index.html", commune=commune, form=form,
                           items=drills.drills_of(db(), commune.id)), 422 if request.method == "POST" else 200


@bp.get("/<int:drill_id>")
@requires(Permission.VIEW)
def detail(drill_id: int):
    drill = load_scoped(Drill, drill_id, Permission.VIEW)
    form = ResultForm(formdata=None)
    fill_form(form, drill)
    return _page(drill, form)


def _page(drill: Drill, form, status: int = 200):
    data = response_data()
    playbook = data.playbooks.get(drill.playbook_id)
    return render_template("drills/detail.html", drill=drill, form=form, timings=drills.timings(drill),
                           scenario=playbook.title if playbook else drill.playbook_id,
                           action_form=SimpleForm()), status


@bp.post("/<int:drill_id>/start")
@requires(Permission.HANDLE_INCIDENT)
def start(drill_id: int):
    drill = load_scoped(Drill, drill_id, Permission.HANDLE_INCIDENT)
    form = SimpleForm()
    if form.validate_on_submit() and submit(form, lambda: drills.start(
            db(), actor(), drill, current_user._get_current_object(), now(), response_data(), local_zone()),
            _("Đã bắt đầu diễn tập: các việc của kịch bản đang được tính giờ.")):
        return redirect(url_for("incidents.detail", incident_id=drill.incident_id))
    return redirect(url_for("drills.detail", drill_id=drill.id))


@bp.post("/<int:drill_id>/results")
@requires(Permission.HANDLE_INCIDENT)
def results(drill_id: int):
    drill = load_scoped(Drill, drill_id, Permission.HANDLE_INCIDENT)
    form = ResultForm()
    if form.validate_on_submit() and submit(form, lambda: drills.finish(
            db(), actor(), drill, form_values(form), now(), expected_version(form)), _("Đã ghi kết quả diễn tập.")):
        return redirect(url_for("drills.detail", drill_id=drill.id))
    return _page(drill, form, 422)


@bp.get("/<int:drill_id>/report.docx")
@requires(Permission.DOWNLOAD)
def report(drill_id: int):
    drill = load_scoped(Drill, drill_id, Permission.DOWNLOAD)
    data = response_data()
    content = render_report("drill_report", drills.report_context(drill, data, now(), local_zone()),
                            data.folder / "reports")
    audit.record(db(), actor(), "export", now=now(), object_type="drill", object_id=drill.id,
                 commune_id=drill.commune_id, summary="Báo cáo kết quả diễn tập (DOCX)")
    db().commit()
    return attachment(content, DOCX_MIME, f"bao-cao-dien-tap-{drill.id}.docx")
