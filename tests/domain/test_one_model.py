"""The dossier workflow and the incident lifecycle run on one state machine; level criteria and
clock conditions are written in one condition language, compiled once when the file is loaded."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml

from ir_app.config import bundled_root
from ir_app.datafiles.playbooks import load_clock_rules, load_lifecycle
from ir_app.datafiles.regimes import load_regimes
from ir_app.domain.conditions import ConditionError, KnownNames, compile_condition
from ir_app.domain.state_machine import StateMachine, TransitionRefused
from ir_app.domain.workflow import build_workflow

ROOT = bundled_root()
VN = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def workflow():
    path = ROOT / "level_dossiers" / "workflow.yaml"
    roles = ("admin", "officer", "staff", "appraiser", "approver", "auditor", "overseer")
    return build_workflow(yaml.safe_load(path.read_text(encoding="utf-8")), path, roles)


@pytest.fixture(scope="module")
def lifecycle():
    return load_lifecycle(ROOT / "playbooks")


def test_both_processes_are_the_same_kind_of_machine(workflow, lifecycle):
    assert isinstance(workflow, StateMachine) and isinstance(lifecycle, StateMachine)


def test_dossier_refusals_name_the_dossier_and_expand_level_roles(workflow):
    approves = {"@approves": ("approver",), "@appraises": ("appraiser",)}
    with pytest.raises(TransitionRefused) as caught:
        workflow.allow("draft", "approve", {"approver"}, unmet={}, aliases=approves)
    assert caught.value.code == "wrong_state"
    assert caught.value.reason == "Không thể «Phê duyệt cấp độ» khi hồ sơ đang ở trạng thái «Đang soạn»."
    with pytest.raises(TransitionRefused) as caught:
        workflow.allow("pending_approval", "approve", {"appraiser"}, unmet={}, aliases=approves)
    assert caught.value.code == "forbidden"
    with pytest.raises(TransitionRefused) as caught:  # a guard left out counts as not met
        workflow.allow("pending_approval", "approve", {"approver"}, unmet={"decision_recorded": None},
                       aliases=approves)
    assert caught.value.code == "guard_failed"
    assert caught.value.failed_guards == ("security_policy_recorded", "appraisal_independent_recorded")
    met = {guard.id: None for guard in workflow.guards}
    assert workflow.allow("pending_approval", "approve", {"approver"}, unmet=met, aliases=approves).to == "approved"


def test_incident_refusals_name_the_incident(lifecycle):
    with pytest.raises(TransitionRefused) as caught:
        lifecycle.allow(None, "close", {"officer"}, unmet={})
    assert caught.value.reason == "Không thể «Đóng sự cố» khi sự cố chưa được tạo."
    assert [rule.action for rule in lifecycle.available(None, {"staff"})] == ["report"]


def test_one_language_reads_both_subject_keys():
    values = {"severity": "nghiem_trong", "users": 12000}
    assert compile_condition({"fact": "severity", "eq": "nghiem_trong"})(values)
    assert compile_condition({"field": "users", "gte": 10000})(values)
    assert compile_condition({"not": {"fact": "users", "lt": 10000}}).fields() == {"users"}


def test_operands_are_parsed_once_when_compiled():
    rule = compile_condition({"fact": "detected_at", "before": "2026-07-01T00:00:00+07:00"})
    assert rule.operand == datetime(2026, 7, 1, tzinfo=VN)
    assert rule({"detected_at": datetime(2026, 6, 30, 23, 0, tzinfo=VN)})
    assert not rule({})  # a missing fact is null: no moment is before anything


@pytest.mark.parametrize(("raw", "path"), [
    ({"all": [{"fact": "severity", "eq": 1}, {"fact": "sevrity", "eq": 1}]}, "$.all[1].fact"),
    ({"any": []}, "$.any"),
    ({"fact": "severity", "in": "abc"}, "$.in"),
    ({"fact": "severity", "like": "x"}, "$.like"),
    ({"fact": "severity", "field": "severity", "eq": 1}, "$.field"),
])
def test_broken_conditions_name_the_place(raw, path):
    with pytest.raises(ConditionError) as caught:
        compile_condition(raw, KnownNames({"severity"}))
    assert caught.value.path == path


def test_loaded_files_hold_compiled_conditions():
    rules = load_clock_rules(ROOT / "playbooks")
    assert any(callable(rule.applies_when) for rule in rules)
    regime = next(iter(load_regimes(ROOT / "level_dossiers" / "regimes").values()))
    assert all(callable(criterion.rule) for criterion in regime.criteria)
