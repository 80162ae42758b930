"""Level determination against the shipped regimes: every criterion at its boundary, the
typical commune systems, bad input, and a property that more exposure never lowers the level."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ir_app.datafiles.regimes import load_regimes
from ir_app.domain.levels import (
    LevelDecision,
    LevelInput,
    LevelInputError,
    LevelUndetermined,
    determine,
    highest_level,
    regime_for,
    validate_input,
)
from ir_app.domain.regimes import article_sort_key

ROOT = Path(__file__).resolve().parents[2]
REGIMES = load_regimes(ROOT / "level_dossiers" / "regimes")
ND331, ND85 = "nd331-2026", "nd85-2016"


def system(**answers):
    """An internal system with public information only, changed by ``answers``."""
    return {"system_type": "internal", "information": ["public"], **answers}


def citizen(**answers):
    return system(system_type="citizen_service", **answers)


def infra(scope, **answers):
    return system(system_type="infrastructure", infrastructure_scope=scope, **answers)


def ics(grade, **answers):
    return system(system_type="industrial_control", industrial_control_grade=grade, **answers)


def other(**answers):
    return system(system_type="other", **answers)


PERSONAL = ["public", "private", "personal"]

# (regime, case, input, expected level, criteria that must be met, criteria that must not be met)
CASES = [
    # ---------------------------------------------------------------- NĐ 331/2026 Đ11–15
    (ND331, "internal public only", system(), 1, {"l1.internal_public_only"}, set()),
    (ND331, "risk framework level 1", system(designated_level=1), 1,
     {"l1.risk_framework", "l1.internal_public_only"}, set()),
    (ND331, "internal private", system(information=["public", "private"]), 2,
     {"l2.internal_private_personal"}, {"l1.internal_public_only"}),
    (ND331, "internal personal", system(information=["personal"]), 2,
     {"l2.internal_private_personal"}, set()),
    (ND331, "citizen public only", citizen(), 2,
     {"l2.online_service_unconditional"}, {"l2.personal_data_below_threshold"}),
    (ND331, "basic subjects 99,999", citizen(information=PERSONAL, personal_data_subjects=99_999), 2,
     {"l2.personal_data_below_threshold", "l2.online_service_unconditional"},
     {"l3.personal_data_threshold"}),
    (ND331, "basic subjects 100,000", citizen(information=PERSONAL, personal_data_subjects=100_000),
     3, {"l3.personal_data_threshold"}, {"l2.personal_data_below_threshold"}),
    (ND331, "sensitive subjects 9,999", citizen(information=PERSONAL, sensitive_data_subjects=9_999),
     2, {"l2.personal_data_below_threshold"}, {"l3.personal_data_threshold"}),
    (ND331, "sensitive subjects 10,000",
     citizen(information=PERSONAL, sensitive_data_subjects=10_000), 3,
     {"l3.personal_data_threshold"}, {"l2.personal_data_below_threshold"}),
    (ND331, "conditional business service", citizen(conditional_business_service=True), 3,
     {"l3.online_service_conditional"}, {"l2.online_service_unconditional"}),
    (ND331, "administrative procedures", citizen(handles_admin_procedures=True), 3,
     {"l3.admin_procedures"}, set()),
    (ND331, "infrastructure one org", infra("one_org"), 2, {"l2.infrastructure_one_org"}, set()),
    (ND331, "infrastructure sector or province", infra("sector_or_province"), 3,
     {"l3.infrastructure_sector_province"}, {"l2.infrastructure_one_org"}),
    (ND331, "infrastructure national, not 24/7", infra("national"), 3,
     {"l3.infrastructure_sector_province"}, {"l4.national_24x7"}),
    (ND331, "infrastructure national 24/7", infra("national", national_24x7=True), 4,
     {"l4.national_24x7", "l3.infrastructure_sector_province"}, set()),
    (ND331, "infrastructure international", infra("international"), 5,
     {"l5.international_infrastructure"}, {"l3.infrastructure_sector_province"}),
    (ND331, "industrial control grade IV", ics("IV"), 3, {"l3.industrial_control_grade_2_4"}, set()),
    (ND331, "industrial control grade III", ics("III"), 3, {"l3.industrial_control_grade_2_4"},
     set()),
    (ND331, "industrial control grade II", ics("II"), 3, {"l3.industrial_control_grade_2_4"}, set()),
    (ND331, "industrial control grade I", ics("I"), 4, {"l4.industrial_control_grade_1"},
     {"l3.industrial_control_grade_2_4"}),
    (ND331, "industrial control special grade", ics("special"), 5,
     {"l5.industrial_control_special"}, {"l4.industrial_control_grade_1"}),
    (ND331, "state secret, no harm stated", system(information=["public", "state_secret"]), 3,
     {"l3.state_secret_or_security"}, {"l2.internal_private_personal"}),
    (ND331, "state secret with personal data", system(information=["personal", "state_secret"]), 3,
     {"l3.state_secret_or_security"}, {"l2.internal_private_personal"}),
    (ND331, "state secret, harm", system(information=["state_secret"], security_harm="harm"), 3,
     {"l3.state_secret_or_security"}, {"l4.security_serious_harm"}),
    (ND331, "state secret, serious harm",
     system(information=["state_secret"], security_harm="serious"), 4,
     {"l4.security_serious_harm", "l3.state_secret_or_security"}, set()),
    (ND331, "state secret, especially serious harm",
     system(information=["state_secret"], security_harm="especially_serious"), 5,
     {"l5.security_especially_serious"}, {"l4.security_serious_harm"}),
    (ND331, "security harm without secrets", other(security_harm="harm"), 3,
     {"l3.state_secret_or_security"}, set()),
    (ND331, "serious harm without secrets", other(security_harm="serious"), 4,
     {"l4.security_serious_harm"}, {"l3.state_secret_or_security"}),
    (ND331, "especially serious harm without secrets", other(security_harm="especially_serious"), 5,
     {"l5.security_especially_serious"}, set()),
    (ND331, "national e-government 24/7", citizen(national_24x7=True), 4, {"l4.national_24x7"},
     set()),
    (ND331, "national key data", other(national_key_data=True), 5, {"l5.national_key_data"}, set()),
    (ND331, "national security list: at least level 3 (Đ20.4)", system(national_security_list=True), 3,
     {"l3.national_security_list"}, set()),
    (ND331, "designated level 2", other(designated_level=2), 2, {"l2.pm_or_risk_framework"}, set()),
    (ND331, "designated level 3", other(designated_level=3), 3, {"l3.pm_or_risk_framework"}, set()),
    (ND331, "designated level 4", other(designated_level=4), 4, {"l4.pm_or_risk_framework"}, set()),
    (ND331, "designated level 5", other(designated_level=5), 5, {"l5.pm_or_risk_framework"}, set()),
    (ND331, "designated level never lowers", citizen(handles_admin_procedures=True,
                                                     designated_level=1), 3,
     {"l1.risk_framework", "l3.admin_procedures"}, set()),
    (ND331, "users count ignored", citizen(information=PERSONAL, users=50_000), 2, set(),
     {"l3.personal_data_threshold"}),
    # ---------------------------------------------------------------- NĐ 85/2016 Đ7–11
    (ND85, "internal public only", system(), 1, {"l1.internal_public_only"}, set()),
    (ND85, "internal private", system(information=["private"]), 2,
     {"l2.internal_private_personal"}, {"l1.internal_public_only"}),
    (ND85, "public service level 1", citizen(online_public_service_level=1), 2,
     {"l2.public_service_level_1_2", "l2.online_service_unconditional"}, set()),
    (ND85, "public service level 2", citizen(online_public_service_level=2), 2,
     {"l2.public_service_level_1_2"}, {"l3.public_service_level_3_4"}),
    (ND85, "public service level 3", citizen(online_public_service_level=3), 3,
     {"l3.public_service_level_3_4"}, {"l2.public_service_level_1_2"}),
    (ND85, "public service level 4", citizen(online_public_service_level=4), 3,
     {"l3.public_service_level_3_4"}, set()),
    (ND85, "unconditional online service", citizen(), 2, {"l2.online_service_unconditional"},
     {"l2.users_below_threshold"}),
    (ND85, "users 9,999", citizen(information=PERSONAL, users=9_999), 2,
     {"l2.users_below_threshold"}, {"l3.users_threshold"}),
    (ND85, "users 10,000", citizen(information=PERSONAL, users=10_000), 3,
     {"l3.users_threshold"}, {"l2.users_below_threshold"}),
    (ND85, "conditional business service", citizen(conditional_business_service=True), 3,
     {"l3.online_service_conditional"}, {"l2.online_service_unconditional"}),
    (ND85, "infrastructure one org", infra("one_org"), 2, {"l2.infrastructure_one_org"}, set()),
    (ND85, "infrastructure sector or province", infra("sector_or_province"), 3,
     {"l3.infrastructure_sector_province"}, set()),
    (ND85, "infrastructure national, not 24/7", infra("national"), 3,
     {"l3.infrastructure_sector_province"}, {"l4.national_infrastructure_24x7"}),
    (ND85, "infrastructure national 24/7", infra("national", national_24x7=True), 4,
     {"l4.national_infrastructure_24x7"}, {"l4.national_egov_24x7"}),
    (ND85, "infrastructure international", infra("international"), 5,
     {"l5.international_infrastructure"}, set()),
    (ND85, "national e-government 24/7", citizen(national_24x7=True), 4,
     {"l4.national_egov_24x7"}, {"l4.national_infrastructure_24x7"}),
    (ND85, "industrial control grade IV", ics("IV"), 3, {"l3.industrial_control_grade_2_4"}, set()),
    (ND85, "industrial control grade III", ics("III"), 3, {"l3.industrial_control_grade_2_4"}, set()),
    (ND85, "industrial control grade II", ics("II"), 3, {"l3.industrial_control_grade_2_4"}, set()),
    (ND85, "industrial control grade I", ics("I"), 4, {"l4.industrial_control_grade_1"}, set()),
    (ND85, "industrial control special grade", ics("special"), 5,
     {"l5.industrial_control_special"}, set()),
    (ND85, "state secret, no harm stated", system(information=["state_secret"]), 3,
     {"l3.state_secret_or_security"}, set()),
    (ND85, "state secret, harm", system(information=["state_secret"], security_harm="harm"), 3,
     {"l3.state_secret_or_security"}, set()),
    (ND85, "state secret, serious harm",
     system(information=["state_secret"], security_harm="serious"), 4,
     {"l4.security_serious_harm", "l3.state_secret_or_security"}, set()),
    (ND85, "state secret, especially serious harm",
     system(information=["state_secret"], security_harm="especially_serious"), 5,
     {"l5.security_especially_serious"}, set()),
    (ND85, "harm without secrets", other(security_harm="harm"), 3,
     {"l3.state_secret_or_security"}, set()),
    (ND85, "national key data", other(national_key_data=True), 5, {"l5.national_key_data"}, set()),
    (ND85, "Prime Minister decision", other(designated_level=5), 5, {"l5.pm_decision"}, set()),
    (ND85, "national list", system(national_security_list=True), 5, {"l5.national_list"}, set()),
    (ND85, "admin-procedure flag ignored", citizen(handles_admin_procedures=True), 2, set(),
     {"l3.online_service_conditional"}),
    (ND85, "data-subject counts ignored",
     citizen(information=PERSONAL, personal_data_subjects=500_000, sensitive_data_subjects=50_000),
     2, {"l2.users_below_threshold"}, set()),
]


def met_ids(decision: LevelDecision) -> set[str]:
    return {reason.criterion_id.split(".", 1)[1] for reason in decision.reasons}


@pytest.mark.parametrize(("regime_id", "case", "answers", "level", "met", "not_met"), CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_criterion_boundaries(regime_id, case, answers, level, met, not_met):
    decision = determine({"regime": regime_id, **answers}, REGIMES[regime_id])
    assert decision.level == level
    assert met <= met_ids(decision)
    assert not (not_met & met_ids(decision))


def test_every_criterion_of_both_regimes_is_exercised():
    exercised = {(c[0], f"{c[0].split('-')[0]}.{m}") for c in CASES for m in c[4]}
    declared = {(regime.id, criterion.id) for regime in REGIMES.values()
                for criterion in regime.criteria}
    assert declared - exercised == set()


# ---------------------------------------------------------------- commune systems (DOMAIN.md §3)

COMMUNE = [
    ("document management", system(information=PERSONAL), 2, 2),
    ("official e-mail", system(information=["private", "personal"]), 2, 2),
    ("commune LAN", infra("one_org"), 2, 2),
    # The text puts every citizen-facing online service at level 2 at least (Đ12.2.a; NĐ 85
    # Đ8.2.a–b): a public-only portal is not level 1, which needs an internal system (Đ11.1).
    ("public-only web portal", citizen(online_public_service_level=1), 2, 2),
    ("one-stop-shop (TTHC)",
     citizen(information=PERSONAL, handles_admin_procedures=True, personal_data_subjects=15_000,
             users=15_000, online_public_service_level=4), 3, 3),
    ("internal notice board, public info only", system(), 1, 1),
]


@pytest.mark.parametrize(("name", "answers", "nd331_level", "nd85_level"), COMMUNE,
                         ids=[c[0] for c in COMMUNE])
def test_typical_commune_systems(name, answers, nd331_level, nd85_level):
    assert determine(answers, REGIMES[ND331]).level == nd331_level
    assert determine(answers, REGIMES[ND85]).level == nd85_level


def test_one_stop_shop_is_level_3_by_the_admin_procedure_clause():
    decision = determine(COMMUNE[4][1], REGIMES[ND331])
    assert [(r.level, r.article) for r in decision.decisive_reasons] == [(3, "Đ13.2.b")]
    legacy = determine(COMMUNE[4][1], REGIMES[ND85])
    assert {r.article for r in legacy.decisive_reasons} == {"Đ9.2.a", "Đ9.2.c"}


# ---------------------------------------------------------------- output contract (DESIGN.md §5)

def test_to_json_is_exactly_the_cli_contract():
    decision = determine({"regime": ND331, **citizen(information=PERSONAL, handles_admin_procedures=True)},
                         REGIMES[ND331])
    data = decision.to_json()
    assert list(data) == ["level", "regime", "reasons"]
    assert data["level"] == 3 and data["regime"] == ND331
    assert data["reasons"][0] == {
        "level": 3, "article": "Đ13.2.b", "text": "Hệ thống thông tin giải quyết thủ tục hành chính."}
    assert all(list(reason) == ["level", "article", "text"] for reason in data["reasons"])
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_a_system_on_the_national_security_list_keeps_its_level_and_follows_the_level_5_procedure():
    """NĐ 331/2026 Đ20.4, Luật An ninh mạng Đ9.1: a level-3/4 system on the list keeps its level;
    the CLI output keeps its keys and adds procedure_level."""
    listed = determine(citizen(information=PERSONAL, handles_admin_procedures=True, national_security_list=True),
                       REGIMES[ND331])
    assert (listed.level, listed.procedure_level) == (3, 5)
    data = listed.to_json()
    assert list(data)[:3] == ["level", "regime", "reasons"]
    assert data["procedure_level"] == 5 and data["procedure_reasons"][0]["article"] == "Đ20.4"
    serious = determine(system(information=["state_secret"], security_harm="serious", national_security_list=True),
                        REGIMES[ND331])
    assert (serious.level, serious.procedure_level) == (4, 5)
    unlisted = determine(citizen(information=PERSONAL, handles_admin_procedures=True), REGIMES[ND331])
    assert unlisted.procedure_level == 3 and "procedure_level" not in unlisted.to_json()
    # NĐ 85/2016 Đ12.3.đ calls the list "the list of level-5 systems": there, listed means level 5.
    assert determine(system(national_security_list=True), REGIMES[ND85]).level == 5


def test_only_public_information_with_10000_sensitive_subjects_warns_instead_of_staying_silent():
    """NĐ 331/2026 Đ9.1.c: personal data is personal information; the rule is data in the regime file."""
    decision = determine(citizen(sensitive_data_subjects=10_000), REGIMES[ND331])
    assert [w.id for w in decision.warnings] == ["public_only_with_personal_data"]
    assert "10.000 người (nhạy cảm)" in decision.warnings[0].message
    assert decision.to_json()["warnings"][0]["article"] == "Đ9.1"
    assert determine(citizen(information=PERSONAL, sensitive_data_subjects=10_000), REGIMES[ND331]).warnings == ()
    assert [w.id for w in determine(system(users=20), REGIMES[ND85]).warnings] == ["public_only_with_users"]


def test_reasons_sorted_by_level_then_natural_article_order():
    answers = citizen(information=PERSONAL, handles_admin_procedures=True,
                      national_key_data=True, designated_level=3)
    articles = [(r.level, r.article) for r in determine(answers, REGIMES[ND331]).reasons]
    assert articles == [(5, "Đ15.2"), (3, "Đ13.2.b"), (3, "Đ13.5"), (2, "Đ12.2.a"),
                        (2, "Đ12.2.b")]


def test_article_sort_key_is_natural_and_vietnamese():
    ordered = ["Đ7", "Đ9.2.a", "Đ9.2.c", "Đ10.1", "Đ12.3.d", "Đ12.3.đ", "Đ12.3.e", "Đ13.2"]
    assert sorted(reversed(ordered), key=article_sort_key) == ordered


def test_determine_accepts_validated_input_and_rejects_another_regimes():
    checked = validate_input(system(), REGIMES[ND331])
    assert isinstance(checked, LevelInput)
    assert checked["information"] == ("public",) and checked["security_harm"] == "none"
    assert checked.to_json()["regime"] == ND331
    assert determine(checked, REGIMES[ND331]).input is checked
    with pytest.raises(LevelInputError) as caught:
        determine(checked, REGIMES[ND85])
    assert caught.value.fields == ("regime",)


def test_information_is_normalised_to_declaration_order_without_repeats():
    checked = validate_input(system(information=["personal", "public", "personal"]),
                             REGIMES[ND331])
    assert checked["information"] == ("public", "personal")


# ---------------------------------------------------------------- bad input

BAD = [
    ("unknown key", {"population": 3}, "population"),
    ("string for an int", {"personal_data_subjects": "3"}, "personal_data_subjects"),
    ("true for an int", {"sensitive_data_subjects": True}, "sensitive_data_subjects"),
    ("float for an int", {"users": 3.0}, "users"),
    ("negative count", {"personal_data_subjects": -1}, "personal_data_subjects"),
    ("bad enum", {"system_type": "intranet"}, "system_type"),
    ("bad harm", {"security_harm": "medium"}, "security_harm"),
    ("information not a list", {"information": "public"}, "information"),
    ("bad information item", {"information": ["public", "secret"]}, "information"),
    ("empty information", {"information": []}, "information"),
    ("null for a bool", {"national_24x7": None}, "national_24x7"),
    ("string for a bool", {"national_key_data": "true"}, "national_key_data"),
    ("designated level out of range", {"designated_level": 6}, "designated_level"),
    ("bad scope", {"system_type": "infrastructure", "infrastructure_scope": "district"},
     "infrastructure_scope"),
    ("bad grade", {"system_type": "industrial_control", "industrial_control_grade": "V"},
     "industrial_control_grade"),
    ("wrong regime", {"regime": ND85}, "regime"),
    ("admin procedures on an internal system", {"handles_admin_procedures": True},
     "handles_admin_procedures"),
    ("conditional service on an internal system", {"conditional_business_service": True},
     "conditional_business_service"),
    ("scope without infrastructure", {"infrastructure_scope": "one_org"}, "infrastructure_scope"),
    ("infrastructure without scope", {"system_type": "infrastructure"}, "infrastructure_scope"),
    ("industrial control without grade", {"system_type": "industrial_control"},
     "industrial_control_grade"),
]


@pytest.mark.parametrize(("case", "change", "field_name"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_field(case, change, field_name):
    with pytest.raises(LevelInputError) as caught:
        determine({"regime": ND331, **system(), **change}, REGIMES[ND331])
    assert caught.value.fields == (field_name,)
    assert str(caught.value).startswith(f"{field_name}: ")
    assert field_name in caught.value.errors


def test_every_problem_is_reported_at_once_in_vietnamese():
    raw = {"system_type": "x", "users": True, "personal_data_subjects": "3",
           "sensitive_data_subjects": -5, "bogus": 1}
    with pytest.raises(LevelInputError) as caught:
        validate_input(raw, REGIMES[ND331])
    problems = dict(caught.value.problems)
    assert set(problems) == {"bogus", "system_type", "information", "users",
                             "personal_data_subjects", "sensitive_data_subjects"}
    assert problems["information"] == "Bắt buộc phải khai báo."
    assert problems["sensitive_data_subjects"] == "Không được là số âm."
    assert "chuỗi ký tự \"3\"" in problems["personal_data_subjects"]
    assert "true" in problems["users"]


def test_input_must_be_an_object():
    with pytest.raises(LevelInputError) as caught:
        validate_input(["system_type", "internal"], REGIMES[ND331])
    assert caught.value.fields == ("$",)


def test_nd85_accepts_only_a_prime_minister_level_5_designation():
    with pytest.raises(LevelInputError) as caught:
        determine(system(designated_level=3), REGIMES[ND85])
    assert caught.value.fields == ("designated_level",)
    assert "Đ11.5" in str(caught.value)


def test_fields_of_the_other_regime_are_accepted_but_type_checked():
    assert determine(system(users=5, online_public_service_level=None), REGIMES[ND331]).level == 1
    with pytest.raises(LevelInputError) as caught:
        determine(system(users=-1), REGIMES[ND331])
    assert caught.value.fields == ("users",)


@pytest.mark.parametrize(("regime_id", "field_name", "article"),
                         [(ND331, "designated_level", "Đ10.2.a"), (ND85, "system_type", "Đ6.2")])
def test_no_criterion_met_asks_for_a_decision_instead_of_guessing(regime_id, field_name, article):
    with pytest.raises(LevelUndetermined) as caught:
        determine(other(), REGIMES[regime_id])
    assert caught.value.fields == (field_name,)
    assert caught.value.article == article


# ---------------------------------------------------------------- helpers

def test_highest_level_of_parts():
    assert highest_level([2, 3, 1]) == 3
    assert highest_level(iter([1])) == 1
    for bad in ([], [0], [6], [True], ["3"]):
        with pytest.raises(ValueError):
            highest_level(bad)


def test_regime_for_picks_named_or_default():
    assert regime_for({"regime": ND85}, REGIMES).id == ND85
    assert regime_for({}, REGIMES).id == ND331
    with pytest.raises(LevelInputError) as caught:
        regime_for({"regime": "nd64-2007"}, REGIMES)
    assert caught.value.fields == ("regime",)


# ---------------------------------------------------------------- property: exposure never lowers

TYPES = ("internal", "citizen_service", "infrastructure", "industrial_control", "other")
INFO = ("public", "private", "personal", "state_secret")
HARMS = ("none", "harm", "serious", "especially_serious")
SCOPES = ("one_org", "sector_or_province", "national", "international")
GRADES = ("IV", "III", "II", "I", "special")  # ascending severity


COUNTS = ("personal_data_subjects", "sensitive_data_subjects", "users")
THRESHOLDS = (9_999, 10_000, 99_999, 100_000)
DESIGNATED = {ND331: (None, 1, 2, 3, 4, 5), ND85: (None, 5)}


@st.composite
def answers(draw, regime_id):
    kind = draw(st.sampled_from(TYPES))
    quiet = draw(st.booleans())  # half the bases start low, so raising them can show a drop
    data = {
        "regime": regime_id,
        "system_type": kind,
        "information": draw(st.lists(st.sampled_from(INFO), min_size=1, unique=True)),
        "security_harm": "none" if quiet else draw(st.sampled_from(HARMS)),
        "personal_data_subjects": draw(st.integers(0, 250_000)),
        "sensitive_data_subjects": draw(st.integers(0, 25_000)),
        "users": draw(st.integers(0, 25_000)),
        "designated_level": None if quiet else draw(st.sampled_from(DESIGNATED[regime_id])),
    }
    for flag in ("national_24x7", "national_key_data", "national_security_list"):
        data[flag] = False if quiet else draw(st.booleans())
    if kind == "citizen_service":
        data["handles_admin_procedures"] = draw(st.booleans())
        data["conditional_business_service"] = draw(st.booleans())
        data["online_public_service_level"] = draw(st.none() | st.integers(1, 4))
    if kind == "infrastructure":
        data["infrastructure_scope"] = draw(st.sampled_from(SCOPES))
    if kind == "industrial_control":
        data["industrial_control_grade"] = draw(st.sampled_from(GRADES))
    return data


def _above(values, current):
    return values[values.index(current) + 1:]


def exposures(base):
    """Every one-step increase of exposure; monotonicity is transitive, so one step suffices."""
    def changed(**change):
        return dict(base, **change)

    for kind in INFO:
        if kind not in base["information"]:
            yield changed(information=[*base["information"], kind])
    for harm in _above(HARMS, base["security_harm"]):
        yield changed(security_harm=harm)
    for key in COUNTS:
        for value in (base[key] + 1, *THRESHOLDS):
            if value > base[key]:
                yield changed(**{key: value})
    flags = ["national_24x7", "national_key_data", "national_security_list"]
    if base["system_type"] == "citizen_service":
        flags += ["handles_admin_procedures", "conditional_business_service"]
        for level in _above((None, 1, 2, 3, 4), base["online_public_service_level"]):
            yield changed(online_public_service_level=level)
    for flag in flags:
        if not base[flag]:
            yield changed(**{flag: True})
    for level in _above(DESIGNATED[base["regime"]], base["designated_level"]):
        yield changed(designated_level=level)
    if "infrastructure_scope" in base:
        for scope in _above(SCOPES, base["infrastructure_scope"]):
            yield changed(infrastructure_scope=scope)
    if "industrial_control_grade" in base:
        for grade in _above(GRADES, base["industrial_control_grade"]):
            yield changed(industrial_control_grade=grade)


def _level(data):
    """The decided level; 0 when the answers meet no criterion yet."""
    try:
        decision = determine(data, REGIMES[data["regime"]])
    except LevelUndetermined:
        return 0
    assert decision.level == max(reason.level for reason in decision.reasons)
    return decision.level


@pytest.mark.parametrize("regime_id", [ND331, ND85])
@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_more_exposure_never_lowers_the_level(regime_id, data):
    base = data.draw(answers(regime_id), label="base")
    level = _level(base)
    for more in exposures(base):
        assert _level(more) >= level, (base, more)
