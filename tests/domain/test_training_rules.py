"""Training requirements as data, and where a person and a commune stand: met, expiring, missing,
the requirement period a reminder belongs to, and the commune's coverage."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from ir_app.datafiles.training import load_training_rules
from ir_app.domain.training import (
    EXPIRING,
    MET,
    MISSING,
    Person,
    TrainingDataError,
    coverage,
    coverage_level,
    name_key,
    standing,
)

ROOT = Path(__file__).resolve().parents[2] / "level_dossiers" / "training"
LEGAL = Path("/work/shared/legal")


@pytest.fixture(scope="module")
def rules():
    return load_training_rules(ROOT / "requirements.yaml")


def _requirement(rules, requirement_id):
    return next(item for item in rules.requirements if item.id == requirement_id)


def test_the_shipped_requirements_cover_officers_staff_and_leaders(rules):
    assert {item.id for item in rules.for_roles({"officer"})} == {"officer-incident-response"}
    assert {item.id for item in rules.for_roles({"staff"})} == {"staff-awareness"}
    assert {item.id for item in rules.for_roles({"approver"})} == {"leader-security-policy"}
    assert rules.for_roles({"auditor"}) == [] and rules.warn_days == 30
    assert all(item.basis for item in rules.requirements)


@pytest.mark.skipif(not LEGAL.is_dir(), reason="the legal texts are not on this machine")
def test_every_quoted_basis_is_in_the_law_texts(rules):
    """Quotes are copied from the texts (their PDF spacing removed), never invented."""
    texts = " ".join(" ".join(path.read_text(encoding="utf-8").split()) for path in LEGAL.glob("*.txt"))
    squeezed = texts.replace(" ", "")
    for requirement in rules.requirements:
        for entry in requirement.basis:
            assert entry.quote.replace(" ", "") in squeezed, (requirement.id, entry.citation)


def test_met_expiring_missing_and_the_period(rules):
    yearly = _requirement(rules, "officer-incident-response")
    met = standing(yearly, [date(2026, 3, 1)], date(2026, 11, 26), 30)
    assert (met.state, met.valid_until, met.period_start) == (MET, date(2027, 3, 1), date(2027, 3, 1))
    soon = standing(yearly, [date(2025, 12, 20), date(2025, 6, 1)], date(2026, 11, 26), 30)
    assert (soon.state, soon.valid_until) == (EXPIRING, date(2026, 12, 20))
    expired = standing(yearly, [date(2025, 10, 1)], date(2026, 11, 26), 30)
    assert (expired.state, expired.period_start) == (MISSING, date(2026, 10, 1))
    long_ago = standing(yearly, [date(2023, 10, 1)], date(2026, 11, 26), 30)
    assert long_ago.period_start == date(2026, 10, 1)   # whole periods counted from the expiry
    never = standing(yearly, [], date(2026, 11, 26), 30)
    assert (never.state, never.valid_until, never.period_start) == (MISSING, None, date(2026, 1, 1))
    biennial = standing(_requirement(rules, "leader-security-policy"), [], date(2027, 5, 3), 30)
    assert biennial.period_start == date(2026, 1, 1)
    future = standing(yearly, [date(2026, 12, 1)], date(2026, 11, 26), 30)
    assert future.state == MISSING                          # a session not yet held counts for nothing


def test_coverage_of_a_commune(rules):
    people = [Person("user:1", "Hùng", frozenset({"officer"}), user_id=1),
              Person("user:2", "Mai", frozenset({"staff", "approver"}), user_id=2),
              Person(name_key(" Nguyễn  Văn Thôn "), "Nguyễn Văn Thôn", frozenset({"other"})),
              Person("user:3", "Kiểm tra", frozenset({"auditor"}), user_id=3)]
    trained = {("user:1", "incident-response"): [date(2026, 5, 1)], ("user:2", "awareness"): [date(2025, 12, 1)]}
    found = coverage(people, rules, trained, date(2026, 11, 26))
    assert [row.person.name for row in found.rows] == ["Hùng", "Mai"]   # no requirement: not listed
    assert (found.required, found.met, found.percent) == (3, 2, 66)
    assert (found.count(MET), found.count(EXPIRING), found.count(MISSING)) == (1, 1, 1)
    assert coverage_level(found.percent) == "red" and coverage_level(80) == "amber"
    assert coverage_level(100) == "green" and coverage_level(None) == "green"
    assert name_key(" Nguyễn  Văn Thôn ") == name_key("nguyễn văn thôn")


def test_a_requirement_naming_an_unknown_topic_is_refused(tmp_path):
    folder = Path(shutil.copytree(ROOT, tmp_path / "training"))
    raw = yaml.safe_load((folder / "requirements.yaml").read_text(encoding="utf-8"))
    raw["requirements"][1]["topic"] = "cooking"
    (folder / "requirements.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"requirements\[1\]\.topic: chủ đề 'cooking' chưa khai báo"):
        load_training_rules(folder / "requirements.yaml")
    raw["requirements"][1]["validity_months"] = 0
    (folder / "requirements.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"validity_months: giá trị quá nhỏ"):
        load_training_rules(folder / "requirements.yaml")
