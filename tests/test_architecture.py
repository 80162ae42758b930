"""The house keeps its shape: imports flow one way, and a shared idea is written once.

domain ← datafiles ← documents ← services ← web | cli | jobs | seed | ops. A lower ring importing
a higher one is how a rule ends up needing Flask, or a service ends up depending on a page.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import ir_app

PACKAGE = Path(ir_app.__file__).parent
FACES = {"web", "cli", "jobs", "seed", "ops"}
ENTRY_POINTS = {"__init__", "__main__"}  # ir_app/__init__.py builds the app; __main__ runs the CLI
# What each ring may import from ir_app (besides itself). Faces may use every ring below them.
ALLOWED = {
    "domain": set(),
    "datafiles": {"domain", "config"},  # config only to find the bundled data folders
    "models": {"domain", "i18n_markers"},
    "documents": {"domain", "datafiles", "config", "i18n_markers"},
    "services": {"domain", "datafiles", "models", "documents", "config", "db", "i18n_markers"},
}
# Helpers that must exist once: a second definition is a second copy of the same idea.
SINGLE_DEFINITIONS = ("add_months", "read_yaml", "_read_yaml", "load_yaml", "read_document", "load_document",
                      "schema_for", "schema_reason", "sniff_type", "sniff_content_type", "check_upload",
                      "store_upload", "store_file", "clean_filename", "render_document", "render_docx",
                      "render_report", "keep_signature_with_body",
                      "StateMachine", "TransitionRefused", "expand_roles",  # domain/state_machine.py
                      "compile_condition", "ConditionError", "Vocabulary", "Compare", "AllOf", "AnyOf",
                      "validate_condition",  # domain/conditions.py
                      "check_version", "snapshot", "save_record", "clean_text")


def _modules():
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _ring(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py") if len(relative.parts) > 1 else relative.stem


def _ir_app_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("ir_app."):
            yield node.module.split(".")[1]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ir_app."):
                    yield alias.name.split(".")[1]


def test_imports_flow_from_the_faces_down_to_the_domain():
    offenders = []
    for path, tree in _modules():
        ring = _ring(path)
        if ring not in ALLOWED:
            continue
        for target in _ir_app_imports(tree):
            if target != ring and target not in ALLOWED[ring]:
                offenders.append(f"{path.relative_to(PACKAGE)} → ir_app.{target}")
    assert offenders == []


def test_no_lower_ring_imports_a_face():
    offenders = [f"{path.relative_to(PACKAGE)} → ir_app.{target}" for path, tree in _modules()
                 if _ring(path) not in FACES | ENTRY_POINTS for target in _ir_app_imports(tree) if target in FACES]
    assert offenders == []


def test_shared_helpers_are_defined_once():
    where = defaultdict(list)
    for path, tree in _modules():
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in SINGLE_DEFINITIONS:
                where[node.name].append(str(path.relative_to(PACKAGE)))
    assert {name: places for name, places in where.items() if len(places) > 1} == {}
