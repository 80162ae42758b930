"""The audit log speaks to people: names, plain Vietnamese actions and objects, labelled fields,
with the raw event (codes, field names, hash) one click away."""
from __future__ import annotations

import re

from ir_app.models import Role
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.audit_view import ACTION_LABELS, OBJECT_LABELS, action_label
from tests.ops_support import make_system


def _visible_text(html: str) -> str:
    """The page as read, without the technical details folded under «Chi tiết kỹ thuật»."""
    html = re.sub(r'<details class="audit-raw.*?</details>', "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_people_objects_and_fields_are_named(session, commune, make_user, make_web, clock):
    clerk = make_user(Role.STAFF, organisation=commune, name="Nguyễn Thị Hoa")
    system = make_system(session, commune, code="MOTCUA", name="Một cửa điện tử")
    audit.record(session, Actor.of(clerk), "update", now=clock.now(), object_type="information_systems",
                 object_id=system.id, commune_id=commune.id, summary="Sửa hệ thống",
                 changes={"system_type": ["internal", "citizen_service"], "handles_admin_procedures": [False, True]})
    session.commit()
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    html = auditor.get("/audit/").get_data(as_text=True)
    text = _visible_text(html)
    assert "Nguyễn Thị Hoa" in text and "Cập nhật" in text
    assert "Hệ thống thông tin «Một cửa điện tử»" in text
    assert "Loại hệ thống (Điều 9)" in text and "Phục vụ người dân, doanh nghiệp" in text
    assert "Là hệ thống thông tin giải quyết thủ tục hành chính: Không → Có" in text
    for word in ("information_systems", "system_type", "citizen_service", "update", "@vinh-lai.test"):
        assert word not in text, word
    # The raw event stays one click away, for inspectors and their tools.
    assert "Chi tiết kỹ thuật" in html and "<code>update</code>" in html and "system_type" in html


def test_sign_ins_and_dossier_steps_read_as_words(session, commune, make_user, make_web, clock):
    auditor_user = make_user(Role.AUDITOR, organisation=commune, name="Trần Văn Kiểm")
    auditor = make_web(auditor_user)  # the sign-in itself is logged
    audit.record(session, Actor.of(auditor_user), "transition", now=clock.now(), object_type="dossier",
                 object_id=999, commune_id=commune.id, summary="Nộp hồ sơ", changes={"state": ["draft", "submitted"]})
    session.commit()
    text = _visible_text(auditor.get("/audit/").get_data(as_text=True))
    assert "Đăng nhập" in text and "Trần Văn Kiểm" in text and "Tài khoản «Trần Văn Kiểm»" in text
    assert "Chuyển bước hồ sơ" in text and "Trạng thái:" in text
    assert " draft " not in text and "submitted" not in text
    assert re.search(r"Trạng thái: \S.* → \S", text)


def test_every_action_and_object_type_the_code_records_has_words():
    """A new action or object type added without words would show as «Thao tác khác»."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "ir_app"
    actions, objects = set(), set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            if "object_type" not in keywords or getattr(node.func, "attr", getattr(node.func, "id", "")) != "record":
                continue
            if isinstance(keywords["object_type"], ast.Constant):
                objects.add(keywords["object_type"].value)
            action = node.args[2] if len(node.args) > 2 else keywords.get("action")
            for constant in ast.walk(action) if action is not None else ():
                if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                    actions.add(constant.value)
    assert objects and actions
    assert objects <= set(OBJECT_LABELS), objects - set(OBJECT_LABELS)
    assert actions <= set(ACTION_LABELS), actions - set(ACTION_LABELS)
    assert action_label("transition:contain") == "Chuyển trạng thái sự cố"


def test_filters_offer_words_and_still_find_both_spellings_of_a_type(session, commune, make_user, make_web, clock):
    system = make_system(session, commune)
    for object_type in ("information_systems", "information_system"):
        audit.record(session, Actor.system("kiểm thử"), "update", now=clock.now(), object_type=object_type,
                     object_id=system.id, commune_id=commune.id, summary=f"Sự kiện {object_type}")
    session.commit()
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    html = auditor.get("/audit/?object_type=information_system").get_data(as_text=True)
    assert "Sự kiện information_systems" in html and "Sự kiện information_system<" in html
    assert '<option value="update"' in html and ">Cập nhật</option>" in html
