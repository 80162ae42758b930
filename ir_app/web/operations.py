"""Vận hành (admins): the e-mail outbox (failed deliveries, retry), the scheduler and its jobs."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ir_app.i18n_markers import N_
from ir_app.jobs.registry import JOBS
from ir_app.models import JobRun, Notification
from ir_app.jobs import lease
from ir_app.services.notifications import delivery
from ir_app.services.authz import Permission
from ir_app.web.access import page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import SimpleForm
from ir_app.web.pagination import paginate

bp = Blueprint("operations", __name__, url_prefix="/operations")

STATUS_LABELS = {"pending": N_("Chờ gửi"), "sent": N_("Đã gửi"), "failed": N_("Gửi lỗi"),
                 "skipped": N_("Không gửi e-mail")}


@bp.get("/")
@requires(Permission.MANAGE_SETTINGS)
def index():
    session = db()
    counts = dict(session.execute(select(Notification.email_status, func.count())
                                  .group_by(Notification.email_status)).all())
    failed = paginate(session, select(Notification).where(Notification.email_status == "failed")
                      .options(selectinload(Notification.user)).order_by(Notification.id.desc()), page_number(), 25)
    runs = {row.job_id: row for row in session.scalars(select(JobRun))}
    smtp = delivery.SmtpSettings.from_config(current_app.config)
    waiting = 0 if smtp.enabled else delivery.count_due(session, now())
    return render_template("operations/index.html", counts=counts, failed=failed, runs=runs, jobs=JOBS,
                           lease_info=lease.current(session), now=now(), smtp=smtp, waiting=waiting,
                           labels=STATUS_LABELS, action_form=SimpleForm())


@bp.post("/outbox/<int:notification_id>/retry")
@requires(Permission.MANAGE_SETTINGS)
def retry(notification_id: int):
    # Only admins manage settings, and they see every commune (some rows, like playbook
    # reviews, belong to none), so a plain lookup is the whole scoping here.
    notification = db().get(Notification, notification_id)
    if notification is None:
        abort(404)
    if SimpleForm().validate_on_submit() and notification.email_status == "failed":
        delivery.retry_failed(db(), actor(), notification, now())
        db().commit()
        flash(_("Thư sẽ được gửi lại trong lần chạy tới của việc gửi e-mail."), "success")
    return redirect(url_for("operations.index"))
