"""Semantic checks of the requirement catalogue (ir_app.domain.requirements), on in-memory data."""

import ast
import copy
import sys
from pathlib import Path

import pytest

import ir_app.domain.requirements as requirements_module
from ir_app.domain.requirements import Catalogue, CatalogueError, Requirement, build_catalogue

SOURCE = "mem://catalogue.yaml"


def _requirement(req_id, area, title, levels, tcvn=None, by_level=None, plan_part="operation"):
    raw = {"id": req_id, "area": area, "plan_part": plan_part, "tcvn": tcvn, "title": title,
           "levels": levels}
    if by_level is not None:
        raw["tcvn_by_level"] = by_level
    return raw


RAW = {
    "catalogue": {
        "id": "mini",
        "title": "Danh mục thử",
        "source": "Thử nghiệm",
        "standard": "TCVN 11930:2017",
        "expected_counts": {1: 2, 2: 3, 3: 4, 4: 3, 5: 3},
    },
    "areas": [
        {"id": "policy", "group": "management", "title": "Thiết lập chính sách an toàn thông tin"},
        {"id": "risk_management", "group": "management", "title": "Phương án quản lý rủi ro"},
        {"id": "system_design", "group": "technical", "title": "Yêu cầu về thiết kế hệ thống"},
        {"id": "data", "group": "technical", "title": "Bảo đảm an toàn dữ liệu"},
    ],
    "plan_parts": [
        {"id": "operation", "title": "Bảo đảm an ninh mạng trong quá trình vận hành"},
        {"id": "backup_response_recovery", "title": "Sao lưu, ứng cứu sự cố và khôi phục"},
    ],
    "requirements": [
        _requirement("QL.CS.1", "policy", "Chính sách an toàn thông tin", [1, 2, 3, 4, 5],
                     "5.1.1.1", {1: "5.1.1.1", 2: "6.1.1.1", 3: "7.1.1.1", 4: "8.1.1.1",
                                 5: "9.1.1.1"}),
        _requirement("QL.RR.1", "risk_management", "Phương án quản lý rủi ro", [1, 2, 3, 4, 5]),
        _requirement("KT.TK.1", "system_design", "Dự phòng thiết bị mạng chính", [2]),
        _requirement("KT.TK.2", "system_design", "Giám sát hệ thống tập trung", [3]),
        # Clause numbering shifts with the level: keys may be ints (YAML) or strings (JSON).
        _requirement("KT.DL.1", "data", "Bảo mật dữ liệu", [5, 3, 4], "7.2.4.2",
                     {"3": "7.2.4.2", "4": "8.2.4.2", "5": "9.2.4.2"},
                     plan_part="backup_response_recovery"),
    ],
}


@pytest.fixture
def raw():
    return copy.deepcopy(RAW)


def _requirement_at(raw, req_id):
    return next(item for item in raw["requirements"] if item["id"] == req_id)


def _expect_error(raw, field_part, reason_part=""):
    with pytest.raises(CatalogueError) as caught:
        build_catalogue(raw, SOURCE)
    error = caught.value
    assert error.source == SOURCE
    assert field_part in error.field
    assert reason_part in error.reason
    assert SOURCE in str(error) and field_part in str(error)
    return error


def test_builds_catalogue_with_levels_and_counts(raw):
    catalogue = build_catalogue(raw, SOURCE)

    assert isinstance(catalogue, Catalogue)
    assert catalogue.count_by_level() == {1: 2, 2: 3, 3: 4, 4: 3, 5: 3}
    assert [r.id for r in catalogue.for_level(3)] == ["QL.CS.1", "QL.RR.1", "KT.TK.2", "KT.DL.1"]
    assert dict(catalogue.expected_counts) == {1: 2, 2: 3, 3: 4, 4: 3, 5: 3}


def test_requirement_values_are_normalised(raw):
    data = build_catalogue(raw, SOURCE).requirement("KT.DL.1")

    assert isinstance(data, Requirement)
    assert data.levels == (3, 4, 5)
    assert dict(data.tcvn_by_level) == {3: "7.2.4.2", 4: "8.2.4.2", 5: "9.2.4.2"}
    assert data.tcvn_for(4) == "8.2.4.2" and data.tcvn_for(1) is None
    assert data.applies_to(5) and not data.applies_to(2)
    assert data.text is None


