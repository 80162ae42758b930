"""A bare `pytest` (the system's, outside `.venv`) still finds the project's libraries.

The README's test command activates `.venv` first. When pytest runs from an interpreter without the
project's libraries but a `.venv` of the same Python version sits here, its site-packages are added
to the path (and to PYTHONPATH, for the app processes the browser journeys start). Otherwise pytest
stops at once with the one command that sets things up, instead of failing to collect.
"""
from __future__ import annotations

import importlib.util
import os
import site
import sys
from pathlib import Path

import pytest

VENV = Path(__file__).resolve().parent / ".venv"
INSTALL = 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]"'


def _venv_site_packages() -> Path | None:
    """The virtualenv's site-packages when it was made for this very Python version (compiled
    libraries such as argon2 and psycopg are built for one)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    posix = VENV / "lib" / f"python{version}" / "site-packages"  # the version is in the path
    windows = VENV / "Lib" / "site-packages"
    if posix.is_dir():
        return posix
    config = VENV / "pyvenv.cfg"
    if windows.is_dir() and config.is_file() and f"= {version}." in config.read_text(encoding="utf-8"):
        return windows
    return None


if importlib.util.find_spec("sqlalchemy") is None:
    packages = _venv_site_packages()
    if packages is None:
        pytest.exit(f"Chưa cài thư viện của ATTT xã cho Python này ({sys.executable}). "
                    f"Cài một lần trong thư mục dự án: {INSTALL}", returncode=4)
    site.addsitedir(str(packages))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(packages), os.environ.get("PYTHONPATH")]))
