"""Configuration from environment variables (DESIGN.md §5), resolved to absolute paths."""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any, Mapping

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "playbooks", "level_dossiers")
MIN_SECRET_KEY_LENGTH = 32
# Values copied from examples and tutorials: whoever knows them can forge sessions and CSRF tokens.
EXAMPLE_SECRET_KEYS = frozenset({
    "change-me", "changeme", "change_me", "change-this", "secret", "secret-key", "secretkey", "dev", "development",
    "test", "password", "your-secret-key", "replace-me", "please-change-me", "xxx",
})


class ConfigError(Exception):
    """A setting that must not be used; the message says what to do, in Vietnamese."""


def check_secret_key(key: str, source: str = "IR_SECRET_KEY") -> str:
    """Refuse an example value or a short key: a guessable key lets anyone sign in as anyone."""
    stripped = key.strip()
    if stripped.lower() in EXAMPLE_SECRET_KEYS or "change-me" in stripped.lower() or len(set(stripped)) < 8 \
            or len(stripped) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"{source} quá yếu hoặc là giá trị mẫu: cần ít nhất {MIN_SECRET_KEY_LENGTH} ký tự ngẫu nhiên. "
            "Tạo khóa bằng lệnh: python -c \"import secrets; print(secrets.token_hex(32))\", "
            "hoặc bỏ trống IR_SECRET_KEY để ứng dụng tự sinh khóa trong IR_DATA_DIR/secret_key. "
            f"({source} is too weak or an example value: use at least {MIN_SECRET_KEY_LENGTH} random characters.)"
        )
    return stripped


