"""WTForms built from the services' field specifications; the services do the validation.

A form carries CSRF, keeps what the user typed, and shows the (field, reason) pairs a service
raised next to each field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
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

from ir_app.domain.text import clean_text, whole_number
from ir_app.i18n_markers import N_
from ir_app.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationFailed
from ir_app.services.fields import FieldSpec
from ir_app.web.context import db


def _clean_one_line(value: Any) -> Any:
    return clean_text(value, multiline=False) if isinstance(value, str) else value


def _clean_lines(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


class AppForm(FlaskForm):
    """The base of every form: CSRF, and typed text cleaned before any view or service sees it
    (NFC, a vertical tab pasted from Word or another control character becomes a space, line
    breaks kept only in text areas). Passwords are left exactly as typed."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                clean = _clean_lines if issubclass(field_class, TextAreaField) else _clean_one_line
                options = dict(options, filters=[*unbound_field.kwargs.get("filters", ()), clean])
            return super().bind_field(form, unbound_field, options)


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choice_list(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _field_for(spec: FieldSpec):
    # Labels, help and choices are the services' Vietnamese texts; SpecForm translates them per request.
    options = {"label": spec.label + (" *" if spec.required else ""), "description": spec.help}
    if spec.kind == "textarea":
        return TextAreaField(**options, render_kw={"maxlength": spec.max_length, "rows": 3})
    if spec.kind == "bool":
        return BooleanField(**options)
    if spec.kind == "choice":
        return SelectField(**options, choices=choice_list(_spec_choices(spec)), validate_choice=False)
    if spec.kind == "multichoice":
        return CheckboxListField(**options, choices=choice_list(spec.choices), validate_choice=False)
    if spec.kind == "int":
        return StringField(**options, render_kw={"inputmode": "numeric", "maxlength": 15})
    if spec.kind == "date":
        return StringField(**options, render_kw={"type": "date"})
    if spec.kind == "datetime":
        return StringField(**options, render_kw={"type": "datetime-local"})
    kind = "email" if spec.kind == "email" else "text"
    return StringField(**options, render_kw={"maxlength": spec.max_length, "type": kind})


NO_CHOICE = N_("— Chưa chọn —")


def _spec_choices(spec: FieldSpec) -> list[tuple[str, str]]:
    blank = [] if spec.required or spec.kind != "choice" else [("", NO_CHOICE)]
    return blank + list(spec.choices)


class SpecForm(AppForm):
    """A form built from field specs; shows their labels, help and choices in the page's language.

    Translated when the form is made (a request), as plain strings: a choice label may hold user
    data (a system's name), so nothing here is marked safe."""

    specs: dict[str, FieldSpec] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, spec in self.specs.items():
            field = self[name]
            field.label.text = (gettext(spec.label) if spec.label else "") + (" *" if spec.required else "")
            field.description = gettext(spec.help) if spec.help else ""
            if spec.kind in ("choice", "multichoice"):
                field.choices = choice_list((value, gettext(label) if label else label)
                                            for value, label in _spec_choices(spec))


def spec_form(name: str, specs: list[FieldSpec], versioned: bool = True) -> type[FlaskForm]:
    attributes: dict[str, Any] = {spec.name: _field_for(spec) for spec in specs}
    if versioned:
        attributes["version"] = HiddenField()
    attributes["field_names"] = [spec.name for spec in specs]
    attributes["specs"] = {spec.name: spec for spec in specs}
    return type(name, (SpecForm,), attributes)


def fill_form(form: FlaskForm, obj: Any) -> None:
    """Put an object's current values into a freshly built (GET) form."""
    for name in form.field_names:
        value = getattr(obj, name)
        field = form[name]
        if _input_type(field) == "date":
            field.data = value.isoformat() if value else ""
        elif _input_type(field) == "datetime-local":
            field.data = local_input(value)
        elif isinstance(field, SelectMultipleField):
            # Each chosen id on its own: as one string, "2" would match inside "['29']".
            field.data = [str(item) for item in value or []]
        elif isinstance(field, SelectField) and value is not None:
            field.data = str(value)
        else:
            field.data = value
    if "version" in form:
        form.version.data = str(obj.version)


def form_values(form: FlaskForm) -> dict[str, Any]:
    """What the user typed; local date-times become aware moments (the services store UTC)."""
    values = {name: form[name].data for name in form.field_names}
    for name in form.field_names:
        if _input_type(form[name]) == "datetime-local":
            values[name] = aware_moment(values[name])
    return values


def _input_type(field) -> str | None:
    return (field.render_kw or {}).get("type") if isinstance(field, StringField) else None


LOCAL_INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


def aware_moment(text: Any) -> Any:
    """"2026-11-26T09:00" (a datetime-local input) or "26/11/2026 09:00" in the commune's time zone
    → an aware datetime; anything else is passed on for the service to refuse with a message."""
    if not isinstance(text, str):
        return text
    for pattern in LOCAL_INPUT_FORMATS:
        try:
            naive = datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        return naive.replace(tzinfo=ZoneInfo(current_app.config["IR_TIMEZONE"]))
    return text


def local_input(value: datetime | None) -> str:
    """The value a datetime-local input shows for an aware moment."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["IR_TIMEZONE"])).strftime("%Y-%m-%dT%H:%M")


def expected_version(form: FlaskForm) -> int | None:
    value = form.version.data if "version" in form else None
    return whole_number(str(value or ""))


def show_errors(form: FlaskForm, failure: ValidationFailed) -> None:
    for field_name, reason in failure.errors.items():
        if field_name in form:
            form[field_name].errors = list(form[field_name].errors or []) + [reason]
        else:
            form.form_errors.append(reason)


@dataclass
class Submission:
    """What ``submit`` did: true when the action was kept; its ``result``, or the ``refusal``."""

    saved: bool = False
    result: Any = None
    refusal: Exception | None = None

    def __bool__(self) -> bool:
        return self.saved

    @property
    def status(self) -> int:
        """The HTTP status for showing the form again: 422 for bad input, 409 for a refusal."""
        if self.saved:
            return 200
        return 422 if isinstance(self.refusal, ValidationFailed) else 409


def submit(form: FlaskForm, action: Callable[[], Any], success: str | Callable[[Any], str], *,
           flash_refusal: bool = False, rehearse: bool = False) -> Submission:
    """Run a service call for a submitted form as one unit of work: commit and flash on success;
    on refusal roll back and put the service's reasons next to the fields (input is kept).

    ``success`` is the message, or a function of the action's result that makes it (after the
    commit). ``flash_refusal``: for buttons whose page is not shown again, the reasons are flashed
    instead. ``rehearse``: run the action, keep its result and roll it back (a step to confirm
    first). A refusal for lack of permission is a 403.
    """
    outcome = Submission()
    try:
        outcome.result = action()
        if rehearse:
            db().rollback()
            outcome.saved = True
            return outcome
        db().commit()
    except PermissionDenied:
        db().rollback()
        abort(403)
    except ServiceError as refusal:  # ValidationFailed, ConflictError and the use cases' own refusals
        db().rollback()
        outcome.refusal = refusal
        if isinstance(refusal, ValidationFailed) and not flash_refusal:
            show_errors(form, refusal)
        else:
            _refuse(form, " ".join(refusal.errors.values()) if isinstance(refusal, ValidationFailed)
                    else str(refusal), flash_refusal)
        return outcome
    except StaleDataError as conflict:  # another save of the same record landed between our read and our write
        db().rollback()
        outcome.refusal = conflict
        _refuse(form, str(ConflictError()), flash_refusal)
        return outcome
    except IntegrityError as duplicate:  # the same code or name saved by someone else a moment ago
        db().rollback()
        outcome.refusal = duplicate
        _refuse(form, gettext("Một người khác vừa lưu bản ghi trùng mã hoặc trùng tên. "
                              "Hãy tải lại trang rồi thử lại; dữ liệu bạn nhập vẫn còn ở đây."), flash_refusal)
        return outcome
    flash(str(success(outcome.result) if callable(success) else success), "success")
    outcome.saved = True
    return outcome


def _refuse(form: FlaskForm, message: str, as_flash: bool) -> None:
    if as_flash:
        flash(message, "error")
    else:
        form.form_errors.append(message)


class SimpleForm(AppForm):
    """CSRF only: for buttons that post (logout, delete, state changes)."""


class LoginForm(AppForm):
    email = StringField("E-mail", render_kw={"autocomplete": "username", "type": "email", "maxlength": 200})
    password = PasswordField(lazy_gettext("Mật khẩu"), render_kw={"autocomplete": "current-password", "maxlength": 200})
    next = HiddenField()


class TotpCodeForm(AppForm):
    code = StringField(lazy_gettext("Mã xác thực"), render_kw={
        "autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 20, "autofocus": True})


class PasswordChangeForm(AppForm):
    current_password = PasswordField(lazy_gettext("Mật khẩu hiện tại"),
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(lazy_gettext("Mật khẩu mới (ít nhất 8 ký tự)"),
                                 render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(lazy_gettext("Nhập lại mật khẩu mới"), render_kw={"autocomplete": "new-password"})
