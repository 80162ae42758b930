"""The shipped playbooks/ folder: every file validates, and broken copies are rejected clearly."""

import hashlib
import shutil
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from ir_app.datafiles.playbooks import (
    load_categories,
    load_clock_rules,
    load_lifecycle,
    load_playbook,
    load_playbooks,
    load_schema,
    playbook_paths,
    validate_directory,
)
from ir_app.domain.playbooks import PlaybookError, TransitionRefused, due_clocks, transition

PLAYBOOKS_DIR = Path(__file__).resolve().parents[2] / "playbooks"
EXPECTED = {
    "ransomware", "web-defacement", "email-compromise", "malware-one-stop-shop", "citizen-data-leak",
    "internet-outage-dos", "hardware-power-failure", "lost-device", "suspicious-access-tthc",
}
ICT = timezone(timedelta(hours=7))
DETECTED = datetime(2026, 11, 2, 8, 30, tzinfo=ICT)


@pytest.fixture(scope="module")
def shipped():
    return load_playbooks(PLAYBOOKS_DIR)


@pytest.fixture(scope="module")
def lifecycle():
    return load_lifecycle(PLAYBOOKS_DIR)


@pytest.fixture(scope="module")
def rules():
    return load_clock_rules(PLAYBOOKS_DIR)


@pytest.fixture
def folder(tmp_path):
    """A private copy of the shipped folder to break."""
    return Path(shutil.copytree(PLAYBOOKS_DIR, tmp_path / "playbooks"))


def _edit(path, change):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _load(path):
    catalogue = load_categories(path.parent)
    return load_playbook(path, lifecycle=load_lifecycle(path.parent), category_ids=catalogue.category_ids,
                         clock_rules=load_clock_rules(path.parent))


def _step(raw, step_id):
    return next(step for step in raw["steps"] if step["id"] == step_id)


# --------------------------------------------------------------------------- the shipped folder

def test_shipped_folder_is_valid():
    assert validate_directory(PLAYBOOKS_DIR) == []


def test_all_nine_playbooks_ship(shipped):
    assert set(shipped) == EXPECTED
    assert [path.stem for path in playbook_paths(PLAYBOOKS_DIR)] == sorted(EXPECTED)


@pytest.mark.parametrize("playbook_id", sorted(EXPECTED))
def test_each_playbook_is_complete_for_a_commune(shipped, lifecycle, playbook_id):
    playbook = shipped[playbook_id]
    path = PLAYBOOKS_DIR / f"{playbook_id}.yaml"
    assert playbook.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert playbook.status == "active" and 8 <= len(playbook.steps) <= 15
    assert set(playbook.phases) == set(lifecycle.phase_ids)  # every response activity is covered
    clocks = {step.clock for step in playbook.steps}
    assert {"nd331-report-72h", "nd331-initial-24h"} <= clocks
    assert any(step.continuity for step in playbook.steps), "keeps the one-stop-shop serving"
    assert any(step.phase == "review" for step in playbook.steps), "lessons learned"
    assert any("emergency_contacts" in step.links for step in playbook.steps)
    assert all(step.due is not None for step in playbook.steps if step.required)


def test_playbooks_touching_citizens_data_carry_the_pdp_notice(shipped):
    with_pdp = {pid for pid, playbook in shipped.items()
                if any(step.clock == "pdp-notice-72h" for step in playbook.steps)}
    assert with_pdp == EXPECTED - {"internet-outage-dos"}
    subject = {pid for pid, playbook in shipped.items()
               if any(step.clock == "pdp-subject-72h" for step in playbook.steps)}
    assert subject == {"citizen-data-leak", "lost-device"}
    breach = shipped["citizen-data-leak"]
    assert "breach-record" in breach.step("pdp-notice-72h").depends_on


def test_every_category_but_other_has_a_playbook(shipped):
    covered = {category for playbook in shipped.values() for category in playbook.categories}
    assert set(load_categories(PLAYBOOKS_DIR).category_ids) - covered == {"other"}


