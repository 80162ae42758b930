"""The domain layer imports only the standard library (and itself)."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import ir_app.domain

DOMAIN_DIR = Path(ir_app.domain.__file__).parent


def _imported_roots(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_domain_imports_only_stdlib():
    offenders = []
    for path in DOMAIN_DIR.rglob("*.py"):
        for module in _imported_roots(path):
            root = module.split(".")[0]
            if module.startswith("ir_app.domain") or root in sys.stdlib_module_names or root == "__future__":
                continue
            offenders.append(f"{path.name}: {module}")
    assert offenders == []
