"""Every YAML file in the repository is a data file with a JSON Schema beside it, read by the one
loader (ir_app/datafiles/loader.py): schema first, with a JSON path, then the domain build."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ir_app.datafiles import loader
from ir_app.datafiles.checklist import load_checklist
from ir_app.datafiles.risks import load_risk_matrix
from ir_app.datafiles.training import load_training_rules
from ir_app.datafiles.holidays import load_overrides
from ir_app.datafiles.measures import load_measure_library, load_threat_catalogue
from ir_app.datafiles.playbooks import (
    load_categories,
    load_clock_rules,
    load_lifecycle,
    load_playbooks,
    validate_directory,
)
from ir_app.datafiles.regimes import load_regime
from ir_app.datafiles.requirements import load_catalogue
from ir_app.datafiles.workflow import load_workflow
from ir_app.documents.catalog import CatalogueError as DocumentCatalogueError
from ir_app.documents.catalog import load_documents
from ir_app.domain.playbooks import PlaybookError
from ir_app.domain.workflow import WorkflowError
from ir_app.models import Role

ROOT = Path(__file__).resolve().parents[2]
LEVEL_DOSSIERS = ROOT / "level_dossiers"
PLAYBOOKS = ROOT / "playbooks"


def _yaml_files() -> list[str]:
    """As `find . -name "*.yaml" -not -path "./.venv/*"` lists them, relative to the checkout."""
    found = subprocess.run(["find", ".", "-name", "*.yaml", "-not", "-path", "./.venv/*", "-not", "-path", "./.git/*"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return sorted(path.removeprefix("./") for path in found)


def _threats(path: Path):
    return load_threat_catalogue(path)


def _measures(path: Path):
    catalogue = load_catalogue(LEVEL_DOSSIERS / "requirements" / "tt12-2022.yaml")
    return load_measure_library(path, catalogue, load_threat_catalogue(LEVEL_DOSSIERS / "threats" /
                                                                        "commune-threats.yaml"))


# The public loader of each family: what the app calls to read such a file.
LOADS = {
    loader.LIFECYCLE: lambda path: load_lifecycle(path.parent),
    loader.CATEGORIES: lambda path: load_categories(path.parent),
    loader.CLOCKS: lambda path: load_clock_rules(path.parent),
    loader.MORNING_CHECK: load_checklist,
    loader.PLAYBOOK: lambda path: load_playbooks(path.parent)[path.stem],
    loader.WORKFLOW: lambda path: load_workflow(path, [role.value for role in Role]),
    loader.DOCUMENTS: lambda path: load_documents(path),
    loader.HOLIDAYS: load_overrides,
    loader.REGIME: load_regime,
    loader.REQUIREMENTS: load_catalogue,
    loader.MEASURES: _measures,
    loader.THREATS: _threats,
    loader.RISK_MATRIX: load_risk_matrix,
    loader.TRAINING: load_training_rules,
}


def test_every_family_has_a_loader():
    assert set(LOADS) == set(loader.FAMILIES)


def test_the_repository_holds_the_expected_data_files():
    files = _yaml_files()
    assert "playbooks/lifecycle.yaml" in files and "level_dossiers/workflow.yaml" in files
    assert "level_dossiers/documents.yaml" in files and "level_dossiers/holidays.yaml" in files
    assert len(files) >= 20


@pytest.mark.parametrize("relative", _yaml_files())
def test_each_yaml_file_has_a_schema_beside_it_and_loads(relative):
    family = loader.family_of(relative)
    assert family is not None, f"{relative}: không thuộc họ tệp dữ liệu nào (thêm vào loader.FAMILIES)"
    path = ROOT / relative
    schema = path.with_name(family.schema)
    assert schema.is_file(), f"{relative}: thiếu lược đồ {schema.name}"
    # The schema itself is valid and the file matches it…
    document = loader.load_document(path, family, lambda source, where, reason: AssertionError(
        f"{source}: {where}: {reason}"))
    assert len(document.sha256) == 64
    # …and the family's loader builds it into domain objects.
    assert LOADS[family](path) is not None


def test_only_the_loader_reads_yaml_and_json_schema():
    package = ROOT / "ir_app"
    offenders = [str(path.relative_to(ROOT)) for path in package.rglob("*.py")
                 if "migrations" not in path.parts and path != package / "datafiles" / "loader.py"
                 for line in path.read_text(encoding="utf-8").splitlines()
                 if line.startswith(("import yaml", "from yaml", "import jsonschema", "from jsonschema"))]
    assert offenders == []


def _edit(path: Path, change) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def playbooks(tmp_path):
    return Path(shutil.copytree(PLAYBOOKS, tmp_path / "playbooks"))


@pytest.fixture
def dossiers(tmp_path):
    return Path(shutil.copytree(LEVEL_DOSSIERS, tmp_path / "level_dossiers"))


def test_lifecycle_shape_error_names_the_json_path_in_vietnamese(playbooks):
    _edit(playbooks / "lifecycle.yaml", lambda raw: raw["states"][2].pop("title"))
    with pytest.raises(PlaybookError) as caught:
        load_lifecycle(playbooks)
    assert caught.value.where == "$.states[2]" and "thiếu trường bắt buộc" in caught.value.reason
    assert Path(caught.value.source).name == "lifecycle.yaml"


def test_clock_rule_without_a_duration_is_a_schema_error(playbooks):
    _edit(playbooks / "clocks.yaml", lambda raw: raw["rules"][1].pop("duration"))
    with pytest.raises(PlaybookError) as caught:
        load_clock_rules(playbooks)
    assert caught.value.where == "$.rules[1]" and "'duration'" in caught.value.reason


def test_category_with_a_bad_id_is_a_schema_error(playbooks):
    _edit(playbooks / "categories.yaml", lambda raw: raw["categories"][0].update(id="Mã Độc"))
    with pytest.raises(PlaybookError) as caught:
        load_categories(playbooks)
    assert caught.value.where == "$.categories[0].id" and "sai định dạng" in caught.value.reason


def test_a_broken_shared_file_is_reported_once(playbooks):
    """clocks.yaml's facts come from categories.yaml; its error must not be told twice."""
    _edit(playbooks / "categories.yaml", lambda raw: raw.pop("severity"))
    errors = validate_directory(playbooks)
    assert [(Path(error.source).name, error.where) for error in errors] == [("categories.yaml", "$")]
    assert "severity" in errors[0].reason


