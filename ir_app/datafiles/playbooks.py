"""Load the incident-response folder (playbooks/) into domain objects.

Layout: ``lifecycle.yaml``, ``categories.yaml``, ``clocks.yaml`` and ``schema.json`` sit next to
one ``<id>.yaml`` per playbook, so an admin's edited copy of the folder travels as a whole.
Two passes per playbook: the JSON Schema catches shape errors with a JSON path, then
``ir_app.domain.playbooks`` checks meaning (phases, roles, categories, dependencies, clocks).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ir_app.datafiles.checklist import load_checklist
from ir_app.datafiles.loader import (
    CATEGORIES,
    CLOCKS,
    LIFECYCLE,
    MORNING_CHECK,
    PLAYBOOK,
    Family,
    errors_against,
    first_error,
    load_document,
    load_validator,
    read_document,
    schema_for,
    schema_reason,
)
from ir_app.domain.playbooks import (
    APP_ROLES,
    Catalogue,
    ClockRule,
    Lifecycle,
    Playbook,
    PlaybookError,
    build_categories,
    build_clock_rules,
    build_lifecycle,
    build_playbook,
    check_playbook,
)

LIFECYCLE_FILE = LIFECYCLE.pattern
CATEGORIES_FILE = CATEGORIES.pattern
CLOCKS_FILE = CLOCKS.pattern
SCHEMA_FILE = PLAYBOOK.schema
# Shared files in the folder that are not playbooks.
RESERVED_STEMS = frozenset(Path(name).stem for name in (LIFECYCLE_FILE, CATEGORIES_FILE, CLOCKS_FILE,
                                                         MORNING_CHECK.pattern))

T = TypeVar("T")


def _playbook_error(source: str, where: str, reason: str) -> PlaybookError:
    return PlaybookError(Path(source), where, reason)


def _shared_file(directory: Path, family: Family) -> Any:
    """A shared file of the folder, schema-checked, as JSON sees it (what the domain builds read)."""
    return load_document(Path(directory) / family.pattern, family, _playbook_error).json


def load_lifecycle(directory: Path, roles: Sequence[str] = APP_ROLES) -> Lifecycle:
    return build_lifecycle(_shared_file(directory, LIFECYCLE), Path(directory) / LIFECYCLE_FILE, roles)


def load_categories(directory: Path) -> Catalogue:
    return build_categories(_shared_file(directory, CATEGORIES), Path(directory) / CATEGORIES_FILE)


def load_clock_rules(directory: Path, known_facts: Iterable[str] | None = None) -> tuple[ClockRule, ...]:
    """Clock rules; condition facts are checked against categories.yaml unless given."""
    if known_facts is None:
        known_facts = load_categories(directory).fact_names
    return _clock_rules(directory, known_facts)


def _clock_rules(directory: Path, known_facts: Iterable[str] | None) -> tuple[ClockRule, ...]:
    """``known_facts`` None: the facts are not checked (categories.yaml is broken and reported)."""
    return build_clock_rules(_shared_file(directory, CLOCKS), Path(directory) / CLOCKS_FILE, known_facts)


def load_schema(directory: Path) -> dict[str, Any]:
    """The playbook schema of the folder (the bundled one if the folder has none)."""
    return load_validator(schema_for(Path(directory) / "playbook.yaml", PLAYBOOK), _playbook_error).schema


def playbook_paths(directory: Path) -> list[Path]:
    return sorted(path for path in Path(directory).glob("*.yaml") if path.stem not in RESERVED_STEMS)


def load_playbook(path: Path, *, lifecycle: Lifecycle, category_ids: Iterable[str],
                  roles: Sequence[str] = APP_ROLES, schema: dict[str, Any] | None = None,
                  clock_rules: Sequence[ClockRule] | None = None) -> Playbook:
    """One playbook, or the first ``PlaybookError`` (schema first, then meaning)."""
    path = Path(path)
    document = read_document(path, _playbook_error)
    schema = load_schema(path.parent) if schema is None else schema
    error = first_error(errors_against(document.json, schema))
    if error is not None:
        raise _schema_error(path, document.json, error)
    _check_file_name(path, document.json)
    playbook = build_playbook(document.json, path, lifecycle, category_ids, roles, clock_rules)
    return dataclasses.replace(playbook, sha256=document.sha256)


def load_playbooks(directory: Path) -> dict[str, Playbook]:
    """Every playbook in ``directory`` by id; raises the first error (see ``validate_directory``)."""
    directory = Path(directory)
    lifecycle, catalogue = load_lifecycle(directory), load_categories(directory)
    clocks, schema = load_clock_rules(directory, catalogue.fact_names), load_schema(directory)
    playbooks = {}
    for path in playbook_paths(directory):
        playbook = load_playbook(path, lifecycle=lifecycle, category_ids=catalogue.category_ids,
                                 schema=schema, clock_rules=clocks)
        playbooks[playbook.id] = playbook
    return playbooks


def validate_directory(directory: Path) -> list[PlaybookError]:
    """Every problem in every file of the folder (empty list = valid), for the CLI."""
    directory = Path(directory)
    errors: list[PlaybookError] = []
    lifecycle = _attempt(errors, lambda: load_lifecycle(directory))
    catalogue = _attempt(errors, lambda: load_categories(directory))
    facts = catalogue.fact_names if catalogue else None
    # Not load_clock_rules: with categories.yaml broken it would read it again and report it twice.
    clocks = _attempt(errors, lambda: _clock_rules(directory, facts))
    schema = _attempt(errors, lambda: load_schema(directory))
    if (directory / MORNING_CHECK.pattern).is_file():  # optional: a folder without it uses the bundled list
        _attempt(errors, lambda: load_checklist(directory / MORNING_CHECK.pattern))
    paths = playbook_paths(directory)
    if not paths:
        errors.append(PlaybookError(directory, "thư mục", "không có kịch bản nào (*.yaml)"))
    for path in paths:
        errors.extend(_playbook_errors(path, lifecycle, catalogue, clocks, schema))
    return errors


def _attempt(errors: list[PlaybookError], load: Callable[[], T]) -> T | None:
    try:
        return load()
    except PlaybookError as error:
        errors.append(error)
        return None


def _playbook_errors(path: Path, lifecycle: Lifecycle | None, catalogue: Catalogue | None,
                     clocks: Sequence[ClockRule] | None, schema: dict | None) -> list[PlaybookError]:
    try:
        raw = read_document(path, _playbook_error).json
    except PlaybookError as error:
        return [error]
    if schema is not None:
        shape = errors_against(raw, schema)
        if shape:
            return [_schema_error(path, raw, error) for error in shape]
    errors = _attempt_list(lambda: _check_file_name(path, raw))
    if lifecycle is None or catalogue is None:
        return errors  # the shared files' own errors are already reported
    return errors + check_playbook(raw, path, lifecycle, catalogue.category_ids, APP_ROLES, clocks)


def _attempt_list(check: Callable[[], None]) -> list[PlaybookError]:
    try:
        check()
    except PlaybookError as error:
        return [error]
    return []


def _check_file_name(path: Path, raw: Any) -> None:
    if isinstance(raw, dict) and raw.get("id") != path.stem:
        raise PlaybookError(path, "trường 'id'", f"'{raw.get('id')}' phải trùng tên tệp '{path.stem}'")


def _schema_error(path: Path, raw: Any, error: Any) -> PlaybookError:
    step = _step_of(raw, list(error.absolute_path))
    where = error.json_path + (f" (bước '{step}')" if step else "")
    return PlaybookError(path, where, schema_reason(error), step=step)


def _step_of(raw: Any, location: list) -> str | None:
    """The id of the step a schema error sits in, so the message names the step."""
    if len(location) < 2 or location[0] != "steps" or not isinstance(location[1], int):
        return None
    try:
        step_id = raw["steps"][location[1]].get("id")
    except (AttributeError, IndexError, KeyError, TypeError):
        return None
    return step_id if isinstance(step_id, str) else f"#{location[1] + 1}"
