"""The shipped regime files load and say what the decrees say; broken copies are refused with
a message naming the file and the field."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from ir_app.datafiles.regimes import (
    load_regime,
    load_regimes,
    vn_holidays,
    vn_weekend_workdays,
)
from ir_app.domain.regimes import RegimeError, build_regime

REGIMES_DIR = Path(__file__).resolve().parents[2] / "level_dossiers" / "regimes"
ND331, ND85 = "nd331-2026", "nd85-2016"

# DESIGN.md §5: the level-check input, the same keys and values in every regime.
DESIGN_FIELDS = {
    "system_type": ("enum", ("internal", "citizen_service", "infrastructure",
                             "industrial_control", "other")),
    "information": ("enum_list", ("public", "private", "personal", "state_secret")),
    "security_harm": ("enum", ("none", "harm", "serious", "especially_serious")),
    "handles_admin_procedures": ("bool", ()),
    "personal_data_subjects": ("int", ()),
    "sensitive_data_subjects": ("int", ()),
    "users": ("int", ()),
    "online_public_service_level": ("nullable_int", (1, 2, 3, 4)),
    "conditional_business_service": ("bool", ()),
    "infrastructure_scope": ("nullable_enum", ("one_org", "sector_or_province", "national",
                                               "international")),
    "national_24x7": ("bool", ()),
    "national_key_data": ("bool", ()),
    "industrial_control_grade": ("nullable_enum", ("special", "I", "II", "III", "IV")),
    "designated_level": ("nullable_int", (1, 2, 3, 4, 5)),
    "national_security_list": ("bool", ()),
}


@pytest.fixture(scope="module")
def regimes():
    return load_regimes(REGIMES_DIR)


def test_both_shipped_regimes_load_with_one_default(regimes):
    assert set(regimes) == {ND331, ND85}
    assert [r.id for r in regimes.values() if r.is_default] == [ND331]
    assert regimes[ND85].valid_until == date(2026, 6, 30)
    assert regimes[ND331].valid_from == date(2026, 7, 1) and regimes[ND331].valid_until is None
    assert regimes[ND85].is_in_force(date(2026, 6, 30))
    assert not regimes[ND85].is_in_force(date(2026, 7, 1))
    assert regimes[ND331].cite("Đ13.2.b") == "NĐ 331/2026 Đ13.2.b"


@pytest.mark.parametrize("regime_id", [ND331, ND85])
def test_input_fields_are_exactly_design_section_5(regimes, regime_id):
    regime = regimes[regime_id]
    assert {f.name: (f.type, f.values) for f in regime.input_fields} == DESIGN_FIELDS
    for name in ("personal_data_subjects", "sensitive_data_subjects", "users"):
        assert regime.field(name).minimum == 0 and regime.field(name).default == 0
    assert regime.field("system_type").required and regime.field("information").required
    assert {f.step for f in regime.input_fields} <= {s.id for s in regime.wizard_steps}


def test_fields_irrelevant_to_a_regime_are_marked(regimes):
    inapplicable = {r: {f.name for f in regimes[r].input_fields if not f.applies}
                    for r in regimes}
    assert inapplicable[ND331] == {"users", "online_public_service_level"}
    assert inapplicable[ND85] == {"handles_admin_procedures", "personal_data_subjects",
                                  "sensitive_data_subjects"}


def test_every_level_has_criteria_and_articles_follow_the_text(regimes):
    for regime in regimes.values():
        for level in range(1, 6):
            assert regime.criteria_for(level)
    articles = {c.id: c.article for c in regimes[ND331].criteria}
    assert articles["nd331.l3.admin_procedures"] == "Đ13.2.b"
    assert {a for a in articles.values() if a.startswith("Đ1")} >= {
        "Đ11.1", "Đ11.2", "Đ12.1", "Đ12.2.a", "Đ12.2.b", "Đ12.3", "Đ12.4", "Đ13.1", "Đ13.2.a",
        "Đ13.2.b", "Đ13.2.c", "Đ13.3", "Đ13.4", "Đ13.5", "Đ14.1", "Đ14.2", "Đ14.3", "Đ14.4",
        "Đ15.1", "Đ15.2", "Đ15.3", "Đ15.4", "Đ15.5"}
    legacy = {c.article for c in regimes[ND85].criteria}
    assert legacy >= {"Đ7", "Đ8.1", "Đ8.2.a", "Đ8.2.b", "Đ8.2.c", "Đ8.3", "Đ9.1", "Đ9.2.a",
                      "Đ9.2.b", "Đ9.2.c", "Đ9.3", "Đ9.4", "Đ10.1", "Đ10.2", "Đ10.3", "Đ10.4",
                      "Đ11.1", "Đ11.2", "Đ11.3", "Đ11.4", "Đ11.5"}


def test_authority_per_level(regimes):
    regime = regimes[ND331]
    rows = {a.level: (a.appraiser.key, tuple(p.key for p in a.approvers),
                      a.expert_opinion_required, a.article) for a in regime.authority}
    assert rows == {
        1: ("specialised_unit", ("specialised_unit",), False, "Đ18.1"),
        2: ("specialised_unit", ("specialised_unit",), False, "Đ18.1"),
        3: ("specialised_unit", ("owner",), False, "Đ18.2"),
        4: ("ministry_of_public_security", ("owner",), True, "Đ18.3"),
        5: ("ministry_of_public_security", ("owner", "prime_minister"), True, "Đ18.3"),
    }
    assert [a.subject for a in regime.authority_for(5).approvers] == \
        ["protection_plan", "national_list"]
    assert regimes[ND85].authority_for(3).article == "Đ12.2"


def test_nd331_deadlines(regimes):
    regime = regimes[ND331]
    assert (regime.deadline("validity_check", 3).days, regime.deadline("validity_check", 3).unit,
            regime.deadline("validity_check", 3).article) == (5, "working_days", "Đ23.2")
    assert [regime.deadline("appraisal", level).days for level in range(1, 6)] == \
        [None, None, 15, 25, 25]
    assert regime.deadline("appraisal", 3).article == "Đ23.3.a"
    assert regime.deadline("appraisal", 1).note
    assert {regime.deadline("approval", level).days for level in range(1, 6)} == {7}
    assert regime.deadline("approval", 4).article == "Đ24.2"


def test_nd85_deadlines_keep_calendar_days(regimes):
    regime = regimes[ND85]
    assert [(regime.deadline("appraisal", level).days, regime.deadline("appraisal", level).unit)
            for level in (3, 4, 5)] == [(15, "calendar_days"), (30, "calendar_days"),
                                        (30, "calendar_days")]
    assert (regime.deadline("approval", 2).days, regime.deadline("approval", 2).unit) == \
        (7, "working_days")
    assert regime.deadline("validity_check", 1).days is None


def test_review_intervals(regimes):
    for regime in regimes.values():
        assert [regime.review_interval(level).months for level in range(1, 6)] == [24, 24, 12, 12, 6]
    assert regimes[ND331].review_interval(1).article == "Đ31.2.c"
    assert "không quy định chu kỳ" in regimes[ND331].review_interval(1).note
    assert [regimes[ND85].review_interval(level).external_assessment for level in range(1, 6)] == \
        [False, False, True, True, True]


def test_documents_per_level(regimes):
    regime = regimes[ND331]
    keys = {level: [d.key for d in regime.documents_for(level)] for level in range(1, 6)}
    assert "mau01" in keys[1] and "mau02" not in keys[1] and "mau06" in keys[2]
    assert {"mau02", "mau04", "mau05", "mau06"} <= set(keys[3]) and "mau03" not in keys[3]
    assert {"mau03", "expert_opinion", "mau06"} <= set(keys[4])
    assert "mau07" in keys[5] and "mau06" not in keys[5]
    assert all("thuyet_minh" in k and "annual_report_mau08" in k for k in keys.values())
    assert regime.document("mau04").form == "Mẫu số 04"
    legacy = regimes[ND85]
    assert all(d.form is None for d in legacy.documents)


def test_transition_and_annual_report(regimes):
    for regime in regimes.values():
        transition = regime.transition
        assert (transition.new_regime_effective, transition.under_investment_deadline,
                transition.existing_systems_deadline) == \
            (date(2026, 7, 1), date(2027, 1, 1), date(2027, 7, 1))
        report = regime.annual_report
        assert report.period(2026) == (date(2025, 12, 15), date(2026, 12, 14))
        assert report.units_to_owner_by.in_year(2026) == date(2026, 12, 20)
        assert report.owner_to_ministry_by.in_year(2026) == date(2026, 12, 25)
    assert regimes[ND331].annual_report.form == "Mẫu số 08"


def test_vn_holidays_include_tet_and_national_days():
    days = vn_holidays([2027])
    assert {date(2027, 1, 1), date(2027, 2, 6), date(2027, 4, 30), date(2027, 9, 2)} <= days
    assert all(day.year == 2027 for day in days)
    assert date(2026, 8, 22) in vn_weekend_workdays([2026])


# ---------------------------------------------------------------- broken copies

ORIGINALS = {name: yaml.safe_load((REGIMES_DIR / name).read_text(encoding="utf-8"))
             for name in ("nd331-2026.yaml", "nd85-2016.yaml")}
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_copy(tmp_path: Path, mutate, name: str = "nd331-2026.yaml") -> Path:
    raw = copy.deepcopy(ORIGINALS[name])
    mutate(raw)
    target = tmp_path / name
    target.write_text(yaml.dump(raw, Dumper=DUMPER, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    shutil.copy(REGIMES_DIR / "schema.json", tmp_path / "schema.json")
    return target


def criterion_index(raw, criterion_id):
    return next(i for i, c in enumerate(raw["criteria"]) if c["id"] == criterion_id)


def set_rule(criterion_id, rule):
    def mutate(raw):
        raw["criteria"][criterion_index(raw, criterion_id)]["rule"] = rule
    return mutate


BROKEN = [
    ("unknown field in a rule", set_rule("nd331.l3.admin_procedures",
                                         {"field": "population", "gte": 1}),
     "$.criteria[9].rule.field", "population"),
    ("unknown field nested in all", set_rule("nd331.l3.admin_procedures", {"all": [
        {"field": "system_type", "eq": "citizen_service"}, {"field": "tthc", "is": True}]}),
     "$.criteria[9].rule.all[1].field", "tthc"),
    ("operator wrong for the type", set_rule("nd331.l1.internal_public_only",
                                             {"field": "system_type", "gte": 3}),
     "$.criteria[0].rule.gte", "system_type"),
    ("value not allowed", set_rule("nd331.l1.internal_public_only",
                                   {"field": "system_type", "eq": "intranet"}),
     "$.criteria[0].rule.eq", "intranet"),
    ("int compared with a string", set_rule("nd331.l3.personal_data_threshold",
                                            {"field": "personal_data_subjects", "in": ["many"]}),
     "$.criteria[10].rule.in[0]", "số nguyên"),
    ("field of the other regime", set_rule("nd331.l3.personal_data_threshold",
                                           {"field": "users", "gte": 10000}),
     "$.criteria[10].rule.field", "applies: false"),
    ("unknown operator", set_rule("nd331.l1.internal_public_only",
                                  {"field": "system_type", "equals": "internal"}),
     "$.criteria[0].rule", "equals"),
    ("level 6", lambda raw: raw["criteria"][0].update(level=6), "$.criteria[0].level", "6"),
    ("duplicate id", lambda raw: raw["criteria"][1].update(id=raw["criteria"][0]["id"]),
     "$.criteria[1].id", "nd331.l1.internal_public_only"),
    ("id and level disagree", lambda raw: raw["criteria"][0].update(level=2),
     "$.criteria[0].id", "cấp độ"),
    ("article not a clause", lambda raw: raw["criteria"][0].update(article="Điều 11"),
     "$.criteria[0].article", "Điều 11"),
    ("missing authority", lambda raw: raw.pop("authority"), "$", "authority"),
    ("authority missing a level", lambda raw: raw["authority"].pop(2), "$.authority",
     "cấp độ 4"),
    ("authority level twice", lambda raw: raw["authority"][1]["levels"].append(2),
     "$.authority[1]", "cấp độ 2"),
    ("unknown authority key", lambda raw: raw["authority"][0]["appraiser"].update(key="ubnd"),
     "$.authority[0].appraiser.key", "ubnd"),
    ("deadline not positive", lambda raw: raw["deadlines"][0].update(days=0),
     "$.deadlines[0].days", "0"),
    ("deadline missing for a level", lambda raw: raw["deadlines"][2].update(levels=[]),
     "$.deadlines[2].levels", "non-empty"),
    ("level without criteria", lambda raw: raw.update(
        criteria=[c for c in raw["criteria"] if c["level"] != 2]), "$.criteria", "cấp độ 2"),
    ("document not in catalogue", lambda raw: raw["documents"]["by_level"][0]["documents"]
     .append("mau99"), "$.documents.by_level[0].documents[6]", "mau99"),
    ("review interval missing", lambda raw: raw["review_interval_months"]["by_level"].pop(),
     "$.review_interval_months.by_level", "too short"),
    ("undetermined names no field", lambda raw: raw["undetermined"].update(field="level"),
     "$.undetermined.field", "level"),
    ("condition on an unknown field", lambda raw: raw["input_fields"][3]["only_when"].update(
        rule={"field": "kind", "eq": "citizen_service"}),
     "$.input_fields[3].only_when.rule.field", "kind"),
    ("bad date", lambda raw: raw.update(valid_from="01/07/2026"), "$.valid_from", "01/07/2026"),
]


@pytest.mark.parametrize(("case", "mutate", "field_path", "mentions"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_broken_copy_is_refused_naming_file_and_field(tmp_path, case, mutate, field_path,
                                                      mentions):
    path = write_copy(tmp_path, mutate)
    with pytest.raises(RegimeError) as caught:
        load_regime(path)
    error = caught.value
    assert error.source == str(path)
    assert error.field == field_path
    message = str(error)
    assert message.startswith(f"{path}: {field_path}: ")
    assert mentions in message


def test_build_regime_alone_checks_what_the_schema_cannot():
    raw = copy.deepcopy(ORIGINALS["nd85-2016.yaml"])
    assert build_regime(copy.deepcopy(raw), "memory").id == ND85
    raw["criteria"][0]["rule"] = {"field": "system_type", "eq": "internal", "ne": "other"}
    with pytest.raises(RegimeError) as caught:
        build_regime(raw, "memory")
    assert str(caught.value).startswith("memory: $.criteria[0].rule: ")


def test_invalid_yaml_is_refused(tmp_path):
    path = tmp_path / "nd331-2026.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    shutil.copy(REGIMES_DIR / "schema.json", tmp_path / "schema.json")
    with pytest.raises(RegimeError) as caught:
        load_regime(path)
    assert caught.value.source == str(path) and "YAML" in str(caught.value)


def copy_both(tmp_path: Path) -> None:
    for name in ("nd331-2026.yaml", "nd85-2016.yaml", "schema.json"):
        shutil.copy(REGIMES_DIR / name, tmp_path / name)


def test_directory_needs_exactly_one_default(tmp_path):
    copy_both(tmp_path)
    write_copy(tmp_path, lambda raw: raw.update(is_default=True), "nd85-2016.yaml")
    with pytest.raises(RegimeError) as caught:
        load_regimes(tmp_path)
    assert caught.value.field == "$.is_default" and "nd85-2016" in str(caught.value)


def test_directory_refuses_duplicate_ids(tmp_path):
    copy_both(tmp_path)
    shutil.copy(REGIMES_DIR / "nd85-2016.yaml", tmp_path / "nd85-copy.yaml")
    with pytest.raises(RegimeError) as caught:
        load_regimes(tmp_path)
    assert caught.value.field == "$.id" and "nd85-2016" in str(caught.value)


def test_directory_refuses_regimes_with_different_input_keys(tmp_path):
    copy_both(tmp_path)
    write_copy(tmp_path, lambda raw: raw["input_fields"].pop(4), "nd85-2016.yaml")  # unused there
    with pytest.raises(RegimeError) as caught:
        load_regimes(tmp_path)
    assert caught.value.field == "$.input_fields"
    assert "personal_data_subjects" in str(caught.value)


def test_empty_directory_is_refused(tmp_path):
    with pytest.raises(RegimeError):
        load_regimes(tmp_path)