def test_catalogue_is_immutable(raw):
    catalogue = build_catalogue(raw, SOURCE)
    data = catalogue.requirement("KT.DL.1")

    with pytest.raises(AttributeError):
        data.title = "khác"
    with pytest.raises(TypeError):
        data.tcvn_by_level[3] = "7.2.4.9"
    assert hash(data) == hash(catalogue.requirement("KT.DL.1"))


def test_for_level_rejects_unknown_level(raw):
    with pytest.raises(ValueError):
        build_catalogue(raw, SOURCE).for_level(6)


def test_error_is_value_error_naming_file_field_and_reason():
    error = CatalogueError("a.yaml", "requirements[X].levels", "lý do")

    assert isinstance(error, ValueError)
    assert str(error) == "a.yaml: requirements[X].levels: lý do"


def test_duplicate_requirement_id(raw):
    _requirement_at(raw, "KT.TK.2")["id"] = "KT.TK.1"

    _expect_error(raw, "requirements[KT.TK.1].id", "bị trùng")


def test_duplicate_title_in_same_area(raw):
    _requirement_at(raw, "KT.TK.2")["title"] = "Dự phòng thiết bị mạng chính"

    _expect_error(raw, "requirements[KT.TK.2].title", "bị trùng")


def test_duplicate_area_id(raw):
    raw["areas"].append({"id": "data", "group": "technical", "title": "Lặp"})

    _expect_error(raw, "areas[data].id", "bị trùng")


def test_unknown_area(raw):
    _requirement_at(raw, "KT.TK.1")["area"] = "firewall"

    _expect_error(raw, "requirements[KT.TK.1].area", "firewall")


def test_unknown_plan_part(raw):
    _requirement_at(raw, "KT.TK.1")["plan_part"] = "audit"

    _expect_error(raw, "requirements[KT.TK.1].plan_part", "audit")


def test_unknown_area_group(raw):
    raw["areas"][0]["group"] = "legal"

    _expect_error(raw, "areas[0].group")


@pytest.mark.parametrize("levels", [[6], [0], [], [2, 2], ["2"], [True], None])
def test_bad_levels(raw, levels):
    _requirement_at(raw, "KT.TK.1")["levels"] = levels

    _expect_error(raw, "requirements[KT.TK.1].levels")


def test_tcvn_by_level_key_outside_levels(raw):
    _requirement_at(raw, "KT.DL.1")["tcvn_by_level"][2] = "6.2.4.1"

    _expect_error(raw, "requirements[KT.DL.1].tcvn_by_level[2]", "không có trong levels")


def test_tcvn_by_level_level_six(raw):
    _requirement_at(raw, "KT.DL.1")["tcvn_by_level"][6] = "10.2.4.2"

    _expect_error(raw, "requirements[KT.DL.1].tcvn_by_level", "1 đến 5")


def test_clause_must_belong_to_the_level_section(raw):
    # Level 4 requirements live in TCVN 11930 section 8; 7.x is a transcription slip.
    _requirement_at(raw, "KT.DL.1")["tcvn_by_level"]["4"] = "7.2.4.2"

    _expect_error(raw, "requirements[KT.DL.1].tcvn_by_level[4]", "7.2.4.2")


def test_tcvn_must_match_lowest_level(raw):
    _requirement_at(raw, "QL.CS.1")["tcvn"] = "5.1.1.2"

    _expect_error(raw, "requirements[QL.CS.1].tcvn", "5.1.1.1")


def test_malformed_clause(raw):
    _requirement_at(raw, "QL.CS.1")["tcvn"] = "Mục 5.1.1.1"

    _expect_error(raw, "requirements[QL.CS.1].tcvn", "không hợp lệ")


def test_expected_count_mismatch(raw):
    raw["catalogue"]["expected_counts"][3] = 5

    _expect_error(raw, "catalogue.expected_counts[3]", "khai báo 5")


def test_expected_counts_must_cover_every_level(raw):
    del raw["catalogue"]["expected_counts"][5]

    _expect_error(raw, "catalogue.expected_counts", "[5]")


def test_missing_title(raw):
    del _requirement_at(raw, "KT.TK.1")["title"]

    _expect_error(raw, "requirements[KT.TK.1].title")


def test_not_a_mapping():
    _expect_error(["không", "phải", "bảng"], "$")


def test_domain_module_imports_only_standard_library():
    tree = ast.parse(Path(requirements_module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }

    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
