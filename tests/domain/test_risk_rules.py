"""Risk register rules: the level matrix read from data, treatment decisions, the starter proposal."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from ir_app.datafiles.loader import load_yaml
from ir_app.datafiles.measures import load_threat_catalogue
from ir_app.datafiles.risks import load_risk_matrix, validate_risks_dir
from ir_app.domain import risks as rules
from ir_app.domain.risks import ComponentInfo, Decision, RiskMatrixError, SystemProfile, build_risk_matrix

ROOT = Path(__file__).resolve().parents[2] / "level_dossiers"
MATRIX = ROOT / "risks" / "commune-risk-matrix.yaml"
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def threats():
    return load_threat_catalogue(ROOT / "threats" / "commune-threats.yaml")


@pytest.fixture(scope="module")
def matrix(threats):
    return load_risk_matrix(MATRIX, threats)


def test_the_shipped_matrix_is_valid_and_rates_every_cell(matrix, threats):
    assert validate_risks_dir(ROOT / "risks", threats) == []
    assert [level.id for level in matrix.levels] == ["low", "medium", "high", "critical"]
    assert matrix.level(1, 1).label == "Thấp"
    assert matrix.level(3, 4).label == "Cao"          # ransomware by default: possible × major
    assert matrix.level(5, 5).label == "Rất cao"
    assert {matrix.level(a, b).id for a in rules.SCALE for b in rules.SCALE} == {"low", "medium", "high", "critical"}


@pytest.mark.parametrize("likelihood, impact", [(0, 3), (6, 1), (3, 0), (True, 2), ("3", 3)])
def test_ratings_outside_the_scale_are_refused(matrix, likelihood, impact):
    with pytest.raises(ValueError):
        matrix.level(likelihood, impact)


def test_levels_never_fall_as_likelihood_or_impact_rise(matrix):
    for likelihood in rules.SCALE:
        for impact in rules.SCALE:
            here = matrix.level(likelihood, impact).rank
            if likelihood < 5:
                assert matrix.level(likelihood + 1, impact).rank >= here
            if impact < 5:
                assert matrix.level(likelihood, impact + 1).rank >= here


def _raw():
    return load_yaml(MATRIX.read_text(encoding="utf-8"))


def test_a_matrix_whose_level_drops_is_refused_with_the_cell(threats):
    raw = copy.deepcopy(_raw())
    raw["matrix"][5][4] = "low"
    with pytest.raises(RiskMatrixError, match=r"matrix\[5\]\[4\].*không được giảm"):
        build_risk_matrix(raw, "x.yaml", threats.ids)


def test_a_cell_naming_an_undeclared_level_or_unknown_threat_is_refused(threats):
    raw = copy.deepcopy(_raw())
    raw["matrix"][2][0] = "tiny"
    with pytest.raises(RiskMatrixError, match="tiny"):
        build_risk_matrix(raw, "x.yaml", threats.ids)
    raw = copy.deepcopy(_raw())
    raw["proposals"]["internet_exposed"].append("TM.NOT-THERE")
    with pytest.raises(RiskMatrixError, match="TM.NOT-THERE"):
        build_risk_matrix(raw, "x.yaml", threats.ids)


def _decision(**values):
    base = dict(treatment="reduce", likelihood=3, impact=4, residual_likelihood=2, residual_impact=4,
                measure_count=1)
    return Decision(**(base | values))


def test_a_reduced_risk_needs_a_measure_and_a_residual_not_above_the_start(matrix):
    assert rules.decision_problems(matrix, _decision(), TODAY) == {}
    assert "measure_ids" in rules.decision_problems(matrix, _decision(measure_count=0), TODAY)
    assert "residual_likelihood" in rules.decision_problems(matrix, _decision(residual_likelihood=5,
                                                                              residual_impact=5), TODAY)


def test_an_accepted_risk_needs_who_why_until_when_and_an_acceptable_level(matrix):
    problems = rules.decision_problems(matrix, _decision(treatment="accept", measure_count=0,
                                                         residual_likelihood=3), TODAY)
    assert set(problems) == {"accepted_by", "accepted_reason", "accepted_until", "treatment"}  # residual "Cao"
    complete = _decision(treatment="accept", measure_count=0, residual_likelihood=2, residual_impact=2,
                         accepted_by="Nguyễn Văn A — Chủ tịch UBND xã", accepted_reason="Chi phí lớn hơn thiệt hại",
                         accepted_until=date(2027, 6, 30))
    assert rules.decision_problems(matrix, complete, TODAY) == {}
    past = rules.decision_problems(matrix, complete.__class__(**{**complete.__dict__, "accepted_until": TODAY}), TODAY)
    assert set(past) == {"accepted_until"}


def test_transfer_and_avoid_say_to_whom_or_what(matrix):
    assert "treatment_note" in rules.decision_problems(matrix, _decision(treatment="transfer", measure_count=0), TODAY)
    assert rules.decision_problems(matrix, _decision(treatment="avoid", measure_count=0,
                                                     treatment_note="Tắt truy cập từ xa"), TODAY) == {}


def test_acceptance_state_by_days_left():
    assert rules.acceptance_state("reduce", date(2027, 1, 1), TODAY) is None
    assert rules.acceptance_state("accept", date(2027, 6, 1), TODAY) == "valid"
    assert rules.acceptance_state("accept", date(2026, 12, 20), TODAY) == "expiring"
    assert rules.acceptance_state("accept", TODAY, TODAY) == "expired"


def test_residual_guess_from_measure_statuses():
    assert rules.proposed_residual(3, 4, ["planned"]) == (3, 4)
    assert rules.proposed_residual(3, 4, ["planned", "partly"]) == (2, 4)
    assert rules.proposed_residual(2, 4, ["in_place"]) == (1, 4)


def test_proposal_follows_system_type_exposure_and_components(matrix, threats):
    portal = SystemProfile("citizen_service", internet_exposed=True, components=(
        ComponentInfo(7, "application", "Cổng thông tin điện tử xã", "Cổng thông tin điện tử xã Joomla"),))
    proposed = rules.propose(threats.threats, matrix.proposals, portal)
    ids = [p.threat_id for p in proposed]
    assert ids == [t for t in threats.ids if t in ids]          # catalogue order
    assert "TM.DEFACEMENT" in ids and "TM.IMPERSONATION" not in ids
    defacement = next(p for p in proposed if p.threat_id == "TM.DEFACEMENT")
    assert (defacement.component_id, defacement.component_name) == (7, "Cổng thông tin điện tử xã")
    camera = SystemProfile("other", components=(ComponentInfo(3, "equipment", "Đầu ghi hình", "Đầu ghi NVR"),))
    camera_ids = [p.threat_id for p in rules.propose(threats.threats, matrix.proposals, camera)]
    assert "TM.CAMERA-ACCESS" in camera_ids and "TM.RANSOMWARE" not in camera_ids
    again = rules.propose(threats.threats, matrix.proposals, portal, already=ids)
    assert again == []


def test_attack_threats_text_lists_highest_level_first(matrix):
    rows = [rules.RatedThreat("Thư lừa đảo", "", 4, "Thường xảy ra", 3, "Trung bình", matrix.level(4, 3)),
            rules.RatedThreat("Mất điện", "Máy chủ", 2, "Ít khi", 2, "Nhỏ", matrix.level(2, 2))]
    text = rules.attack_threats_text(list(reversed(rows)))
    assert text.startswith("Thư lừa đảo: khả năng xảy ra thường xảy ra (4/5)")
    assert "Mất điện (Máy chủ)" in text and text.endswith("mức rủi ro thấp.")
    assert rules.attack_threats_text([]) == ""


def test_word_diff_and_list_change_for_library_updates():
    from ir_app.domain.library_diff import list_change, word_diff

    pieces = word_diff("Sao lưu hằng tuần.", "Sao lưu hằng ngày, bản sao ngoại tuyến.")
    assert "".join(p.text for p in pieces if p.kind != "added") == "Sao lưu hằng tuần."
    assert "".join(p.text for p in pieces if p.kind != "removed") == "Sao lưu hằng ngày, bản sao ngoại tuyến."
    assert all(p.kind == "same" for p in word_diff("Giống nhau", "Giống nhau"))
    change = list_change(["QL.CS.1", "KT.MC.1"], ["QL.CS.1", "QL.CS.2"])
    assert (change.added, change.removed, change.changed) == (("QL.CS.2",), ("KT.MC.1",), True)
