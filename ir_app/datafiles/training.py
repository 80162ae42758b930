"""Load the training requirements (level_dossiers/training/*.yaml): schema first, then the domain's
checks (declared topics, unique ids)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ir_app.datafiles.loader import TRAINING, load_document
from ir_app.domain.training import TrainingDataError, TrainingRules, build_training_rules

TRAINING_FOLDER = TRAINING.folder.rsplit("/", 1)[-1]
REQUIREMENTS_FILE = "requirements.yaml"


def load_training_rules(path: Path | str) -> TrainingRules:
    """Read, validate and build the requirements at ``path``; raise ``TrainingDataError``."""
    document = load_document(Path(path), TRAINING, TrainingDataError)
    return build_training_rules(document.raw, str(path))


@lru_cache(maxsize=8)
def training_rules_in(level_dossiers: str) -> TrainingRules:
    """The requirements of a level_dossiers folder, read once per folder."""
    return load_training_rules(Path(level_dossiers) / TRAINING_FOLDER / REQUIREMENTS_FILE)