@pytest.mark.parametrize("path", sorted(PLAYBOOKS_DIR.glob("*.*")), ids=lambda path: path.name)
def test_vietnamese_text_is_utf8_and_composed(path):
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)  # "ệ" as one character, not e + two marks
    assert "\t" not in text


def test_schema_is_draft_2020_12():
    assert load_schema(PLAYBOOKS_DIR)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# --------------------------------------------------------------------------- shipped lifecycle and clocks

def test_shipped_lifecycle_roles_and_guards(lifecycle):
    staff_actions = {rule.action for rule in lifecycle.transitions if "staff" in rule.roles}
    assert staff_actions == {"report"}
    assert all(set(rule.roles) <= {"admin", "officer", "staff"} for rule in lifecycle.transitions)
    close = lifecycle.action("close")
    assert {"required_tasks_done", "resolution_written", "lessons_written", "due_reports_recorded"} <= set(close.guards)
    assert set(lifecycle.action("reopen").from_states) == {"closed", "not_incident"}
    assert lifecycle.action("reopen").comment_required and lifecycle.action("restore_directly").comment_required


def test_walk_the_shipped_lifecycle(lifecycle):
    officer, ok = {"officer"}, {guard.id: True for guard in lifecycle.guards}
    state = transition(lifecycle, None, "report", {"staff"}, {}, None)
    for action in ("analyse", "contain", "restore", "trace", "review"):
        state = transition(lifecycle, state, action, officer, ok, None)
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, state, "close", officer, {**ok, "due_reports_recorded": False}, None)
    assert "báo cáo đến hạn" in caught.value.reason
    assert transition(lifecycle, state, "close", officer, ok, None) == "closed"


@pytest.mark.parametrize(("facts", "expected"), [
    ({"severity": "thong_thuong"}, ["nd331-report-72h"]),
    ({"severity": "nghiem_trong"}, ["nd331-initial-24h", "nd331-report-72h", "nd331-final"]),
    ({"national_security_signs": True}, ["nd331-immediate", "nd331-report-72h"]),
    ({"personal_data_involved": True}, ["nd331-report-72h", "pdp-notice-72h"]),
    ({"personal_data_involved": True, "location_or_biometric": True},
     ["nd331-report-72h", "pdp-notice-72h", "pdp-subject-72h"]),
    ({"complex": True}, ["nd331-report-72h", "nd331-update", "nd331-final"]),
    ({"cyber_incident": False}, []),
])
def test_shipped_clock_rules(rules, facts, expected):
    assert [rule.id for rule, _ in due_clocks(rules, facts, DETECTED)] == expected


def test_shipped_clock_deadlines(rules):
    due = {rule.id: at for rule, at in due_clocks(rules, {"severity": "nghiem_trong", "serious_disruption": True,
                                                          "personal_data_involved": True}, DETECTED)}
    assert due["nd331-immediate"] == DETECTED + timedelta(hours=1)  # "ngay": the grace of clocks.yaml › immediately
    assert due["nd331-initial-24h"] == DETECTED + timedelta(hours=24)
    assert due["nd331-report-72h"] == due["pdp-notice-72h"] == DETECTED + timedelta(hours=72)
    legacy = datetime(2026, 6, 15, 10, 0, tzinfo=ICT)
    assert [(rule.id, at) for rule, at in due_clocks(rules, {}, legacy)] == [
        ("legacy-notice-5d", legacy + timedelta(days=5))]


def test_statutory_flags_and_articles(rules):
    by_id = {rule.id: rule for rule in rules}
    assert not by_id["nd331-update"].statutory and not by_id["nd331-final"].statutory
    assert by_id["nd331-report-72h"].statutory and "Đ31.2.d" in by_id["nd331-report-72h"].article
    assert by_id["pdp-notice-72h"].form.startswith("Mẫu số 08")
    assert set(by_id["pdp-notice-72h"].regimes) == {"nd331-2026", "legacy-tt20-2017"}


# --------------------------------------------------------------------------- broken copies

def test_unknown_dependency_names_the_file_the_step_and_the_reason(folder):
    path = folder / "ransomware.yaml"
    _edit(path, lambda raw: _step(raw, "isolate-machines")["depends_on"].append("pay-the-ransom"))
    with pytest.raises(PlaybookError) as caught:
        _load(path)
    message = str(caught.value)
    assert str(path) in message and "isolate-machines" in message and "không có bước 'pay-the-ransom'" in message
    assert caught.value.step == "isolate-machines"