def test_workflow_shape_error_names_the_json_path(dossiers):
    _edit(dossiers / "workflow.yaml", lambda raw: raw["transitions"][0].update(roles="officer"))
    with pytest.raises(WorkflowError) as caught:
        load_workflow(dossiers / "workflow.yaml", [role.value for role in Role])
    assert caught.value.where == "$.transitions[0].roles" and "sai kiểu dữ liệu" in caught.value.reason


def test_documents_catalogue_shape_error_names_the_json_path(dossiers):
    _edit(dossiers / "documents.yaml", lambda raw: raw["regimes"]["nd331-2026"]["mau06"].update(scope="tỉnh"))
    with pytest.raises(DocumentCatalogueError, match=r"documents.yaml: \$\.regimes\['nd331-2026'\]\.mau06\.scope: "
                                                     r"giá trị không nằm trong danh sách cho phép"):
        load_documents(dossiers / "documents.yaml", dossiers / "templates")


def test_a_copied_folder_without_the_new_schemas_uses_the_bundled_ones(playbooks):
    for name in ("lifecycle.schema.json", "categories.schema.json", "clocks.schema.json"):
        (playbooks / name).unlink()
    assert validate_directory(playbooks) == []
    _edit(playbooks / "lifecycle.yaml", lambda raw: raw.pop("phases"))
    with pytest.raises(PlaybookError, match="thiếu trường bắt buộc"):
        load_lifecycle(playbooks)
