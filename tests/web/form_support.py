"""Helpers for the form tests: post a page's form back exactly as a browser would, give records
chosen ids (2, 29, 129: one id inside another), and read a record's stored state."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import inspect, select, text

from ir_app.models import AuditEvent

SUBSTRING_IDS = (2, 29, 129)


@dataclass
class EditCase:
    """One form: where it is, who opens it, the record it saves, and a field to break.

    ``record`` None: a form that creates (only "an error keeps every other answer" applies), ``filled``
    then holds what the user types before sending. ``action``: part of the post form's address when the
    page holds several forms (an answer per advisory action, a drill's results)."""

    url: str
    user: Any
    record: Any
    broken: tuple[str, str] | None = None   # (field, bad value) that the form refuses with a message
    ignore: tuple[str, ...] = field(default=())  # record columns a save may legitimately touch
    audit_is_a_diff: bool = True  # False: the audit event states the outcome, not what changed
    action: str | None = None
    filled: dict[str, Any] = field(default_factory=dict)
    related: tuple[str, ...] = field(default=())  # list relationships whose ids a save must keep
    child: Any = None  # the row the form really saves when it is not ``record`` (an advisory's answer)
    buttons: tuple[str, ...] = field(default=())  # names sent by the pressed button, not shown back
    also_sent: dict[str, Any] = field(default_factory=dict)  # a round trip's clicks: the button, the ticks
NOT_SUBMITTED = {"submit", "button", "reset", "file", "image"}


class _Form:
    def __init__(self, attrs: dict[str, str | None]):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields: list[tuple[str, str]] = []


class _FormReader(HTMLParser):
    """What each form of a page would submit: checked boxes and radios, selected options, typed text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "form":
            self._form = _Form(attrs)
            self.forms.append(self._form)
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in NOT_SUBMITTED:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:  # a box without a value sends "on"; value="" sends ""
                    self._form.fields.append((name, "on" if attrs.get("value") is None else attrs["value"]))
                return
            self._form.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs, [])
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value") or "", "selected" in attrs]  # type: ignore[list-item]
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            self._select[2].append((self._option[0], bool(self._option[1])))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]  # a browser submits the first option of a plain select
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            content = "".join(self._textarea[1])
            # Browsers drop the one newline that follows <textarea>.
            content = content[2:] if content.startswith("\r\n") else content.removeprefix("\n")
            self._form.fields.append((self._textarea[0], content))
            self._textarea = None
        elif tag == "form":
            self._form = None


def post_form_of(html: str, action: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """Where the page's post form (or the one whose action contains ``action``) goes, and the (name, value)
    pairs it submits; with several, the one with the most fields."""
    reader = _FormReader()
    reader.feed(html)
    forms = [form for form in reader.forms if form.method == "post"
             and (action is None or action in form.action)]
    assert forms, f"no post form{' for ' + action if action else ''} on the page"
    chosen = max(forms, key=lambda form: len(form.fields))
    return chosen.action.replace("&amp;", "&"), chosen.fields


def page_form(html: str, action: str | None = None) -> list[tuple[str, str]]:
    """The (name, value) pairs the page's post form (or the one whose action contains ``action``) submits."""
    return post_form_of(html, action)[1]


def values_of(fields: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in fields if key == name]


def replaced(fields: list[tuple[str, str]], name: str, *values: str) -> list[tuple[str, str]]:
    """The same submission with one field's values replaced."""
    return [(key, value) for key, value in fields if key != name] + [(name, value) for value in values]


def replaced_all(fields: list[tuple[str, str]], values: dict[str, Any]) -> list[tuple[str, str]]:
    """The submission with what the user typed (a list: several values, e.g. ticked boxes)."""
    for name, value in values.items():
        fields = replaced(fields, name, *(value if isinstance(value, list) else [value]))
    return fields


def comparable(fields: list[tuple[str, str]], *ignore: str) -> dict[str, list[str]]:
    """Field → values, newline style ignored (a browser posts \\r\\n), for "kept as entered" checks."""
    result: dict[str, list[str]] = {}
    for key, value in fields:
        if key.endswith("csrf_token") or key in ignore:  # prefixed forms: "a29-csrf_token"
            continue
        result.setdefault(key, []).append(value.replace("\r\n", "\n"))
    return {key: sorted(values) for key, values in result.items()}


def sync_sequences(session, *models: type) -> None:
    """After rows were inserted with chosen ids, PostgreSQL's id sequences must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__table__.name
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    session.commit()


def stored_state(session, obj: Any) -> dict[str, Any]:
    """The record's columns as the database holds them now (version and timestamps included)."""
    session.expire_all()
    fresh = session.get(type(obj), inspect(obj).identity[0])
    return {column.key: getattr(fresh, column.key) for column in inspect(type(fresh)).column_attrs}


def last_audit_id(session) -> int:
    return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def audit_changes_since(session, audit_id: int) -> list[tuple[str, Any]]:
    """Changes recorded by audit events written after ``audit_id``: empty when nothing changed."""
    events = session.scalars(select(AuditEvent).where(AuditEvent.id > audit_id).order_by(AuditEvent.id))
    return [(event.summary, event.changes) for event in events if event.changes]
