"""The one way every law and response data file is read: bytes → SHA-256 → YAML (safe subset) →
JSON Schema (errors carry a JSON path and a Vietnamese reason) → a domain build that checks meaning
in Vietnamese.

Each data family keeps its own error class (regimes, catalogue, playbooks, measures…); they all take
``(source, where, reason)``, so the loader raises through the factory it is given. Every family and
its schema is listed in ``FAMILIES``; a schema sits next to its files (an admin's edited copy of a
folder travels with its schemas), and the bundled one is used when the copy has none.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match

# The libyaml loader when present: same safe subset of YAML, several times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ErrorFactory = Callable[[str, str, str], Exception]


@dataclass(frozen=True)
class Family:
    """A kind of data file: where the bundled copies live, which files, and the schema beside them."""
    folder: str    # relative to the data root: "playbooks", "level_dossiers/regimes"
    pattern: str   # file names in that folder: "lifecycle.yaml", "*.yaml"
    schema: str    # the schema's file name in the same folder

    def matches(self, relative: str) -> bool:
        folder, _, name = relative.rpartition("/")
        return folder == self.folder and fnmatch.fnmatch(name, self.pattern)


LIFECYCLE = Family("playbooks", "lifecycle.yaml", "lifecycle.schema.json")
CATEGORIES = Family("playbooks", "categories.yaml", "categories.schema.json")
CLOCKS = Family("playbooks", "clocks.yaml", "clocks.schema.json")
MORNING_CHECK = Family("playbooks", "morning-check.yaml", "morning-check.schema.json")
PLAYBOOK = Family("playbooks", "*.yaml", "schema.json")
WORKFLOW = Family("level_dossiers", "workflow.yaml", "workflow.schema.json")
DOCUMENTS = Family("level_dossiers", "documents.yaml", "documents.schema.json")
HOLIDAYS = Family("level_dossiers", "holidays.yaml", "holidays.schema.json")
REGIME = Family("level_dossiers/regimes", "*.yaml", "schema.json")
REQUIREMENTS = Family("level_dossiers/requirements", "*.yaml", "schema.json")
MEASURES = Family("level_dossiers/measures", "*.yaml", "schema.json")
THREATS = Family("level_dossiers/threats", "*.yaml", "schema.json")
RISK_MATRIX = Family("level_dossiers/risks", "*.yaml", "schema.json")
TRAINING = Family("level_dossiers/training", "*.yaml", "schema.json")
# Most specific first: the playbooks folder's shared files before "any other YAML is a playbook".
FAMILIES = (LIFECYCLE, CATEGORIES, CLOCKS, MORNING_CHECK, PLAYBOOK, WORKFLOW, DOCUMENTS, HOLIDAYS, REGIME,
            REQUIREMENTS, MEASURES, THREATS, RISK_MATRIX, TRAINING)


def family_of(relative: str) -> Family | None:
    """The family of a file named by its path under the data root ("playbooks/clocks.yaml")."""
    return next((family for family in FAMILIES if family.matches(relative)), None)


def schema_for(path: Path | str, family: Family) -> Path:
    """The schema beside the file, else the bundled one (a copied folder made before it had one)."""
    own = Path(path).with_name(family.schema)
    if own.is_file():
        return own
    from ir_app.config import bundled_root  # late: config reads the environment

    return bundled_root() / family.folder / family.schema


@dataclass(frozen=True)
class DataDocument:
    source: str
    raw: Any          # as YAML gave it (dates, integer keys kept)
    sha256: str       # of the file's bytes: what a dossier or an incident pins

    @property
    def json(self) -> Any:
        """The same data as JSON sees it (string keys, ISO dates): what schemas and some builders read."""
        return as_json(self.raw)


def load_yaml(source: str | bytes | IO[str]) -> Any:
    return yaml.load(source, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader: no Python objects


def read_document(path: Path | str, error: ErrorFactory) -> DataDocument:
    """Bytes, SHA-256 and YAML of a file, without a schema check (``load_document`` adds it)."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(source, "$", f"không đọc được tệp: {exc.strerror or exc}") from exc
    try:
        raw = load_yaml(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise error(source, "$", "tệp không phải văn bản UTF-8") from exc
    except yaml.YAMLError as exc:
        raise error(source, "$", f"YAML có cú pháp không hợp lệ: {exc}") from exc
    return DataDocument(source, raw, hashlib.sha256(data).hexdigest())


def load_document(path: Path | str, schema: Path | str | Family, error: ErrorFactory) -> DataDocument:
    """Read the file and check it against its schema; the first (best) schema error is raised.

    ``schema`` is the schema's path, or the file's family (its schema beside the file)."""
    document = read_document(path, error)
    schema_path = schema_for(path, schema) if isinstance(schema, Family) else schema
    first = best_match(schema_errors(document.json, schema_path, error))
    if first is not None:
        raise error(document.source, first.json_path, schema_reason(first))
    return document


def schema_errors(instance: Any, schema_path: Path | str, error: ErrorFactory) -> list[ValidationError]:
    """Every schema error of ``instance`` (JSON-shaped), in document order."""
    validator = load_validator(schema_path, error)
    return sorted(validator.iter_errors(instance), key=_document_order)


def errors_against(instance: Any, schema: dict[str, Any]) -> list[ValidationError]:
    """Every error of ``instance`` against an already loaded schema, in document order."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    return sorted(validator.iter_errors(instance), key=_document_order)


def _document_order(error: ValidationError) -> list[tuple[int, int | str]]:
    """steps[2] before steps[10]; list positions and keys never compared with each other."""
    return [(0, part) if isinstance(part, int) else (1, str(part)) for part in error.absolute_path]


def first_error(errors: list[ValidationError]) -> ValidationError | None:
    """The error that best explains what is wrong (jsonschema's ``best_match``)."""
    return best_match(errors)


def load_validator(schema_path: Path | str, error: ErrorFactory) -> Draft202012Validator:
    try:
        return _validator(Path(schema_path).read_text(encoding="utf-8"))
    except (OSError, ValueError, SchemaError) as exc:
        raise error(str(schema_path), "$", f"lược đồ không dùng được: {exc}") from exc


@lru_cache(maxsize=32)
def _validator(schema_text: str) -> Draft202012Validator:
    """Checking the schema itself is slow; do it once per distinct schema text."""
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


# Vietnamese wording for the schema errors an editor meets most often; jsonschema's own message
# follows it, since it names the field or the value.
_SCHEMA_REASONS = {
    "required": "thiếu trường bắt buộc",
    "additionalProperties": "có trường không được phép",
    "type": "sai kiểu dữ liệu",
    "enum": "giá trị không nằm trong danh sách cho phép",
    "pattern": "sai định dạng",
    "minItems": "danh sách quá ngắn",
    "maxItems": "danh sách quá dài",
    "minLength": "không được để trống",
    "uniqueItems": "có phần tử trùng",
    "minimum": "giá trị quá nhỏ",
    "maximum": "giá trị quá lớn",
    "const": "giá trị không đúng",
}


def schema_reason(error: ValidationError) -> str:
    """The reason of a schema error, in Vietnamese first."""
    label = _SCHEMA_REASONS.get(error.validator, "sai lược đồ")
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        return f"{label}: {error.instance!r}; chọn một trong: {allowed}"
    if error.validator == "pattern":  # the raw regex helps nobody; the field's description does
        hint = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
        return f"{label}: {error.instance!r}" + (f" ({hint})" if hint else "")
    return f"{label}: {error.message}"


def as_json(value: Any) -> Any:
    """YAML turns unquoted dates into date objects and allows integer keys; JSON has neither."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
