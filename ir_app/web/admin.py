"""User management for administrators."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext
from sqlalchemy import func, select
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField

from ir_app.models import Organisation, Role, User
from ir_app.models.org import ROLE_LABELS
from ir_app.services import accounts, two_factor
from ir_app.services.authz import Permission
from ir_app.services.errors import ServiceError, ValidationFailed
from ir_app.web.access import load_scoped, page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, CheckboxListField, SimpleForm, choice_list, expected_version, show_errors
from ir_app.web.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")

def role_choices():
    """Called when a form is made (a request): the role names in the page's language."""
    return choice_list((role.value, _(ROLE_LABELS[role])) for role in Role)


class UserCreateForm(AppForm):
    email = StringField(lazy_gettext("E-mail *"), render_kw={"type": "email", "maxlength": 200})
    name = StringField(lazy_gettext("Họ và tên *"), render_kw={"maxlength": 200})
    phone = StringField(lazy_gettext("Điện thoại"), render_kw={"maxlength": 50})
    organisation = SelectField(lazy_gettext("Xã / tỉnh *"), validate_choice=False)
    roles = CheckboxListField(lazy_gettext("Vai trò *"), choices=role_choices, validate_choice=False)
    password = PasswordField(lazy_gettext("Mật khẩu ban đầu (ít nhất 8 ký tự) *"),
                             render_kw={"autocomplete": "new-password"})


class UserEditForm(AppForm):
    name = StringField(lazy_gettext("Họ và tên *"), render_kw={"maxlength": 200})
    phone = StringField(lazy_gettext("Điện thoại"), render_kw={"maxlength": 50})
    roles = CheckboxListField(lazy_gettext("Vai trò *"), choices=role_choices, validate_choice=False)
    is_active = BooleanField(lazy_gettext("Đang hoạt động"))
    version = HiddenField()


class PasswordResetForm(AppForm):
    password = PasswordField(lazy_gettext("Mật khẩu mới (ít nhất 8 ký tự) *"),
                             render_kw={"autocomplete": "new-password"})


def _organisation_choices() -> list[tuple[str, str]]:
    orgs = db().scalars(select(Organisation).order_by(Organisation.kind.desc(), Organisation.name))
    return choice_list((org.code, f"{org.full_name} ({org.code})") for org in orgs)


@bp.get("/users")
@requires(Permission.MANAGE_USERS)
def users():
    query = select(User).order_by(User.email)
    text = request.args.get("q", "").strip().lower()
    if text:
        query = query.where(func.lower(User.email).contains(text) | func.lower(User.name).contains(text))
    page = paginate(db(), query, page_number(), 50)
    return render_template("admin/users.html", page=page, q=text)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def create_user():
    form = UserCreateForm()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db(), actor(), email=form.email.data or "", name=form.name.data or "",
                password=form.password.data or "", roles=form.roles.data or [],
                organisation_code=form.organisation.data or "", now=now(), phone=form.phone.data or "")
        except ValidationFailed as failure:
            show_errors(form, failure)
        else:
            db().commit()
            flash(_("Đã tạo tài khoản %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id: int):
    user = load_scoped(User, user_id, Permission.MANAGE_USERS)
    form = UserEditForm()
    reset_form = PasswordResetForm(prefix="reset")
    if request.method == "GET":
        form.name.data, form.phone.data = user.name, user.phone
        form.roles.data = sorted(role.value for role in user.roles)
        form.is_active.data, form.version.data = user.is_active, str(user.version)
    elif form.validate_on_submit():
        try:
            accounts.update_user(db(), actor(), user, name=form.name.data or "", roles=form.roles.data or [],
                                 is_active=form.is_active.data, now=now(),
                                 expected_version=expected_version(form), phone=form.phone.data or "")
        except ValidationFailed as failure:
            show_errors(form, failure)
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            db().commit()
            flash(_("Đã lưu tài khoản."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form)


@bp.post("/users/<int:user_id>/reset-password")
@requires(Permission.MANAGE_USERS)
def reset_password(user_id: int):
    user = load_scoped(User, user_id, Permission.MANAGE_USERS)
    reset_form = PasswordResetForm(prefix="reset")
    if reset_form.validate_on_submit():
        try:
            accounts.reset_password(db(), actor(), user, reset_form.password.data or "", now())
        except ValidationFailed as failure:
            flash(" ".join(failure.errors.values()), "error")
        else:
            db().commit()
            flash(_("Đã đặt lại mật khẩu; các phiên cũ của người dùng đã kết thúc."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-two-factor")
@requires(Permission.MANAGE_USERS)
def reset_two_factor(user_id: int):
    """The user lost the phone and the recovery codes: the factor is removed and every session ends."""
    user = load_scoped(User, user_id, Permission.MANAGE_USERS)
    if SimpleForm().validate_on_submit():
        two_factor.reset_by_admin(db(), actor(), user, now())
        db().commit()
        flash(_("Đã đặt lại xác thực hai bước; người dùng sẽ cài lại ở lần đăng nhập sau."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
