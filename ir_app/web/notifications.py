"""Thông báo: the in-app inbox, how each user receives e-mail, and their personal calendar feed."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _, lazy_gettext
from flask_login import current_user
from wtforms import BooleanField, HiddenField

from ir_app.services.notifications import outbox as notifications
from ir_app.services.due import calendar
from ir_app.services.errors import ConflictError
from ir_app.web.access import page_number, public, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, SimpleForm, expected_version
from ir_app.web.local_time import local_zone
from ir_app.web.pagination import paginate

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
feeds = Blueprint("feeds", __name__)


class PreferencesForm(AppForm):
    email_notifications = BooleanField(lazy_gettext("Nhận thông báo qua e-mail"))
    daily_digest = BooleanField(lazy_gettext("Gộp thành một thư tổng hợp mỗi ngày (07:00); việc khẩn như thời hạn "
                                             "báo cáo sự cố vẫn gửi ngay"))
    version = HiddenField()


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """For the navigation bar: the menu's one statement (shared with the work count)."""
    from ir_app.web.work import menu

    return menu().unread if current_user.is_authenticated else 0


def _safe_link(link: str) -> str:
    """Only links inside the app are followed (no open redirect through a notification)."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return url_for("notifications.inbox")


@bp.get("/")
@requires()
def inbox():
    unread_only = request.args.get("unread") == "1"
    page = paginate(db(), notifications.inbox_query(current_user.id, unread_only), page_number(), 30)
    return render_template("notifications/inbox.html", page=page, unread_only=unread_only,
                           action_form=SimpleForm())


@bp.post("/<int:notification_id>/open")
@requires()
def open_notification(notification_id: int):
    if not SimpleForm().validate_on_submit():
        abort(400)
    row = notifications.mark_read(db(), current_user, notification_id, now())
    if row is None:
        abort(404)
    db().commit()
    return redirect(_safe_link(row.link) if row.link else url_for("notifications.inbox"))


@bp.post("/read-all")
@requires()
def read_all():
    if SimpleForm().validate_on_submit():
        count = notifications.mark_all_read(db(), current_user, now())
        db().commit()
        flash(_("Đã đánh dấu %(count)s thông báo là đã đọc.", count=count), "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/settings", methods=["GET", "POST"])
@requires()
def settings():
    user = current_user._get_current_object()
    form = PreferencesForm()
    if request.method == "GET":
        form.email_notifications.data, form.daily_digest.data = user.email_notifications, user.daily_digest
        form.version.data = str(user.version)
    elif form.validate_on_submit():
        try:
            notifications.update_preferences(db(), actor(), user, email_notifications=form.email_notifications.data,
                                             daily_digest=form.daily_digest.data, now=now(),
                                             expected_version=expected_version(form), zone=local_zone())
        except ConflictError as conflict:
            db().rollback()
            form.form_errors.append(str(conflict))
        else:
            db().commit()
            flash(_("Đã lưu cách nhận thông báo."), "success")
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form,
                           smtp_configured=bool(current_app.config.get("IR_SMTP_HOST")))


# --- The personal calendar feed --------------------------------------------------------------------

NEW_FEED_KEY = "ir_new_feed_url"


@bp.get("/calendar")
@requires()
def calendar_settings():
    feed = calendar.feed_of(db(), current_user)
    new_url = session.pop(NEW_FEED_KEY, None)  # shown once, right after it was issued
    return render_template("notifications/calendar.html", feed=feed, new_url=new_url if feed else None,
                           action_form=SimpleForm())


@bp.post("/calendar/token")
@requires()
def issue_calendar_token():
    if not SimpleForm().validate_on_submit():
        abort(400)
    token = calendar.issue_feed_token(db(), actor(), current_user, now())
    db().commit()
    # The URL holds the secret: shown once on the page this redirects to; only its hash is stored.
    session[NEW_FEED_KEY] = url_for("feeds.calendar_feed", token=token, _external=True)
    return redirect(url_for("notifications.calendar_settings"))


@bp.post("/calendar/revoke")
@requires()
def revoke_calendar():
    if SimpleForm().validate_on_submit():
        calendar.revoke_feed(db(), actor(), current_user, now())
        db().commit()
        flash(_("Đã thu hồi đường dẫn lịch; lịch đã đăng ký trên điện thoại sẽ không cập nhật nữa."), "success")
    return redirect(url_for("notifications.calendar_settings"))


@feeds.get("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """Public by design (a phone calendar cannot sign in): the secret token is the credential."""
    user = calendar.user_for_token(db(), token, now())
    if user is None:
        abort(404)
    db().commit()
    deadlines = calendar.deadlines_for(db(), user, now(), local_zone(), current_app.config.get("IR_PLAYBOOKS_DIR"))
    body = calendar.render_ics(deadlines, now(), local_zone(), current_app.config.get("IR_BASE_URL") or
                               request.url_root, name=f"ATTT xã — {user.name}")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": "inline; filename=attt-xa.ics", "Cache-Control": "private, max-age=900"})
