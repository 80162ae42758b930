"""Load measure libraries (level_dossiers/measures/*.yaml) and threat catalogues
(level_dossiers/threats/*.yaml) into domain objects.

Two passes, as for the requirement catalogue: the JSON Schema next to the files catches shape
errors with a precise JSON path, then ``ir_app.domain.measures`` checks ids, references to the
requirement and threat catalogues, and the coverage rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ir_app.datafiles.loader import MEASURES, THREATS, Family, load_document
from ir_app.domain.measures import (
    LibraryError,
    MeasureLibrary,
    ThreatCatalogue,
    build_measure_library,
    build_threat_catalogue,
)
from ir_app.domain.requirements import Catalogue

# Each folder carries its own schema, so an admin's edited copy travels with its schema.
SCHEMA_NAME = MEASURES.schema
MEASURES_FOLDER = MEASURES.folder.rsplit("/", 1)[-1]
THREATS_FOLDER = THREATS.folder.rsplit("/", 1)[-1]


def load_threat_catalogue(path: Path | str) -> ThreatCatalogue:
    """Read, validate and build the threat catalogue at ``path``; raise ``LibraryError``."""
    path = Path(path)
    return build_threat_catalogue(_read_valid(path, THREATS), str(path))


def load_measure_library(
    path: Path | str, catalogue: Catalogue, threats: ThreatCatalogue
) -> MeasureLibrary:
    """Read, validate and build the measure library at ``path`` against both catalogues."""
    path = Path(path)
    return build_measure_library(_read_valid(path, MEASURES), str(path), catalogue, threats)


def validate_measures_dir(
    directory: Path | str, catalogue: Catalogue, threats_directory: Path | str | None = None
) -> list[str]:
    """Every problem in the measure libraries of ``directory`` (empty list = valid), for the CLI.

    The threat catalogues are read from ``threats_directory``, by default the ``threats`` folder
    next to ``directory`` (level_dossiers/measures → level_dossiers/threats); each library is
    checked against the catalogue its ``library.threats`` names.
    """
    directory = Path(directory)
    threats_dir = Path(threats_directory) if threats_directory else directory.parent / THREATS_FOLDER
    errors: list[str] = []
    threat_catalogues = _load_all_threats(threats_dir, errors)
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        errors.append(f"{directory}: $: không có thư viện biện pháp (*.yaml) nào")
    library_ids: dict[str, Path] = {}
    for path in paths:
        try:
            raw = _read_valid(path, MEASURES)
            threats = threat_catalogues.get(raw["library"]["threats"])
            if threats is None:
                raise LibraryError(str(path), "library.threats",
                                   f"không có danh mục nguy cơ hợp lệ mã "
                                   f"'{raw['library']['threats']}' trong {threats_dir}")
            library = build_measure_library(raw, str(path), catalogue, threats)
        except LibraryError as error:
            errors.append(str(error))
            continue
        if library.id in library_ids:
            errors.append(f"{path}: library.id: mã thư viện '{library.id}' đã có trong "
                          f"{library_ids[library.id]}")
        library_ids.setdefault(library.id, path)
    return errors


def _load_all_threats(directory: Path, errors: list[str]) -> dict[str, ThreatCatalogue]:
    catalogues: dict[str, ThreatCatalogue] = {}
    sources: dict[str, Path] = {}
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        errors.append(f"{directory}: $: không có danh mục nguy cơ (*.yaml) nào")
    for path in paths:
        try:
            threats = load_threat_catalogue(path)
        except LibraryError as error:
            errors.append(str(error))
            continue
        if threats.id in catalogues:
            errors.append(f"{path}: library.id: mã danh mục nguy cơ '{threats.id}' đã có trong "
                          f"{sources[threats.id]}")
            continue
        catalogues[threats.id] = threats
        sources[threats.id] = path
    return catalogues


def _read_valid(path: Path, family: Family) -> Any:
    """The file's data once it matches the schema next to it; ``LibraryError`` otherwise."""
    return load_document(path, family, LibraryError).raw
