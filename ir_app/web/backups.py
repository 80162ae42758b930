"""Sao lưu: plans per system, recorded runs, restore tests, script tokens, backup health."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField

from ir_app.domain.backups import format_size
from ir_app.domain.text import whole_number
from ir_app.models import BackupPlan, BackupRun, InformationSystem, RestoreTest, User
from ir_app.services.backups import plans as backups
from ir_app.services.backups import tokens as backup_tokens
from ir_app.services.backups import health as backup_health
from ir_app.services.authz import Permission, visible_commune_ids
from ir_app.services.errors import ValidationFailed
from ir_app.web.access import can, load_scoped, page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import SimpleForm, choice_list, expected_version, form_values, show_errors, spec_form, submit
from ir_app.web.local_time import local_now, local_today, local_zone
from ir_app.web.pagination import paginate

bp = Blueprint("backups", __name__, url_prefix="/backups")

PLAN_SPECS = {spec.name: spec for spec in backups.PLAN_FIELDS}
RunForm = spec_form("BackupRunForm", backups.RUN_FIELDS, versioned=False)
RestoreTestForm = spec_form("RestoreTestForm", backups.RESTORE_FIELDS, versioned=False)


class BackupPlanForm(spec_form("BackupPlanFields", backups.PLAN_FIELDS)):
    responsible_user_id = SelectField(lazy_gettext("Người phụ trách (được nhắc khi quá hạn)"), validate_choice=False)


def _plan_form(commune_id: int) -> BackupPlanForm:
    form = BackupPlanForm()
    users = db().scalars(select(User).where(User.organisation_id == commune_id, User.is_active.is_(True))
                         .order_by(User.name))
    form.responsible_user_id.choices = choice_list(
        [("", _("— Cán bộ Công an xã của xã —"))] + [(str(user.id), f"{user.name} ({user.email})") for user in users])
    return form


def _fill(form: BackupPlanForm, values: dict[str, Any], responsible_user_id: int | None, version: int) -> None:
    for name in form.field_names:
        value = values.get(name)
        form[name].data = "" if value is None else (str(value) if name == "weekday" else value)
    form.responsible_user_id.data = str(responsible_user_id or "")
    form.version.data = str(version)


def _responsible_id(form: BackupPlanForm) -> int | None:
    value = str(form.responsible_user_id.data or "")
    return whole_number(value, 1)


@bp.app_template_filter("file_size")
def file_size_filter(size: int | None) -> str:
    return format_size(size)


@bp.app_template_global("backup_section")
def backup_section(system: InformationSystem) -> dict[str, Any]:
    """For the system page: the system's plans and their health (three statements)."""
    plans = db().scalars(backup_health.plans_query(system_id=system.id)).all()
    return {"plans": plans, "statuses": backup_health.plan_statuses(db(), plans, now(), local_zone()),
            "can_manage": can(Permission.MANAGE_BACKUPS, system)}


@bp.app_template_global("backup_overview")
def backup_overview() -> dict[int, backup_health.CommuneBackupSummary]:
    """For the overview page: backup health per visible commune."""
    return backup_health.commune_summaries(db(), visible_commune_ids(current_user), now(), local_zone())


@bp.get("/")
@requires(Permission.VIEW)
def index():
    query = backup_health.plans_query(visible_commune_ids(current_user))
    page = paginate(db(), query, page_number(), 25)
    statuses = backup_health.plan_statuses(db(), page.items, now(), local_zone())
    return render_template("backups/index.html", page=page, statuses=statuses)


