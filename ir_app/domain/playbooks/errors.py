"""Errors found in the data files, and the per-file problem collector."""
from __future__ import annotations


class PlaybookError(ValueError):
    """A problem in a data file: which file, where in it (step id or field), and why."""

    def __init__(self, source: object, where: str, reason: str, *, step: str | None = None):
        self.source = str(source)
        self.where = where
        self.reason = reason
        self.step = step
        super().__init__(self.source, where, reason)

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.reason}"


class _Problems:
    """Collects every problem in one file, so an editor can fix them all in one pass."""

    def __init__(self, source: object):
        self.source = source
        self.errors: list[PlaybookError] = []

    def add(self, where: str, reason: str, *, step: str | None = None) -> None:
        self.errors.append(PlaybookError(self.source, where, reason, step=step))

    def raise_first(self) -> None:
        if self.errors:
            raise self.errors[0]


class _StepProblems(_Problems):
    """Tags every problem found while reading a step with that step's id (shares the list)."""

    def __init__(self, parent: _Problems, step_id: str):
        super().__init__(parent.source)
        self.errors = parent.errors
        self.step_id = step_id

    def add(self, where: str, reason: str, *, step: str | None = None) -> None:
        super().add(where, reason, step=self.step_id)


def _field(name: str) -> str:
    return f"trường '{name}'"


def _at_step(step_id: str, name: str | None = None) -> str:
    return f"bước '{step_id}'" + (f", trường '{name}'" if name else "")
