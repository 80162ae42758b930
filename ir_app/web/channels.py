"""Kênh nhận thông báo: a user's own Telegram/Zalo, and a commune's shared group chats and webhooks."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from wtforms import SelectField, StringField

from ir_app.domain.channels import TOPICS
from ir_app.models import Organisation
from ir_app.models.channels import ChannelEndpoint
from ir_app.services.authz import Permission
from ir_app.services.notifications import channels
from ir_app.web.access import require_commune, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, CheckboxListField, SimpleForm, choice_list, submit
from ir_app.web.inventory import target_commune

bp = Blueprint("channels", __name__, url_prefix="/notifications/channels")

KIND_LABELS = {"telegram": lazy_gettext("Telegram"), "zalo": lazy_gettext("Zalo OA"),
               "webhook": lazy_gettext("Webhook (hệ thống khác)")}
TOPIC_LABELS = {
    "incidents": lazy_gettext("Sự cố: báo cáo nhanh, thời hạn báo cáo, nhiệm vụ, chuyển cấp"),
    "dossiers": lazy_gettext("Hồ sơ cấp độ: lượt xử lý, thời hạn, kiểm tra định kỳ, báo cáo năm"),
    "backups": lazy_gettext("Sao lưu quá hạn và khôi phục thử"),
    "checks": lazy_gettext("Kiểm tra hạ tầng buổi sáng"),
    "other": lazy_gettext("Thông báo khác"),
}
ADDRESS_HELP = lazy_gettext(
    "Telegram: mã cuộc trò chuyện (nhắn /start cho bot của đơn vị rồi hỏi quản trị viên mã này), ví dụ 987654321 "
    "hoặc -1001234567890 cho nhóm. Zalo OA: mã người quan tâm OA, hoặc group:mã_nhóm. Webhook: URL https://…")


class ChannelForm(AppForm):
    kind = SelectField(lazy_gettext("Kênh"))
    address = StringField(lazy_gettext("Địa chỉ nhận"), description=ADDRESS_HELP)
    label = StringField(lazy_gettext("Tên gợi nhớ"))
    topics = CheckboxListField(lazy_gettext("Loại thông báo (bỏ trống = tất cả)"),
                               choices=choice_list((key, TOPIC_LABELS[key]) for key in TOPICS))

    def offer(self, kinds: list[str]) -> ChannelForm:
        self.kind.choices = choice_list((kind, KIND_LABELS[kind]) for kind in kinds)
        return self


def _settings() -> channels.ChannelSettings:
    return channels.ChannelSettings.from_config(current_app.config)


@bp.route("/", methods=["GET", "POST"])
@requires()
def mine():
    """The signed-in user's own channels: their phone's Telegram or Zalo."""
    user = current_user._get_current_object()
    form = ChannelForm().offer(["telegram", "zalo"])
    if form.validate_on_submit() and submit(form, lambda: channels.add_endpoint(
            db(), actor(), kind=form.kind.data, address=form.address.data or "", label=form.label.data or "",
            topics=form.topics.data or [], now=now(), user=user), _("Đã thêm kênh nhận thông báo.")):
        return redirect(url_for("channels.mine"))
    return render_template("channels/index.html", form=form, endpoints=channels.endpoints_of_user(db(), user.id),
                           commune=None, settings=_settings(), labels=KIND_LABELS, topics=TOPIC_LABELS,
                           action_form=SimpleForm())


@bp.route("/commune", methods=["GET", "POST"])
@requires(Permission.MANAGE_SETTINGS)
def commune_channels():
    """The commune's shared channels: its group chat, its monitoring system's webhook."""
    commune = target_commune(Permission.MANAGE_SETTINGS)
    form = ChannelForm().offer(["telegram", "zalo", "webhook"])
    if form.validate_on_submit() and submit(form, lambda: channels.add_endpoint(
            db(), actor(), kind=form.kind.data, address=form.address.data or "", label=form.label.data or "",
            topics=form.topics.data or [], now=now(), commune=commune), _("Đã thêm kênh nhận thông báo.")):
        return redirect(url_for("channels.commune_channels", commune=commune.code))
    return render_template("channels/index.html", form=form, endpoints=channels.endpoints_of_commune(db(), commune.id),
                           commune=commune, settings=_settings(), labels=KIND_LABELS, topics=TOPIC_LABELS,
                           action_form=SimpleForm())


def _own_endpoint(endpoint_id: int) -> ChannelEndpoint:
    """The user's own endpoint, or one of a commune they manage; 404 otherwise (existence doesn't leak)."""
    endpoint = db().get(ChannelEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    if endpoint.user_id is not None:
        if endpoint.user_id != current_user.id:
            abort(404)
    else:
        require_commune(endpoint_commune(endpoint), Permission.MANAGE_SETTINGS)
    return endpoint


def endpoint_commune(endpoint: ChannelEndpoint) -> Organisation | None:
    return db().get(Organisation, endpoint.commune_id)


def _back(endpoint: ChannelEndpoint):
    if endpoint.commune_id is None:
        return redirect(url_for("channels.mine"))
    return redirect(url_for("channels.commune_channels", commune=endpoint_commune(endpoint).code))


@bp.post("/<int:endpoint_id>/delete")
@requires()
def delete(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    back = _back(endpoint)
    form = SimpleForm()
    if form.validate_on_submit():
        submit(form, lambda: channels.remove_endpoint(db(), actor(), endpoint, now()), _("Đã xóa kênh."))
    return back


@bp.post("/<int:endpoint_id>/test")
@requires()
def send_test(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    form = SimpleForm()
    if form.validate_on_submit():
        submit(form, lambda: channels.queue_test(db(), actor(), endpoint, now()),
               _("Đã xếp tin nhắn thử; nó được gửi trong lần chạy tới của bộ lập lịch (khoảng một phút)."))
    return _back(endpoint)
