""""Việc của tôi" (/work): what waits on the signed-in user; and giving a dossier step to a person."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import (Blueprint, abort, current_app, flash, g, has_request_context, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session
from wtforms import HiddenField, SelectField

from ir_app.i18n_markers import N_
from ir_app.models import Dossier
from ir_app.services.authz import Permission
from ir_app.services.menu import MenuFigures, menu_figures
from ir_app.services.errors import ConflictError, PermissionDenied, ValidationFailed
from ir_app.services.work import assignment
from ir_app.services.work.queue import WorkContext, WorkItem, counts_by_kind, due_moment, work_for
from ir_app.services.work.steps import step_task
from ir_app.web.access import database_id, load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, choice_list, expected_version
from ir_app.web.local_time import local_zone
from ir_app.web.page_cache import cached, cached_html, this_minute

bp = Blueprint("work", __name__)
MAX_CACHED_COUNTS = 4096

# The kinds of work, in the order the filter offers them.
KIND_LABELS = {
    "dossier_step": N_("Bước hồ sơ cấp độ"),
    "plan_gaps": N_("Phương án chưa đạt"),
    "incident_task": N_("Nhiệm vụ xử lý sự cố"),
    "incident_clock": N_("Thời hạn báo cáo sự cố"),
    "backup_overdue": N_("Sao lưu quá hạn"),
    "restore_test_due": N_("Khôi phục thử"),
    "morning_check": N_("Kiểm tra buổi sáng"),
    "review_due": N_("Kiểm tra, đánh giá định kỳ"),
    "annual_report": N_("Báo cáo năm"),
    "transition_due": N_("Hạn chuyển tiếp"),
    "playbook_review": N_("Rà soát kịch bản"),
    "drill_plan_due": N_("Kế hoạch diễn tập"),
    "training_due": N_("Tập huấn còn thiếu, sắp hết hạn"),
}


bp.add_app_template_global(KIND_LABELS, "WORK_KINDS")


def my_work() -> list[WorkItem]:
    """The signed-in user's queue, computed once per request (the menu count reuses it) and once
    per change and minute (`web.page_cache`: its items are made of audited records and clock times)."""
    if "my_work" not in g:
        g.my_work = list(cached("work", _work_of_user))
    return g.my_work


def _work_of_user() -> tuple[WorkItem, ...]:
    ctx = WorkContext(db(), current_user._get_current_object(), now(), local_zone(),
                      current_app.extensions["ir_law"], current_app.config.get("IR_PLAYBOOKS_DIR"))
    return tuple(work_for(ctx))


def menu() -> MenuFigures:
    """The navigation bar's figures, read with the signed-in user (`web.access.load_user`), or here
    again when the request has committed a change since."""
    if "menu_figures" not in g:
        g.menu_figures = menu_figures(db(), current_user.id)
    return g.menu_figures


@event.listens_for(Session, "after_commit")
def _menu_after_commit(_session: Session) -> None:
    if has_request_context():  # a page drawn after a change shows the figures after it
        g.pop("menu_figures", None)


@bp.app_template_global("work_count")
def work_count() -> int:
    """For the navigation bar. Building the queue is most of a list page's cost, so its count is
    kept per user until the next audited change or the next minute (the queue's reminder
    thresholds are clock times): the badge of a page without a change reuses it."""
    if not current_user.is_authenticated:
        return 0
    if "my_work" in g:
        return len(g.my_work)
    user = current_user._get_current_object()
    key = (user.id, user.version, menu().last_change, this_minute())
    counts = current_app.extensions.setdefault("ir_work_counts", {})
    count = counts.get(key)
    if count is None:
        count = len(my_work())
        if len(counts) >= MAX_CACHED_COUNTS:  # a worker's memory stays bounded
            counts.clear()
        counts[key] = count
    return count


@bp.app_template_global("work_remaining")
def work_remaining(item: WorkItem) -> tuple[str, str]:
    """(badge class, text): "Còn 2 ngày", "Hạn hôm nay", "Quá hạn 5 giờ"; dates count whole days."""
    if item.due is None:
        return "", _("Không có thời hạn")
    moment = now()
    if isinstance(item.due, datetime):
        left = item.due - moment
        return _badge(left), (_("Còn %(duration)s", duration=_duration(left)) if left >= timedelta(0)
                              else _("Quá hạn %(duration)s", duration=_duration(-left)))
    days = (item.due - moment.astimezone(local_zone()).date()).days
    left = due_moment(item.due, local_zone()) - moment
    if days > 0:
        return _badge(left), _("Còn %(count)s ngày", count=days)
    if days == 0:
        return "warn", _("Hạn hôm nay")
    return "overdue", _("Quá hạn %(count)s ngày", count=-days)


def _badge(left: timedelta) -> str:
    if left < timedelta(0):
        return "overdue"
    return "warn" if left <= timedelta(days=1) else "pending"


def _duration(value: timedelta) -> str:
    from ir_app.web.filters import format_duration

    return format_duration(value)


@bp.get("/work")
@requires(Permission.VIEW)
def index():
    kind = request.args.get("kind", "")[:32]
    return render_template("work/index.html", body=cached_html("work-page", lambda: _work_body(kind), kind))


def _work_body(kind: str) -> str:
    items = my_work()
    shown = [item for item in items if item.kind == kind] if kind else items
    return render_template("work/_body.html", items=shown, total=len(items), counts=counts_by_kind(items), kind=kind)


# --------------------------------------------------------------------------- assigning a dossier step

class StepAssigneeForm(AppForm):
    assignee_id = SelectField(lazy_gettext("Người thực hiện bước này"), validate_choice=False)
    version = HiddenField()


def step_assignee_form(dossier: Dossier) -> StepAssigneeForm | None:
    """The form on the dossier page, or None when the user may not assign this step."""
    law = current_app.extensions["ir_law"]
    if not assignment.may_assign(current_user, dossier, law):
        return None
    people = assignment.candidates(db(), dossier, law)
    if not people:
        return None
    form = StepAssigneeForm()
    form.assignee_id.choices = choice_list([("", _("— Theo vai trò (mọi người có vai trò) —"))]
                                           + [(str(person.id), person.name) for person in people])
    form.assignee_id.data = str(dossier.step_assignee_id or "")
    form.version.data = str(dossier.version)
    return form


@bp.app_template_global("step_assignee_form")
def _step_assignee_form(dossier: Dossier) -> StepAssigneeForm | None:
    return step_assignee_form(dossier)


@bp.post("/dossiers/<int:dossier_id>/assignee")
@requires(Permission.VIEW)
def assign_step(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    law = current_app.extensions["ir_law"]
    form = StepAssigneeForm()
    if not form.validate_on_submit():
        abort(400)
    raw = (form.assignee_id.data or "").strip()
    assignee_id = database_id(raw)
    try:
        if raw and assignee_id is None:
            raise ValidationFailed({"assignee_id": _("Hãy chọn một người trong danh sách.")})
        assignment.assign_step(db(), current_user, actor(), dossier, assignee_id, law, now(), expected_version(form))
    except PermissionDenied:
        db().rollback()
        abort(403)
    except (ValidationFailed, ConflictError) as error:
        db().rollback()
        flash(" ".join(error.errors.values()) if isinstance(error, ValidationFailed) else str(error), "error")
    else:
        db().commit()
        who = dossier.step_assignee.name if dossier.step_assignee else _("mọi người có vai trò")
        flash(_("Đã giao bước «%(step)s» cho %(who)s.", step=step_task(dossier, law), who=who), "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
