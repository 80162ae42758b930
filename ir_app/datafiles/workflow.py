"""Load the dossier workflow (level_dossiers/workflow.yaml): schema first (JSON path), then
``ir_app.domain.workflow.build_workflow`` checks states, guards and roles."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ir_app.datafiles.loader import WORKFLOW, load_document
from ir_app.domain.state_machine import StateMachine
from ir_app.domain.workflow import WorkflowError, build_workflow

FILE_NAME = WORKFLOW.pattern


def load_workflow(path: Path | str, known_roles: Iterable[str]) -> tuple[StateMachine, dict[str, tuple[str, ...]]]:
    """The workflow and its ``authority_roles`` (authority key → app roles); ``WorkflowError`` if unusable."""
    path = Path(path)
    raw = load_document(path, WORKFLOW, WorkflowError).raw
    authority_roles = {key: tuple(roles) for key, roles in (raw.get("authority_roles") or {}).items()}
    return build_workflow(raw, path, known_roles), authority_roles
