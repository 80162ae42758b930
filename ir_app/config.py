"""Configuration from environment variables (DESIGN.md §5), resolved to absolute paths."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "playbooks", "level_dossiers")


def bundled_root() -> Path:
    """Where the data folders live: the checkout root, or the copy packaged in the wheel."""
    checkout = PACKAGE_DIR.parent
    if (checkout / "level_dossiers").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return PACKAGE_DIR / "_bundled"


def load_secret_key(data_dir: Path) -> str:
    """Generate the secret key once and keep it, so every process shares sessions and CSRF."""
    path = data_dir / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def env_bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("IR_DATA_DIR") or "instance").resolve()
    root = bundled_root()
    database_url = env.get("IR_DATABASE_URL") or f"sqlite:///{data_dir / 'ir_app.sqlite3'}"
    return {
        "IR_DATA_DIR": data_dir,
        "IR_DATABASE_URL": database_url,
        "SECRET_KEY": env.get("IR_SECRET_KEY") or None,  # resolved lazily in the app
        "IR_AUDIT_KEY": env.get("IR_AUDIT_KEY") or None,  # else the data dir's audit_key file (ops/audit_key.py)
        "IR_TIMEZONE": env.get("IR_TIMEZONE") or "Asia/Ho_Chi_Minh",
        "IR_DEMO_PASSWORD": env.get("IR_DEMO_PASSWORD") or "demo12345",
        "IR_SMTP_HOST": env.get("IR_SMTP_HOST") or "",
        "IR_SMTP_PORT": int(env.get("IR_SMTP_PORT") or 25),
        "IR_SMTP_USER": env.get("IR_SMTP_USER") or "",
        "IR_SMTP_PASSWORD": env.get("IR_SMTP_PASSWORD") or "",
        "IR_SMTP_FROM": env.get("IR_SMTP_FROM") or "attt-xa@localhost",
        "IR_SMTP_STARTTLS": env_bool(env.get("IR_SMTP_STARTTLS"), False),
        # E-mails failing this many times are marked failed and listed for the admins.
        "IR_SMTP_MAX_ATTEMPTS": int(env.get("IR_SMTP_MAX_ATTEMPTS") or 8),
        # The address users reach the app at, for links in e-mails and calendar events.
        "IR_BASE_URL": (env.get("IR_BASE_URL") or "").rstrip("/"),
        "IR_TEMPLATES_DIR": Path(env.get("IR_TEMPLATES_DIR") or root / "templates").resolve(),
        "IR_PLAYBOOKS_DIR": Path(env.get("IR_PLAYBOOKS_DIR") or root / "playbooks").resolve(),
        "IR_LEVEL_DOSSIERS_DIR": Path(
            env.get("IR_LEVEL_DOSSIERS_DIR") or root / "level_dossiers"
        ).resolve(),
        "IR_SECURE_COOKIES": env_bool(env.get("IR_SECURE_COOKIES"), False),
        "IR_PAGE_SIZE": 25,
        "IR_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        "IR_LOGIN_MAX_FAILURES": 5,
        "IR_LOGIN_LOCK_MINUTES": 15,
    }
