"""A web worker starts lean: the libraries only a few pages or jobs use are loaded by them, on first
use, and nothing hashes a password (argon2 memory) before a first sign-in (issue 17: a worker ≤ 150 MiB)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Spreadsheets, Word documents, diagrams, calendar feeds, QR codes, outgoing alerts.
LOADED_ON_FIRST_USE = ("openpyxl", "docx", "docxtpl", "lxml", "PIL", "icalendar", "segno", "httpx")

PROBE = """
import json, sys
import argon2
hashes = []
real_hash = argon2.PasswordHasher.hash
argon2.PasswordHasher.hash = lambda self, *args, **kw: hashes.append(1) or real_hash(self, *args, **kw)
from ir_app import create_app
create_app()
print(json.dumps({"modules": sorted({name.split(".")[0] for name in sys.modules}), "hashes": len(hashes)}))
"""


def test_create_app_loads_no_heavy_library_and_hashes_nothing(tmp_path):
    env = {**os.environ, "IR_DATA_DIR": str(tmp_path), "IR_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "IR_SECRET_KEY": "lean-worker-test-secret-key-0123456789abcdef", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=True)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert [name for name in LOADED_ON_FIRST_USE if name in found["modules"]] == []
    assert found["hashes"] == 0
