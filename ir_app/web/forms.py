"""WTForms built from the services' field specifications; the services do the validation.

A form carries CSRF, keeps what the user typed, and shows the (field, reason) pairs a service
raised next to each field.
"""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)

from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choice_list(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _field_for(spec: FieldSpec):
    options = {"label": spec.label + (" *" if spec.required else ""), "description": spec.help}
    if spec.kind == "textarea":
        return TextAreaField(**options, render_kw={"maxlength": spec.max_length, "rows": 3})
    if spec.kind == "bool":
        return BooleanField(**options)
    if spec.kind == "choice":
        blank = [] if spec.required else [("", "— Chưa chọn —")]
        return SelectField(**options, choices=choice_list(blank + list(spec.choices)), validate_choice=False)
    if spec.kind == "multichoice":
        return CheckboxListField(**options, choices=choice_list(spec.choices), validate_choice=False)
    if spec.kind == "int":
        return StringField(**options, render_kw={"inputmode": "numeric", "maxlength": 15})
    if spec.kind == "date":
        return StringField(**options, render_kw={"type": "date"})
    kind = "email" if spec.kind == "email" else "text"
    return StringField(**options, render_kw={"maxlength": spec.max_length, "type": kind})


def spec_form(name: str, specs: list[FieldSpec], versioned: bool = True) -> type[FlaskForm]:
    attributes: dict[str, Any] = {spec.name: _field_for(spec) for spec in specs}
    if versioned:
        attributes["version"] = HiddenField()
    attributes["field_names"] = [spec.name for spec in specs]
    return type(name, (FlaskForm,), attributes)


def fill_form(form: FlaskForm, obj: Any) -> None:
    """Put an object's current values into a freshly built (GET) form."""
    for name in form.field_names:
        value = getattr(obj, name)
        field = form[name]
        if isinstance(field, StringField) and field.render_kw and field.render_kw.get("type") == "date":
            field.data = value.isoformat() if value else ""
        elif isinstance(field, SelectField) and value is not None:
            field.data = str(value)
        else:
            field.data = value
    if "version" in form:
        form.version.data = str(obj.version)


def form_values(form: FlaskForm) -> dict[str, Any]:
    return {name: form[name].data for name in form.field_names}


def expected_version(form: FlaskForm) -> int | None:
    value = form.version.data if "version" in form else None
    return int(value) if value and str(value).isdigit() else None


def show_errors(form: FlaskForm, failure: ValidationFailed) -> None:
    for field_name, reason in failure.errors.items():
        if field_name in form:
            form[field_name].errors = list(form[field_name].errors or []) + [reason]
        else:
            form.form_errors.append(reason)


class SimpleForm(FlaskForm):
    """CSRF only: for buttons that post (logout, delete, state changes)."""


class LoginForm(FlaskForm):
    email = StringField("E-mail", render_kw={"autocomplete": "username", "type": "email", "maxlength": 200})
    password = PasswordField("Mật khẩu", render_kw={"autocomplete": "current-password", "maxlength": 200})
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Mật khẩu hiện tại", render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("Mật khẩu mới (ít nhất 8 ký tự)", render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField("Nhập lại mật khẩu mới", render_kw={"autocomplete": "new-password"})
