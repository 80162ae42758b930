"""The data a risk register is rated with: the threat catalogue and the level matrix
(level_dossiers/threats/, level_dossiers/risks/), loaded once per folder."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ir_app.datafiles.measures import THREATS_FOLDER, load_threat_catalogue
from ir_app.datafiles.risks import MATRIX_FILE, RISKS_FOLDER, load_risk_matrix
from ir_app.domain.measures import Threat, ThreatCatalogue
from ir_app.domain.risks import RiskLevel, RiskMatrix

THREATS_FILE = "commune-threats.yaml"


@dataclass(frozen=True)
class RiskLibrary:
    threats: ThreatCatalogue
    matrix: RiskMatrix

    def threat(self, threat_id: str | None) -> Threat | None:
        if not threat_id:
            return None
        try:
            return self.threats.threat(threat_id)
        except KeyError:  # a catalogue update dropped it: the risk keeps its own title
            return None

    def level(self, likelihood: int, impact: int) -> RiskLevel:
        return self.matrix.level(likelihood, impact)

    def likelihood_label(self, value: int) -> str:
        return self.threats.likelihood_label(value)

    def impact_label(self, value: int) -> str:
        return self.threats.impact_label(value)


_LOADED: dict[str, RiskLibrary] = {}


def load_risk_library(folder: Path | str) -> RiskLibrary:
    key = str(folder)
    if key not in _LOADED:
        root = Path(folder)
        threats = load_threat_catalogue(root / THREATS_FOLDER / THREATS_FILE)
        _LOADED[key] = RiskLibrary(threats, load_risk_matrix(root / RISKS_FOLDER / MATRIX_FILE, threats))
    return _LOADED[key]
