"""submit(): the one place a view commits a use case, rolls it back and shows why it was refused."""
from __future__ import annotations

import pytest
from flask import get_flashed_messages
from werkzeug.exceptions import Forbidden

from ir_app.services.errors import PermissionDenied, ServiceError, ValidationFailed
from ir_app.web.forms import SimpleForm, submit


def refuse(error: Exception):
    raise error


@pytest.fixture
def request_context(app):
    with app.test_request_context("/", method="POST"):
        yield


def test_success_message_can_name_what_was_made(request_context):
    outcome = submit(SimpleForm(), lambda: "SC-2026-0001", lambda code: f"Đã gửi báo cáo {code}.")
    assert outcome and outcome.result == "SC-2026-0001" and outcome.status == 200
    assert get_flashed_messages() == ["Đã gửi báo cáo SC-2026-0001."]


def test_a_use_case_refusal_is_shown_not_a_server_error(request_context):
    form = SimpleForm()
    outcome = submit(form, lambda: refuse(ServiceError("Quá nhiều báo cáo.")), "—")
    assert not outcome and outcome.status == 409 and form.form_errors == ["Quá nhiều báo cáo."]
    assert get_flashed_messages() == []


def test_button_refusals_are_flashed_and_bad_input_is_422(request_context):
    form = SimpleForm()
    outcome = submit(form, lambda: refuse(ValidationFailed({"note": "Cần ghi chú."})), "—",
                     flash_refusal=True)
    assert not outcome and outcome.status == 422 and form.form_errors == []
    assert get_flashed_messages(with_categories=True) == [("error", "Cần ghi chú.")]


def test_rehearsal_keeps_the_result_and_nothing_else(request_context):
    outcome = submit(SimpleForm(), lambda: "Đã đóng", "—", rehearse=True)
    assert outcome and outcome.result == "Đã đóng" and get_flashed_messages() == []


def test_permission_refused_is_403(request_context):
    with pytest.raises(Forbidden):
        submit(SimpleForm(), lambda: refuse(PermissionDenied()), "—")