@bp.route("/system/<int:system_id>/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_BACKUPS)
def create(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.MANAGE_BACKUPS)
    form = _plan_form(system.commune_id)
    if form.validate_on_submit():
        try:
            plan = backups.create_plan(db(), actor(), system, form_values(form), now(), _responsible_id(form))
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
        else:
            db().commit()
            flash(_("Đã thêm phương án sao lưu."), "success")
            return redirect(url_for("backups.detail", plan_id=plan.id))
    elif request.method == "GET":
        _fill(form, {spec.name: None if spec.name in backups.OPTIONAL_INTS else spec.empty_value()
                     for spec in backups.PLAN_FIELDS}, None, 0)
    return render_template("backups/plan_form.html", form=form, system=system, plan=None)


@bp.get("/plans/<int:plan_id>")
@requires(Permission.VIEW)
def detail(plan_id: int):
    plan = load_scoped(BackupPlan, plan_id, Permission.VIEW)
    return _render_detail(plan, new_token=_pop_new_token(plan.id))


NEW_TOKEN_KEY = "ir_new_backup_token"  # noqa: S105 - the name of a session entry, not a secret


def _pop_new_token(plan_id: int) -> str | None:
    """The token issued by the previous request, shown once (post/redirect/get)."""
    held = session.pop(NEW_TOKEN_KEY, None)
    return held["token"] if isinstance(held, dict) and held.get("plan_id") == plan_id else None


def _render_detail(plan: BackupPlan, new_token: str | None = None):
    runs = paginate(db(), select(BackupRun).where(BackupRun.plan_id == plan.id)
                    .options(selectinload(BackupRun.recorded_by))
                    .order_by(BackupRun.ran_at.desc(), BackupRun.id.desc()), page_number(), 20)
    tests = db().scalars(select(RestoreTest).where(RestoreTest.plan_id == plan.id)
                         .order_by(RestoreTest.tested_on.desc(), RestoreTest.id.desc()).limit(20)).all()
    status = backup_health.plan_statuses(db(), [plan], now(), local_zone())[plan.id]
    return render_template("backups/plan.html", plan=plan, status=status, runs=runs, tests=tests,
                           specs=PLAN_SPECS, action_form=SimpleForm(), new_token=new_token,
                           destination_labels=backups.DESTINATION_LABELS, source_labels=backups.SOURCE_LABELS,
                           result_labels=dict(backups.RESULT_CHOICES))


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_BACKUPS)
def edit(plan_id: int):
    plan = load_scoped(BackupPlan, plan_id, Permission.MANAGE_BACKUPS)
    form = _plan_form(plan.commune_id)
    if request.method == "GET":
        _fill(form, backups.form_values_of(plan), plan.responsible_user_id, plan.version)
    elif form.validate_on_submit():
        if submit(form, lambda: backups.update_plan(
                db(), actor(), plan, form_values(form), now(), expected_version(form),
                                            _responsible_id(form)),
                  _("Đã lưu phương án sao lưu.")):
            return redirect(url_for("backups.detail", plan_id=plan.id))
    return render_template("backups/plan_form.html", form=form, system=plan.system, plan=plan)


@bp.route("/plans/<int:plan_id>/runs/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_BACKUPS)
def record_run(plan_id: int):
    plan = load_scoped(BackupPlan, plan_id, Permission.MANAGE_BACKUPS)
    form = RunForm()
    if form.validate_on_submit():
        if submit(form, lambda: backups.record_run_from_form(
                db(), actor(), plan, form_values(form), now(), local_zone()),
                  _("Đã ghi nhận lần sao lưu.")):
            return redirect(url_for("backups.detail", plan_id=plan.id))
    elif request.method == "GET":
        form.ran_at.data = local_now().strftime("%Y-%m-%dT%H:%M")
        form.result.data = "ok"
    form.ran_at.render_kw = {"type": "datetime-local"}
    status = 422 if form.errors or form.form_errors else 200
    return render_template("backups/record_form.html", form=form, plan=plan, title=_("Ghi nhận lần sao lưu"),
                           action=url_for("backups.record_run", plan_id=plan.id)), status


@bp.route("/plans/<int:plan_id>/restore-tests/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_BACKUPS)
def record_restore_test(plan_id: int):
    plan = load_scoped(BackupPlan, plan_id, Permission.MANAGE_BACKUPS)
    form = RestoreTestForm()
    if form.validate_on_submit():
        if submit(form, lambda: backups.record_restore_test(
                db(), actor(), plan, form_values(form), now(), local_today()),
                  _("Đã ghi nhận lần khôi phục thử.")):
            return redirect(url_for("backups.detail", plan_id=plan.id))
    elif request.method == "GET":
        form.tested_on.data = local_today().isoformat()
        form.result.data = "ok"
    status = 422 if form.errors or form.form_errors else 200
    return render_template("backups/record_form.html", form=form, plan=plan, title=_("Ghi nhận khôi phục thử"),
                           action=url_for("backups.record_restore_test", plan_id=plan.id)), status


@bp.post("/plans/<int:plan_id>/token")
@requires(Permission.MANAGE_BACKUPS)
def issue_token(plan_id: int):
    plan = load_scoped(BackupPlan, plan_id, Permission.MANAGE_BACKUPS)
    if not SimpleForm().validate_on_submit():
        return redirect(url_for("backups.detail", plan_id=plan.id))
    token = backup_tokens.issue_api_token(db(), actor(), plan, now())
    db().commit()
    # Shown once, on the page this redirects to; only the hash stays in the database.
    session[NEW_TOKEN_KEY] = {"plan_id": plan.id, "token": token}
    return redirect(url_for("backups.detail", plan_id=plan.id, _anchor="token"))


@bp.post("/plans/<int:plan_id>/token/revoke")
@requires(Permission.MANAGE_BACKUPS)
def revoke_token(plan_id: int):
    plan = load_scoped(BackupPlan, plan_id, Permission.MANAGE_BACKUPS)
    if SimpleForm().validate_on_submit():
        backup_tokens.revoke_api_token(db(), actor(), plan, now())
        db().commit()
        flash(_("Đã thu hồi mã của tập lệnh sao lưu; mã cũ không còn dùng được."), "success")
    return redirect(url_for("backups.detail", plan_id=plan.id))
