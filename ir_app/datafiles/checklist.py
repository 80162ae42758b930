"""Load the default morning-check list (playbooks/morning-check.yaml): schema first (JSON path),
then every item in Vietnamese and English."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ir_app.datafiles.loader import MORNING_CHECK, load_document
from ir_app.domain.playbooks.errors import PlaybookError

FILE_NAME = MORNING_CHECK.pattern


def load_checklist(path: Path | str) -> tuple[tuple[str, str], ...]:
    """(Vietnamese label, English label) of each default item; ``PlaybookError`` if unusable."""
    raw = load_document(Path(path), MORNING_CHECK, PlaybookError).raw
    return tuple((item["label"].strip(), item["label_en"].strip()) for item in raw["items"])


@lru_cache(maxsize=8)
def checklist_in(folder: Path) -> tuple[tuple[str, str], ...]:
    """The folder's list, read once per process; an admin's copy of the folder made before the file
    existed uses the bundled one."""
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        from ir_app.config import bundled_root  # late: config reads the environment

        path = bundled_root() / MORNING_CHECK.folder / FILE_NAME
    return load_checklist(path)