def make_private_dir(path: Path, tighten: bool = False) -> Path:
    """Create the folder readable by the app's account only (0700). With `tighten`, an existing
    folder of ours is made 0700 too (the data folder of an older install was 0755); a shared
    folder such as /tmp (sticky bit) is never touched. On Windows, folder rights come from the
    parent's access list: nothing to do here."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if tighten and os.name == "posix":
        info = path.stat()
        if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX and info.st_mode & 0o077:
            os.chmod(path, 0o700)
    return path


def make_private_file(path: Path) -> Path:
    """Create the file if needed and make it 0600 (database, keys, backups hold personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    if os.name == "posix" and os.stat(path).st_mode & 0o077:
        try:
            os.chmod(path, 0o600)
        except PermissionError:  # not ours (a shared, read-only copy): nothing we may change
            pass
    return path


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
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    make_private_dir(data_dir)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return _read_key_file(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def _read_key_file(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # an older install wrote it world-readable
    return check_secret_key(key, str(path))


def env_bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ConfigError(f"{name} phải là số nguyên từ {minimum} trở lên (đang là «{value}»).")
    return int(value)


def env_list(value: str | None, default: str) -> frozenset[str]:
    return frozenset(part.strip() for part in (default if value is None else value).split(",") if part.strip())


def level_dossiers_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The law-as-data folder: IR_LEVEL_DOSSIERS_DIR, else the bundled level_dossiers/."""
    env = os.environ if environ is None else environ
    return Path(env.get("IR_LEVEL_DOSSIERS_DIR") or bundled_root() / "level_dossiers").resolve()


def totp_required_roles(value: str | None) -> frozenset[str]:
    """Roles that must sign in with a second factor. Unset: admin, approver, overseer (they approve
    decisions and see every commune's data); empty: nobody is forced (the others may still opt in)."""
    from ir_app.models.org import Role  # lazily: the models import SQLAlchemy, config stays light

    roles = env_list(value, "admin,approver,overseer")
    unknown = sorted(roles - {role.value for role in Role})
    if unknown:
        raise ConfigError(f"IR_TOTP_REQUIRED_ROLES có vai trò không tồn tại: {', '.join(unknown)} "
                          f"(có: {', '.join(role.value for role in Role)}).")
    return roles


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("IR_DATA_DIR") or "instance").resolve()
    root = bundled_root()
    database_url = env.get("IR_DATABASE_URL") or f"sqlite:///{data_dir / 'ir_app.sqlite3'}"
    return {
        "IR_DATA_DIR": data_dir,
        "IR_DATABASE_URL": database_url,
        # An explicit key must be strong; without one the app generates and keeps its own.
        "SECRET_KEY": check_secret_key(env["IR_SECRET_KEY"]) if env.get("IR_SECRET_KEY") else None,
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
        # Alerts on the phone (services/notifications/channels.py); the API bases let an office proxy or a
        # test server stand in for api.telegram.org / openapi.zalo.me.
        "IR_TELEGRAM_BOT_TOKEN": env.get("IR_TELEGRAM_BOT_TOKEN") or "",
        "IR_TELEGRAM_API_BASE": env.get("IR_TELEGRAM_API_BASE") or "https://api.telegram.org",
        "IR_ZALO_OA_ACCESS_TOKEN": env.get("IR_ZALO_OA_ACCESS_TOKEN") or "",
        "IR_ZALO_API_BASE": env.get("IR_ZALO_API_BASE") or "https://openapi.zalo.me",
        # The address users reach the app at, for links in e-mails and calendar events.
        "IR_BASE_URL": (env.get("IR_BASE_URL") or "").rstrip("/"),
        "IR_TEMPLATES_DIR": Path(env.get("IR_TEMPLATES_DIR") or root / "templates").resolve(),
        "IR_PLAYBOOKS_DIR": Path(env.get("IR_PLAYBOOKS_DIR") or root / "playbooks").resolve(),
        "IR_LEVEL_DOSSIERS_DIR": level_dossiers_dir(env),
        # HTTPS only: the session cookie gets the Secure flag and responses an HSTS header.
        "IR_SECURE_COOKIES": env_bool(env.get("IR_SECURE_COOKIES"), False),
        "IR_PAGE_SIZE": 25,
        # Province-wide pages kept per worker for the current minute (web/page_cache.py); 0: off.
        "IR_PAGE_CACHE_ENTRIES": env_int(env, "IR_PAGE_CACHE_ENTRIES", 256, minimum=0),
        "IR_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        "IR_LOGIN_MAX_FAILURES": 5,
        "IR_LOGIN_LOCK_MINUTES": 15,
        # Behind nginx: how many proxies in front of the app set X-Forwarded-For/-Proto. 0 (default):
        # the headers are ignored, since anyone can send them to an app reached directly.
        "IR_PROXY_HOPS": env_int(env, "IR_PROXY_HOPS", 0),
        # Addresses of reverse proxies: never locked as a whole, since every user comes through them.
        "IR_PROXY_ADDRESSES": env_list(env.get("IR_PROXY_ADDRESSES"), "127.0.0.1,::1"),
        # A session ends after this long without a request, and this long after sign-in in any case.
        "IR_SESSION_IDLE_MINUTES": env_int(env, "IR_SESSION_IDLE_MINUTES", 8 * 60, minimum=1),
        "IR_SESSION_MAX_HOURS": env_int(env, "IR_SESSION_MAX_HOURS", 24, minimum=1),
        "IR_TOTP_REQUIRED_ROLES": totp_required_roles(env.get("IR_TOTP_REQUIRED_ROLES")),
        # Signed decision PDFs are trusted when their chain ends at one of these PEM certificates.
        "IR_TRUST_ROOTS_DIR": Path(env.get("IR_TRUST_ROOTS_DIR") or data_dir / "trust_roots").resolve(),
        # LibreOffice for PDF copies of generated documents; found on PATH when unset.
        "IR_SOFFICE": env.get("IR_SOFFICE") or "",
        "IR_PDF_TIMEOUT_SECONDS": env_int(env, "IR_PDF_TIMEOUT_SECONDS", 60, minimum=1),
    }
