"""Field specifications shared by forms, XLSX import/export and service validation.

One description of each field keeps the web form, the spreadsheet and the rules in step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable

from ir_app.domain.text import clean_text
from ir_app.i18n_markers import N_

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Dates a commune's records can carry: anything outside is a typo (9999, 0202) the database
# or the deadline arithmetic would choke on.
FIRST_YEAR, LAST_YEAR = 1990, 2100
# Shown as given, and translated where a page shows it (the wizard's number questions).
NOT_A_WHOLE_NUMBER = N_("Phải là một số nguyên.")
YEAR_RANGE_MESSAGE = f"Năm phải trong khoảng {FIRST_YEAR}–{LAST_YEAR}."
NUL_MESSAGE = "Có ký tự NUL (mã 0) không hợp lệ; hãy xóa ký tự đó rồi nhập lại."


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"           # text | textarea | int | bool | choice | multichoice | date | datetime | email
    required: bool = False
    max_length: int = 300
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    minimum: int | None = 0
    maximum: int | None = 10**9
    default: Any = None
    in_form: bool = True

    def empty_value(self) -> Any:
        if self.default is not None:
            return self.default
        return {"int": 0, "bool": False, "multichoice": [], "date": None, "datetime": None,
                "choice": None}.get(self.kind, "")

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _parse_text(spec: FieldSpec, value: Any) -> str:
    # Word pastes a vertical tab for a line break; one-line fields keep no line break at all.
    text = clean_text(str(value), multiline=spec.kind == "textarea").strip()
    if len(text) > spec.max_length:
        raise ValueError(f"Tối đa {spec.max_length} ký tự (đang có {len(text)}).")
    if spec.kind == "email" and text and not EMAIL_RE.match(text):
        raise ValueError("Địa chỉ e-mail không hợp lệ.")
    return text


def _parse_int(spec: FieldSpec, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(NOT_A_WHOLE_NUMBER)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise ValueError(NOT_A_WHOLE_NUMBER)
    number = int(text)
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"Không được nhỏ hơn {spec.minimum}.")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"Không được lớn hơn {spec.maximum:,}.".replace(",", "."))
    return number


TRUE_WORDS = {"1", "true", "yes", "y", "x", "có", "co", "c"}
FALSE_WORDS = {"0", "false", "no", "n", "không", "khong", "k", ""}


def _parse_bool(spec: FieldSpec, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("Chỉ nhận «Có» hoặc «Không».")


def _choice_key(spec: FieldSpec, value: Any) -> str:
    text = str(value).strip()
    for key, label in spec.choices:
        if text == key or text.lower() == label.lower():
            return key
    allowed = ", ".join(label for _, label in spec.choices)
    raise ValueError(f"Giá trị «{text[:50]}» không hợp lệ; chọn một trong: {allowed}.")


def _parse_multichoice(spec: FieldSpec, value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;\n]", str(value))
    keys = [_choice_key(spec, item) for item in items if str(item).strip()]
    order = [key for key, _ in spec.choices]
    return sorted(set(keys), key=order.index)


def _parse_date(spec: FieldSpec, value: Any) -> date:
    if isinstance(value, datetime):
        return check_year(value.date())
    if isinstance(value, date):
        return check_year(value)
    return check_year(_read_date(str(value).strip()))


_DATE_SHAPES = ((re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII), (3, 2, 1)),
                (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII), (1, 2, 3)))


def _read_date(text: str) -> date:
    """dd/mm/yyyy or yyyy-mm-dd (a date input); a well-formed date missing from the calendar
    ("31/02/2026") is named as such, not as a wrong format."""
    for shape, (year, month, day) in _DATE_SHAPES:
        match = shape.fullmatch(text)
        if match:
            parts = [int(match.group(index)) for index in (year, month, day)]
            try:
                return date(*parts)
            except ValueError:
                raise ValueError(f"Ngày {parts[2]:02d}/{parts[1]:02d}/{parts[0]:04d} không có trong lịch.") from None
    raise ValueError("Ngày phải theo dạng dd/mm/yyyy.")


def check_year(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(YEAR_RANGE_MESSAGE)
    return day


def _parse_datetime(spec: FieldSpec, value: Any) -> datetime:
    """An aware moment (the web edge turns the user's local time into one), returned in UTC."""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError("Thời điểm phải theo dạng dd/mm/yyyy HH:MM.")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(YEAR_RANGE_MESSAGE)
    return moment.astimezone(timezone.utc)


PARSERS: dict[str, Callable[[FieldSpec, Any], Any]] = {
    "text": _parse_text, "textarea": _parse_text, "email": _parse_text, "int": _parse_int,
    "bool": _parse_bool, "choice": _choice_key, "multichoice": _parse_multichoice, "date": _parse_date,
    "datetime": _parse_datetime,
}


def parse_field(spec: FieldSpec, value: Any) -> Any:
    """Python value for one field, or ValueError with a Vietnamese message."""
    if _blank(value):
        if spec.required and spec.kind != "bool":
            raise ValueError("Bắt buộc nhập.")
        return spec.empty_value()
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return PARSERS[spec.kind](spec, value)


def parse_record(specs: list[FieldSpec], raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse every field; returns (values, errors by field name)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            values[spec.name] = parse_field(spec, raw.get(spec.name))
        except ValueError as exc:
            errors[spec.name] = str(exc)
    return values, errors


def display_value(spec: FieldSpec, value: Any) -> str:
    """How a value is written in a spreadsheet cell or shown on a page."""
    if spec.kind == "bool":
        return "Có" if value else "Không"
    if spec.kind == "choice":
        return spec.choice_label(value) if value else ""
    if spec.kind == "multichoice":
        return "; ".join(spec.choice_label(item) for item in value or [])
    if spec.kind == "date":
        return value.strftime("%d/%m/%Y") if value else ""
    return "" if value is None else str(value)

