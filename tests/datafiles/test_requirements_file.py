"""The shipped TT 12/2022 requirement catalogue loads, validates and matches the appendices."""

import copy
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from ir_app.datafiles.requirements import load_catalogue
from ir_app.domain.requirements import CatalogueError

REQUIREMENTS_DIR = Path(__file__).resolve().parents[2] / "level_dossiers" / "requirements"
CATALOGUE_FILE = REQUIREMENTS_DIR / "tt12-2022.yaml"
SCHEMA_FILE = REQUIREMENTS_DIR / "schema.json"

# Leaf rows counted by hand in Thông tư 12/2022/TT-BTTTT, Phụ lục I–V:
# I. Yêu cầu quản lý (rows 1.x.y plus 1.6, 1.7) + II.1 thiết kế (items i., ii. … under a) and b))
# + II.2 thiết lập, cấu hình (rows 1.x.y).
#   Phụ lục I   (cấp độ 1): 15 + 6 + 13 = 34
#   Phụ lục II  (cấp độ 2): 18 + 11 + 17 = 46
#   Phụ lục III (cấp độ 3): 22 + 23 + 21 = 66
#   Phụ lục IV  (cấp độ 4): 22 + 25 + 21 = 68
#   Phụ lục V   (cấp độ 5): 22 + 27 + 21 = 70
COUNTS = {1: 34, 2: 46, 3: 66, 4: 68, 5: 70}
SPLIT = {
    1: {"management": 15, "system_design": 6, "configuration": 13},
    2: {"management": 18, "system_design": 11, "configuration": 17},
    3: {"management": 22, "system_design": 23, "configuration": 21},
    4: {"management": 22, "system_design": 25, "configuration": 21},
    5: {"management": 22, "system_design": 27, "configuration": 21},
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE_FILE)


@pytest.fixture
def raw():
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def write_catalogue(tmp_path):
    """Write a (broken) copy of the catalogue next to a copy of the schema."""
    shutil.copy(SCHEMA_FILE, tmp_path / "schema.json")

    def write(data, name="broken.yaml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    return write


def _load_error(path):
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def _requirement_at(raw, req_id):
    return next(item for item in raw["requirements"] if item["id"] == req_id)


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_shipped_catalogue_loads(catalogue):
    assert catalogue.id == "tt12-2022"
    assert catalogue.standard == "TCVN 11930:2017"
    assert len(catalogue.areas) == 12 and len(catalogue.plan_parts) == 7


def test_counts_per_level_match_the_appendices(catalogue):
    assert catalogue.count_by_level() == COUNTS
    assert dict(catalogue.expected_counts) == COUNTS


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_counts_per_part_of_each_appendix(catalogue, level):
    def part(requirement):
        if requirement.area == "system_design":
            return "system_design"
        group = catalogue.area(requirement.area).group
        return "management" if group == "management" else "configuration"

    assert Counter(part(r) for r in catalogue.for_level(level)) == SPLIT[level]


def test_ids_are_unique(catalogue):
    ids = [r.id for r in catalogue.requirements]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() and i.startswith(("QL.", "KT.")) for i in ids)


def test_fixed_area_and_plan_part_ids(catalogue):
    assert [a.id for a in catalogue.areas] == [
        "policy", "organisation", "personnel", "design_build", "operation", "risk_management",
        "end_of_operation", "system_design", "network", "server", "application", "data",
    ]
    assert [p.id for p in catalogue.plan_parts] == [
        "design_build", "operation", "check_assess", "risk_management", "monitoring",
        "backup_response_recovery", "end_of_operation",
    ]


def test_level_three_up_requirement(catalogue):
    endpoint = catalogue.requirement("QL.VH.4")
    assert endpoint.title == "Quản lý an toàn thiết bị đầu cuối"
    assert endpoint.levels == (3, 4, 5)
    assert endpoint.tcvn == "7.1.5.4"


def test_level_three_only_design_item(catalogue):
    monitoring = catalogue.requirement("KT.TK.37")
    assert monitoring.title == "Giám sát hệ thống thông tin tập trung"
    assert monitoring.levels == (3,)
    assert monitoring.tcvn is None and monitoring.plan_part == "monitoring"


def test_clause_numbering_shifts_between_levels(catalogue):
    incident = catalogue.requirement("QL.VH.8")
    assert incident.title == "Quản lý sự cố an toàn thông tin"
    assert incident.levels == (2, 3, 4, 5)
    assert incident.tcvn == "6.1.5.4"  # row 1.5.4 in Phụ lục II, 1.5.8 from Phụ lục III
    assert incident.tcvn_for(3) == "7.1.5.8"


def test_backup_rows(catalogue):
    backup = catalogue.requirement("KT.DL.3")
    assert backup.title == "Sao lưu dự phòng"
    assert backup.levels == (1, 2, 3, 4, 5)
    assert dict(backup.tcvn_by_level) == {
        1: "5.2.4.1", 2: "6.2.4.2", 3: "7.2.4.3", 4: "8.2.4.3", 5: "9.2.4.3",
    }
    assert backup.plan_part == "backup_response_recovery"
    assert catalogue.requirement("KT.TK.40").levels == (3, 4, 5)  # sao lưu dự phòng tập trung


