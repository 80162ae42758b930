"""The audit key: the HMAC key that seals the audit chain, kept outside the database.

Whoever can write to the database cannot re-seal a chain they rewrote without this key. It lives
in the data dir (file `audit_key`, mode 0600, made once like the secret key) or comes from
IR_AUDIT_KEY. Keep a copy with the backups' instructions, not inside them: a backup restored on a
new machine needs the same key for its audit log to verify.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

KEY_FILE = "audit_key"
MIN_LENGTH = 32


class AuditKeyError(Exception):
    """The configured key is unusable; the message says why (Vietnamese)."""


def resolve_audit_key(configured: str | None, data_dir: Path) -> bytes:
    """IR_AUDIT_KEY when set, else the key file in the data dir (created on first use)."""
    if configured:
        if len(configured) < MIN_LENGTH:
            raise AuditKeyError(f"IR_AUDIT_KEY quá ngắn: cần ít nhất {MIN_LENGTH} ký tự ngẫu nhiên "
                                "(ví dụ: python -c \"import secrets; print(secrets.token_hex(32))\")")
        return configured.encode("utf-8")
    return load_audit_key(data_dir)


def load_audit_key(data_dir: Path) -> bytes:
    path = Path(data_dir) / KEY_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return _read(path)


def _read(path: Path) -> bytes:
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o600)  # readable by others (copied around?): only the app's user may read it
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise AuditKeyError(f"tệp khóa nhật ký {path} hỏng hoặc quá ngắn")
    return key.encode("ascii")

