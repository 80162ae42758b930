"""ATTT xã — bảo đảm an ninh mạng hệ thống thông tin cấp xã."""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def create_app(overrides: dict[str, Any] | None = None):
    """Build the Flask app. Only builds: no migrations, no seeding, no threads."""
    from ir_app.web.app import build_app

    return build_app(overrides)