def test_disaster_recovery_site_is_level_five_only(catalogue):
    dr_site = catalogue.requirement("KT.TK.48")
    assert dr_site.levels == (5,)
    assert "30 km" in dr_site.text
    assert dr_site.plan_part == "backup_response_recovery"
    assert catalogue.requirement("KT.TK.49").levels == (5,)


def test_leaf_rows_without_clause(catalogue):
    risk = catalogue.requirement("QL.RR.1")
    assert risk.area == "risk_management" and risk.tcvn is None
    assert risk.levels == (1, 2, 3, 4, 5) and not risk.tcvn_by_level


def test_design_items_follow_appendix_order(catalogue):
    # Phụ lục II, II.1.b): i. quản trị từ xa … vi. dự phòng thiết bị mạng chính.
    level_two = [r.id for r in catalogue.for_level(2) if r.area == "system_design"]
    assert level_two == [
        "KT.TK.1", "KT.TK.2", "KT.TK.3", "KT.TK.4", "KT.TK.5",
        "KT.TK.9", "KT.TK.13", "KT.TK.16", "KT.TK.17", "KT.TK.18", "KT.TK.19",
    ]


def test_text_has_no_ocr_spacing(catalogue):
    for requirement in catalogue.requirements:
        for value in (requirement.title, requirement.text or ""):
            assert "  " not in value and "Mục" not in value, requirement.id


def test_duplicate_id_names_file_and_field(raw, write_catalogue):
    _requirement_at(raw, "QL.CS.2")["id"] = "QL.CS.1"

    error = _load_error(write_catalogue(raw))
    assert error.field == "requirements[QL.CS.1].id"


def test_unknown_area_names_requirement(raw, write_catalogue):
    _requirement_at(raw, "KT.MG.1")["area"] = "firewall"

    error = _load_error(write_catalogue(raw))
    assert error.field == "requirements[KT.MG.1].area"


def test_level_six_is_a_schema_error(raw, write_catalogue):
    index = raw["requirements"].index(_requirement_at(raw, "KT.TK.48"))
    raw["requirements"][index]["levels"] = [6]

    error = _load_error(write_catalogue(raw))
    assert error.field == f"$.requirements[{index}].levels[0]"


def test_bad_expected_count(raw, write_catalogue):
    raw["catalogue"]["expected_counts"][3] = 59

    error = _load_error(write_catalogue(raw))
    assert error.field == "catalogue.expected_counts[3]"
    assert "59" in error.reason and "66" in error.reason


def test_schema_violation_unknown_property(raw, write_catalogue):
    raw["requirements"][0]["owner"] = "xã"

    error = _load_error(write_catalogue(raw))
    assert error.field == "$.requirements[0]"
    assert "owner" in error.reason


def test_schema_violation_missing_section(raw, write_catalogue):
    broken = copy.deepcopy(raw)
    del broken["plan_parts"]

    error = _load_error(write_catalogue(broken))
    assert error.field == "$"
    assert "plan_parts" in error.reason


def test_invalid_yaml(tmp_path):
    shutil.copy(SCHEMA_FILE, tmp_path / "schema.json")
    path = tmp_path / "broken.yaml"
    path.write_text("catalogue: [unclosed\n", encoding="utf-8")

    error = _load_error(path)
    assert "YAML" in error.reason


def test_the_17_rows_keyed_to_nd85_criteria_name_their_nd331_criteria_nd331_d39_2():
    """TT 12/2022 rows written "theo khoản 2 Điều 9 NĐ 85/2016" must tell a commune which NĐ 331/2026
    criterion now makes the product mandatory (or say in criteria_note which one applies)."""
    from ir_app.config import bundled_root
    from ir_app.services.lawdata import load_law_data

    law = load_law_data(str(bundled_root() / "level_dossiers"))
    keyed = [r for r in law.catalogue.requirements if "NĐ 85/2016" in r.title or "85/2016" in (r.text or "")]
    assert len(keyed) == 17
    nd331 = {c.id: c for c in law.regime("nd331-2026").criteria}
    for requirement in keyed:
        assert requirement.criteria_for("nd85-2016") and requirement.criteria_note, requirement.id
        assert all(c in nd331 for c in requirement.criteria_for("nd331-2026")), requirement.id
        assert requirement.criteria_for("nd331-2026") or "NĐ 331" in requirement.criteria_note, requirement.id
    waf = law.catalogue.requirement("KT.TK.29")  # the one-stop-shop (Đ13.2.b) needs a web application firewall
    assert waf.product_required("nd331-2026", {"nd331.l3.admin_procedures"}) is True
    assert waf.product_required("nd331-2026", {"nd331.l2.internal_private_personal"}) is False
    assert law.catalogue.requirement("QL.CS.1").product_required("nd331-2026", set()) is None


def test_a_criterion_the_regimes_do_not_declare_is_refused_when_the_law_is_loaded(tmp_path):
    from ir_app.config import bundled_root
    from ir_app.services.lawdata import load_law_data

    folder = tmp_path / "level_dossiers"
    shutil.copytree(bundled_root() / "level_dossiers", folder)
    path = folder / "requirements" / "tt12-2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nd331.l3.admin_procedures", "nd331.l3.typo", 1),
                    encoding="utf-8")
    with pytest.raises(CatalogueError, match="nd331.l3.typo"):
        load_law_data(str(folder))
