"""Load a requirement catalogue (level_dossiers/requirements/*.yaml) into a domain ``Catalogue``.

Two passes: the JSON Schema catches shape errors with a precise JSON path, then
``build_catalogue`` checks references, uniqueness and the declared per-level counts.
"""

from __future__ import annotations

from pathlib import Path

from ir_app.datafiles.loader import REQUIREMENTS, load_document
from ir_app.domain.requirements import Catalogue, CatalogueError, build_catalogue

# The schema sits next to the catalogues, so an admin's edited copy travels with its schema.
SCHEMA_NAME = REQUIREMENTS.schema


def load_catalogue(path: Path, schema_path: Path | None = None) -> Catalogue:
    """Read, validate and build the catalogue at ``path``; raise ``CatalogueError`` if unusable."""
    path = Path(path)
    document = load_document(path, Path(schema_path) if schema_path else REQUIREMENTS,
                             CatalogueError)
    return build_catalogue(document.raw, document.source)
