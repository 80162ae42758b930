"""pyproject.toml never lets pip pick a release with a known vulnerability: every lower bound is at
least the release that fixed the last advisory we know of (issue 14, D14)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

# package -> (first safe release, why)
FIXED_IN = {
    "flask": ("3.1.3", "GHSA-68rp-wp8r-4726"),
    "werkzeug": ("3.1.6", "CVE-2024-49766/49767, CVE-2025-66221, CVE-2026-21860, CVE-2026-27199"),
    "jinja2": ("3.1.6", "CVE-2024-56326, CVE-2025-27516 (sandbox escapes; the DOCX sandbox relies on it)"),
    "waitress": ("3.0.1", "CVE-2024-49768, CVE-2024-49769"),
    "lxml": ("6.1.0", "CVE-2026-41066"),
    "gunicorn": ("23.0", "CVE-2024-1135, CVE-2024-6827"),
    "aiosmtpd": ("1.4.6", "CVE-2024-27305, CVE-2024-34083"),
    "pillow": ("12.1.1", "CVE-2025-48379, CVE-2026-25990"),
    "setuptools": ("78.1.1", "CVE-2024-6345, CVE-2025-47273"),
}


def _declared() -> dict[str, Requirement]:
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    texts = list(data["project"]["dependencies"]) + list(data["build-system"]["requires"])
    for extra in data["project"]["optional-dependencies"].values():
        texts += extra
    return {req.name.lower(): req for req in map(Requirement, texts)}


def _lower_bound(req: Requirement) -> Version | None:
    bounds = [Version(spec.version) for spec in req.specifier if spec.operator in (">=", "==", "~=", ">")]
    return max(bounds) if bounds else None


@pytest.mark.parametrize("package", sorted(FIXED_IN))
def test_lower_bounds_leave_out_vulnerable_releases(package):
    safe, why = FIXED_IN[package]
    declared = _declared()
    assert package in declared, f"{package} is not declared in pyproject.toml ({why})"
    bound = _lower_bound(declared[package])
    assert bound is not None and bound >= Version(safe), \
        f"{package}: lower bound {bound} allows releases with {why}; needs >= {safe}"
