"""The shipped starter library of measures and the threat catalogue load, cover TT 12/2022 and
read as formal Vietnamese; broken copies are refused with a message naming the file and field."""

from __future__ import annotations

import copy
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from ir_app.config import bundled_root
from ir_app.datafiles.measures import (
    MEASURES_FOLDER,
    THREATS_FOLDER,
    load_measure_library,
    load_threat_catalogue,
    validate_measures_dir,
)
from ir_app.datafiles.requirements import load_catalogue
from ir_app.domain.measures import (
    REQUIRED_LEVELS,
    LibraryError,
    build_measure_library,
    build_threat_catalogue,
)

ROOT = Path(__file__).resolve().parents[2] / "level_dossiers"
MEASURES_DIR = ROOT / "measures"
THREATS_DIR = ROOT / "threats"
LIBRARY_FILE = MEASURES_DIR / "commune-starter.yaml"
THREATS_FILE = THREATS_DIR / "commune-threats.yaml"
CATALOGUE_FILE = ROOT / "requirements" / "tt12-2022.yaml"

# The threats the product owner listed (brief of the starter library), by id.
REQUIRED_THREATS = {
    "TM.RANSOMWARE", "TM.PHISHING", "TM.PERSONAL-DATA-LEAK", "TM.DEFACEMENT", "TM.DOS-OUTAGE",
    "TM.INSIDER", "TM.DEVICE-LOSS", "TM.POWER-HARDWARE", "TM.WEAK-PASSWORD", "TM.UNPATCHED",
    "TM.IMPERSONATION", "TM.USB-MALWARE", "TM.MISCONFIG", "TM.BACKUP-LOSS", "TM.CAMERA-ACCESS",
}
# Letters only Vietnamese uses (besides plain ASCII): a text without any is missing its accents.
_VIETNAMESE = set("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE_FILE)


@pytest.fixture(scope="module")
def threats():
    return load_threat_catalogue(THREATS_FILE)


@pytest.fixture(scope="module")
def library(catalogue, threats):
    return load_measure_library(LIBRARY_FILE, catalogue, threats)


@pytest.fixture
def raw():
    return yaml.safe_load(LIBRARY_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def raw_threats():
    return yaml.safe_load(THREATS_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def folder(tmp_path):
    """A copy of level_dossiers/measures and level_dossiers/threats side by side."""
    shutil.copytree(MEASURES_DIR, tmp_path / "measures")
    shutil.copytree(THREATS_DIR, tmp_path / "threats")
    return tmp_path


def _write(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _library_error(path, catalogue, threats):
    with pytest.raises(LibraryError) as caught:
        load_measure_library(path, catalogue, threats)
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def _build_error(raw, catalogue, threats):
    with pytest.raises(LibraryError) as caught:
        build_measure_library(raw, "copy.yaml", catalogue, threats)
    return caught.value


def _measure(raw, measure_id):
    return next(item for item in raw["measures"] if item["id"] == measure_id)


# --------------------------------------------------------------------------- shipped files

@pytest.mark.parametrize("schema_file", [MEASURES_DIR / "schema.json", THREATS_DIR / "schema.json"])
def test_schemas_are_valid_draft_2020_12(schema_file):
    Draft202012Validator.check_schema(json.loads(schema_file.read_text(encoding="utf-8")))


def test_shipped_threat_catalogue_loads(threats):
    assert threats.id == "commune-threats" and threats.version == 1
    assert REQUIRED_THREATS <= set(threats.ids)
    assert [step.value for step in threats.likelihood] == [1, 2, 3, 4, 5]
    assert threats.likelihood_label(1) == "Hiếm khi" and threats.impact_label(1) == "Không đáng kể"
    assert all(step.label_en for step in threats.likelihood + threats.impact)
    ransomware = threats.threat("TM.RANSOMWARE")
    assert ransomware.title_en == "Ransomware on one-stop-shop PCs"
    assert ransomware.risk == ransomware.likelihood * ransomware.impact


def test_shipped_library_loads(library):
    assert library.id == "commune-starter" and library.version == 1
    assert library.catalogue == "tt12-2022" and library.threats == "commune-threats"
    assert 40 <= len(library.measures) <= 70
    assert {m.category for m in library.measures} == {"management", "technical"}
    assert all(m.id.startswith("BP.QL." if m.category == "management" else "BP.KT.")
               for m in library.measures)


def test_shipped_folders_validate(catalogue):
    assert validate_measures_dir(MEASURES_DIR, catalogue) == []


def test_found_where_an_installed_app_looks(catalogue):
    # A wheel install reads the data folders from ir_app/_bundled (setup.py copies all of
    # level_dossiers/, MANIFEST.in grafts it); a checkout reads them in place.
    folder = bundled_root() / "level_dossiers"
    assert validate_measures_dir(folder / MEASURES_FOLDER, catalogue) == []
    assert (folder / THREATS_FOLDER / "commune-threats.yaml").is_file()


def test_inherited_measures_name_their_provider_and_say_so(library):
    inherited = [m for m in library.measures if m.is_inherited]
    assert len(inherited) >= 8
    for measure in inherited:
        assert measure.provider, measure.id
        assert "kế thừa" in measure.text.lower(), measure.id
    assert all(m.provider is None for m in library.measures if not m.is_inherited)


# --------------------------------------------------------------------------- coverage

@pytest.mark.parametrize("level", REQUIRED_LEVELS)
def test_every_requirement_of_levels_one_to_three_is_answered(library, catalogue, level):
    coverage = library.coverage(catalogue)[level]
    assert coverage.missing == () and coverage.open == ()
    assert len(coverage.answered) == coverage.total == len(catalogue.for_level(level))


@pytest.mark.parametrize("level", [4, 5])
def test_levels_four_and_five_are_answered_or_open_with_a_reason(library, catalogue, level):
    coverage = library.coverage(catalogue)[level]
    assert coverage.missing == ()
    assert len(coverage.answered) + len(coverage.open) == coverage.total
    for requirement_id in coverage.open:
        assert set(catalogue.requirement(requirement_id).levels) <= {4, 5}
        assert library.open_reason(requirement_id).strip()


def test_open_requirements_are_the_level_four_five_only_rows_nobody_answers(library, catalogue):
    high_only = {r.id for r in catalogue.requirements if set(r.levels) <= {4, 5}}
    open_ids = {o.requirement for o in library.open_requirements}
    assert open_ids <= high_only
    assert all(not library.answering(rid) for rid in open_ids)


def _level_one_to_three_ids():
    catalogue = load_catalogue(CATALOGUE_FILE)
    return [r.id for r in catalogue.requirements if set(r.levels) & set(REQUIRED_LEVELS)]


@pytest.mark.parametrize("requirement_id", _level_one_to_three_ids())
def test_removing_the_measures_of_a_requirement_fails_naming_it(raw, catalogue, threats,
                                                                  requirement_id):
    raw["measures"] = [m for m in raw["measures"] if requirement_id not in m["requirements"]]

    error = _build_error(raw, catalogue, threats)
    assert error.field == "measures"
    assert re.search(rf"\b{re.escape(requirement_id)} \(cấp độ", error.reason)


def test_a_measure_written_for_lower_levels_does_not_cover_level_three(raw, catalogue, threats):
    _measure(raw, "BP.QL.RA-SOAT-QUY-CHE")["levels"] = [1, 2]

    error = _build_error(raw, catalogue, threats)
    assert error.field == "measures"
    assert "QL.CS.3 (cấp độ 3)" in error.reason


def test_a_level_four_five_row_neither_answered_nor_open_is_named(raw, catalogue, threats):
    raw["open_requirements"] = [o for o in raw["open_requirements"]
                                if o["requirement"] != "KT.TK.48"]

    error = _build_error(raw, catalogue, threats)
    assert error.field == "open_requirements" and "KT.TK.48" in error.reason


def test_every_threat_is_mitigated(library, threats):
    assert library.unmitigated(threats) == ()
    assert len(library.mitigating("TM.RANSOMWARE")) >= 3


def test_a_threat_nobody_mitigates_is_reported(raw, catalogue, threats):
    for item in raw["measures"]:
        item["mitigates"] = [t for t in item.get("mitigates", []) if t != "TM.CAMERA-ACCESS"]

    library = build_measure_library(raw, "copy.yaml", catalogue, threats)
    assert library.unmitigated(threats) == ("TM.CAMERA-ACCESS",)


# --------------------------------------------------------------------------- the wording

def _texts(library, threats):
    yield library.id, library.title
    yield library.id, library.note
    for m in library.measures:
        yield m.id, m.title
        yield m.id, m.text
    for o in library.open_requirements:
        yield o.requirement, o.reason
    yield threats.id, threats.note
    for step in threats.likelihood + threats.impact:
        yield f"scale {step.value}", step.label
        yield f"scale {step.value}", step.description
    for t in threats.threats:
        yield t.id, t.title
        yield t.id, t.description


def test_texts_are_nfc_vietnamese_without_control_characters(library, threats):
    for owner, value in _texts(library, threats):
        assert unicodedata.is_normalized("NFC", value), owner
        assert not any(unicodedata.category(ch) == "Cc" for ch in value), owner
        assert "  " not in value and value == value.strip(), owner
        words = _WORD.findall(value.lower())
        accented = [w for w in words if set(w) & _VIETNAMESE]
        assert len(accented) >= 0.3 * len(words), f"{owner}: thiếu dấu tiếng Việt? {value!r}"


def test_measure_texts_are_one_paragraph_of_one_to_four_sentences(library):
    for measure in library.measures:
        sentences = len(_SENTENCE_END.findall(measure.text))
        assert 1 <= sentences <= 4, (measure.id, sentences)
        assert measure.text.endswith("."), measure.id
        assert measure.text[0].isupper(), measure.id


def test_ids_are_ascii_and_unique(library, threats):
    ids = [m.id for m in library.measures] + list(threats.ids)
    assert len(ids) == len(set(ids))
    assert all(i.isascii() for i in ids)


def test_control_character_in_a_text_is_refused(raw, catalogue, threats):
    _measure(raw, "BP.QL.QUY-CHE")["text"] = "Chủ tịch Ủy ban nhân dân xã\tban hành Quy chế."

    error = _build_error(raw, catalogue, threats)
    assert error.field == "measures[BP.QL.QUY-CHE].text"


def test_decomposed_vietnamese_is_refused(raw, catalogue, threats):
    text = _measure(raw, "BP.QL.QUY-CHE")["text"]
    _measure(raw, "BP.QL.QUY-CHE")["text"] = unicodedata.normalize("NFD", text)

    error = _build_error(raw, catalogue, threats)
    assert error.field == "measures[BP.QL.QUY-CHE].text" and "NFC" in error.reason


# --------------------------------------------------------------------------- broken copies

def test_unknown_requirement_id_names_measure_and_position(folder, raw, catalogue, threats):
    _measure(raw, "BP.QL.QUY-CHE")["requirements"] = ["QL.CS.1", "QL.CS.9"]

    error = _library_error(_write(folder / "measures" / "commune-starter.yaml", raw),
                           catalogue, threats)
    assert error.field == "measures[BP.QL.QUY-CHE].requirements[1]"
    assert "QL.CS.9" in error.reason


def test_duplicate_measure_id(folder, raw, catalogue, threats):
    _measure(raw, "BP.QL.RA-SOAT-QUY-CHE")["id"] = "BP.QL.QUY-CHE"

    error = _library_error(_write(folder / "measures" / "commune-starter.yaml", raw),
                           catalogue, threats)
    assert error.field == "measures[BP.QL.QUY-CHE].id" and "trùng" in error.reason


def test_bad_measure_id_pattern_is_a_schema_error(folder, raw, catalogue, threats):
    index = raw["measures"].index(_measure(raw, "BP.KT.USB"))
    raw["measures"][index]["id"] = "BP.KT.usb"

    error = _library_error(_write(folder / "measures" / "commune-starter.yaml", raw),
                           catalogue, threats)
    assert error.field == f"$.measures[{index}].id"
    assert "BP.KT.usb" in error.reason


def test_unknown_threat_id(raw, catalogue, threats):
    _measure(raw, "BP.KT.USB")["mitigates"] = ["TM.USB-MALWARE", "TM.ALIENS"]

    error = _build_error(raw, catalogue, threats)
    assert error.field == "measures[BP.KT.USB].mitigates[1]" and "TM.ALIENS" in error.reason


def test_category_must_match_the_id(raw, catalogue, threats):
    _measure(raw, "BP.KT.USB")["category"] = "management"

    error = _build_error(raw, catalogue, threats)
    assert error.field == "measures[BP.KT.USB].category"


def test_measure_levels_must_meet_the_requirement_levels(raw, catalogue, threats):
    _measure(raw, "BP.KT.LOC-MA-DOC-MANG")["levels"] = [1, 2]

    error = _build_error(raw, catalogue, threats)
    assert error.field == "measures[BP.KT.LOC-MA-DOC-MANG].requirements[0]"
    assert "KT.TK.25" in error.reason


def test_inherited_measure_without_provider(folder, raw, catalogue, threats):
    index = raw["measures"].index(_measure(raw, "BP.KT.KE-THUA-WAF"))
    del raw["measures"][index]["provider"]

    error = _library_error(_write(folder / "measures" / "commune-starter.yaml", raw),
                           catalogue, threats)
    assert error.field == f"$.measures[{index}]" and "provider" in error.reason
    # The domain says the same when it gets data that skipped the schema.
    assert _build_error(raw, catalogue, threats).field == "measures[BP.KT.KE-THUA-WAF].provider"


def test_open_requirement_must_be_a_level_four_five_row(raw, catalogue, threats):
    raw["open_requirements"].append({"requirement": "KT.TK.37", "reason": "Không có SIEM."})

    error = _build_error(raw, catalogue, threats)
    assert error.field == f"open_requirements[{len(raw['open_requirements']) - 1}].requirement"
    assert "KT.TK.37" in error.reason


def test_open_requirement_must_exist(raw, catalogue, threats):
    raw["open_requirements"][0]["requirement"] = "KT.TK.99"

    error = _build_error(raw, catalogue, threats)
    assert error.field == "open_requirements[0].requirement" and "KT.TK.99" in error.reason


def test_open_requirement_already_answered(raw, catalogue, threats):
    _measure(raw, "BP.KT.KE-THUA-GIAM-SAT")["requirements"].append("KT.TK.38")

    error = _build_error(raw, catalogue, threats)
    assert error.field == "open_requirements[KT.TK.38]"
    assert "BP.KT.KE-THUA-GIAM-SAT" in error.reason


def test_library_written_for_another_catalogue(raw, catalogue, threats):
    raw["library"]["catalogue"] = "tcvn-14423-2026"

    error = _build_error(raw, catalogue, threats)
    assert error.field == "library.catalogue" and "tcvn-14423-2026" in error.reason


def test_duplicate_threat_id(raw_threats):
    raw_threats["threats"][1]["id"] = raw_threats["threats"][0]["id"]

    with pytest.raises(LibraryError) as caught:
        build_threat_catalogue(raw_threats, "copy.yaml")
    assert caught.value.field == "threats[TM.RANSOMWARE].id"


def test_threat_likelihood_out_of_scale_is_a_schema_error(folder, raw_threats):
    raw_threats["threats"][2]["likelihood"] = 6
    path = _write(folder / "threats" / "commune-threats.yaml", raw_threats)

    with pytest.raises(LibraryError) as caught:
        load_threat_catalogue(path)
    assert caught.value.field == "$.threats[2].likelihood"


def test_missing_scale_step(raw_threats):
    del raw_threats["scales"]["impact"][5]

    with pytest.raises(LibraryError) as caught:
        build_threat_catalogue(raw_threats, "copy.yaml")
    assert caught.value.field == "scales.impact" and "5" in caught.value.reason


def test_invalid_yaml(folder, catalogue, threats):
    path = folder / "measures" / "commune-starter.yaml"
    path.write_text("library: [unclosed\n", encoding="utf-8")

    error = _library_error(path, catalogue, threats)
    assert "YAML" in error.reason


# --------------------------------------------------------------------------- the folder check

def test_validate_dir_collects_errors_of_both_folders(folder, raw, raw_threats, catalogue):
    raw_threats["threats"][0]["assets"] = ["spaceship"]
    _write(folder / "threats" / "commune-threats.yaml", raw_threats)
    broken = copy.deepcopy(raw)
    broken["library"]["id"] = "second-library"
    _measure(broken, "BP.QL.QUY-CHE")["requirements"] = ["QL.CS.9"]
    _write(folder / "measures" / "second.yaml", broken)

    errors = validate_measures_dir(folder / "measures", catalogue)
    assert len(errors) == 3
    assert any("commune-threats.yaml: $.threats[0].assets[0]" in e for e in errors)
    # Without a valid threat catalogue each library says which one it needs.
    library_errors = [e for e in errors if e.startswith(str(folder / "measures"))]
    assert len(library_errors) == 2
    assert all("library.threats" in e and "commune-threats" in e for e in library_errors)


def test_validate_dir_names_the_unknown_requirement(folder, raw, catalogue):
    _measure(raw, "BP.KT.USB")["requirements"].append("KT.XX.1")
    path = _write(folder / "measures" / "commune-starter.yaml", raw)

    errors = validate_measures_dir(folder / "measures", catalogue)
    assert errors == [f"{path}: measures[BP.KT.USB].requirements[3]: "
                      "yêu cầu 'KT.XX.1' không có trong danh mục yêu cầu"]


def test_validate_dir_reports_duplicate_library_ids(folder, catalogue):
    shutil.copy(folder / "measures" / "commune-starter.yaml", folder / "measures" / "copy.yaml")

    errors = validate_measures_dir(folder / "measures", catalogue)
    assert len(errors) == 1 and "library.id" in errors[0] and "commune-starter" in errors[0]


def test_validate_dir_with_nothing_in_it(tmp_path, catalogue):
    (tmp_path / "measures").mkdir()
    (tmp_path / "threats").mkdir()

    errors = validate_measures_dir(tmp_path / "measures", catalogue)
    assert len(errors) == 2 and all("*.yaml" in e for e in errors)


def test_validate_dir_with_threats_elsewhere(folder, catalogue):
    moved = folder / "elsewhere"
    (folder / "threats").rename(moved)

    assert validate_measures_dir(folder / "measures", catalogue, threats_directory=moved) == []