def test_schema_error_names_the_json_path_and_the_step(folder):
    path = folder / "web-defacement.yaml"
    _edit(path, lambda raw: _step(raw, "take-site-offline").pop("title"))
    with pytest.raises(PlaybookError) as caught:
        _load(path)
    error = caught.value
    assert error.where == "$.steps[4] (bước 'take-site-offline')" and error.step == "take-site-offline"
    assert "thiếu trường bắt buộc" in error.reason and "'title'" in error.reason


def test_dependency_cycle_in_a_file(folder):
    path = folder / "lost-device.yaml"
    _edit(path, lambda raw: _step(raw, "collect-facts").update(depends_on=["lessons-learned"]))
    with pytest.raises(PlaybookError, match="phụ thuộc vòng tròn: collect-facts → "):
        _load(path)


def test_id_must_match_the_file_name(folder):
    path = folder / "ransomware.yaml"
    _edit(path, lambda raw: raw.update(id="ransom"))
    with pytest.raises(PlaybookError, match="phải trùng tên tệp 'ransomware'"):
        _load(path)


def test_yaml_syntax_error(folder):
    path = folder / "ransomware.yaml"
    path.write_text("id: ransomware\nsteps: [\n", encoding="utf-8")
    with pytest.raises(PlaybookError, match="cú pháp không hợp lệ") as caught:
        _load(path)
    assert caught.value.source == str(path)


def test_validate_directory_collects_errors_from_several_files(folder):
    _edit(folder / "ransomware.yaml", lambda raw: _step(raw, "isolate-machines").update(role="hacker"))
    _edit(folder / "email-compromise.yaml", lambda raw: raw.update(version="v2"))
    _edit(folder / "lost-device.yaml", lambda raw: (
        _step(raw, "remote-lock-wipe").update(phase="eradicate"),
        _step(raw, "revoke-access")["depends_on"].append("ghost"),
    ))
    _edit(folder / "suspicious-access-tthc.yaml",
          lambda raw: _step(raw, "report-72h").update(due={"after": "detection", "within": "P5D"}))
    errors = validate_directory(folder)
    by_file = {}
    for error in errors:
        by_file.setdefault(Path(error.source).name, []).append(error)
    assert set(by_file) == {"ransomware.yaml", "email-compromise.yaml", "lost-device.yaml",
                            "suspicious-access-tthc.yaml"}
    assert by_file["ransomware.yaml"][0].step == "isolate-machines"  # schema: role enum
    assert "$.version" in by_file["email-compromise.yaml"][0].where
    assert {error.step for error in by_file["lost-device.yaml"]} == {"remote-lock-wipe", "revoke-access"}
    assert "PT72H" in by_file["suspicious-access-tthc.yaml"][0].reason


def test_broken_shared_file_is_reported_and_playbooks_still_checked(folder):
    _edit(folder / "lifecycle.yaml", lambda raw: raw["transitions"][0].update(roles=["mayor"]))
    _edit(folder / "ransomware.yaml", lambda raw: raw.pop("summary"))
    errors = validate_directory(folder)
    assert [Path(error.source).name for error in errors] == ["lifecycle.yaml", "ransomware.yaml"]
    assert "không có vai trò 'mayor'" in errors[0].reason


def test_load_playbooks_raises_the_first_error(folder):
    (folder / "clocks.yaml").write_text("regimes: []\nrules: []\n", encoding="utf-8")
    with pytest.raises(PlaybookError) as caught:
        load_playbooks(folder)
    assert Path(caught.value.source).name == "clocks.yaml"


def test_empty_folder(tmp_path):
    for name in ("lifecycle.yaml", "categories.yaml", "clocks.yaml", "schema.json"):
        shutil.copy(PLAYBOOKS_DIR / name, tmp_path / name)
    assert [error.reason for error in validate_directory(tmp_path)] == ["không có kịch bản nào (*.yaml)"]
