"""Load the risk matrix (level_dossiers/risks/*.yaml): schema first, then the domain's checks
(cells name declared levels, levels never fall as ratings rise, proposal threats exist)."""
from __future__ import annotations

from pathlib import Path

from ir_app.datafiles.loader import RISK_MATRIX, load_document
from ir_app.domain.measures import ThreatCatalogue
from ir_app.domain.risks import RiskMatrix, RiskMatrixError, build_risk_matrix

RISKS_FOLDER = RISK_MATRIX.folder.rsplit("/", 1)[-1]
MATRIX_FILE = "commune-risk-matrix.yaml"


def load_risk_matrix(path: Path | str, threats: ThreatCatalogue | None = None) -> RiskMatrix:
    """Read, validate and build the matrix at ``path``; raise ``RiskMatrixError``."""
    path = Path(path)
    document = load_document(path, RISK_MATRIX, RiskMatrixError)
    if threats is not None and document.raw.get("threats") != threats.id:
        raise RiskMatrixError(str(path), "threats", f"ma trận viết cho danh mục nguy cơ "
                              f"'{document.raw.get('threats')}', đang dùng '{threats.id}'")
    return build_risk_matrix(document.raw, str(path), threats.ids if threats is not None else None)


def validate_risks_dir(directory: Path | str, threats: ThreatCatalogue) -> list[str]:
    """Every problem of the matrices in ``directory`` (empty list = valid), for the CLI."""
    errors = []
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        errors.append(f"{directory}: $: không có ma trận rủi ro (*.yaml) nào")
    for path in paths:
        try:
            load_risk_matrix(path, threats)
        except RiskMatrixError as error:
            errors.append(str(error))
    return errors
