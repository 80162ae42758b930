"""A guessable secret key stops the start; the data folder, the key, the SQLite files and the
app's backups are readable by the app's account only (issue 14, D13)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ir_app import create_app
from ir_app.config import ConfigError, load_config
from ir_app.migrate import upgrade
from ir_app.ops.backup import make_backup

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e2f4b6d8c0a1e3f5b7d9c2a4e6f8b0d1c3a"
posix_only = pytest.mark.skipif(os.name != "posix", reason="quyền tệp kiểu POSIX (Windows dùng ACL)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("key", ["CHANGE-ME", "x", "change-me", "secret", "a" * 40, "short-but-not-32-chars"])
def test_example_or_short_secret_key_is_refused(key):
    with pytest.raises(ConfigError) as refused:
        load_config({"IR_SECRET_KEY": key})
    assert "IR_SECRET_KEY" in str(refused.value) and "32" in str(refused.value)


def test_strong_secret_key_is_used():
    assert load_config({"IR_SECRET_KEY": STRONG_KEY})["SECRET_KEY"] == STRONG_KEY


def test_console_script_stops_with_the_reason_not_a_traceback(tmp_path):
    env = {**os.environ, "IR_SECRET_KEY": "CHANGE-ME", "IR_DATA_DIR": str(tmp_path),
           "IR_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "ir_app", "db", "upgrade"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "IR_SECRET_KEY quá yếu" in result.stderr and "Traceback" not in result.stderr


def test_weak_key_written_into_the_key_file_is_refused(tmp_path, database_url):
    (tmp_path / "secret_key").write_text("CHANGE-ME", encoding="ascii")
    with pytest.raises(ConfigError):
        create_app({"IR_DATA_DIR": tmp_path, "IR_DATABASE_URL": database_url})


@posix_only
def test_data_folder_key_and_database_files_are_private(tmp_path):
    data = tmp_path / "data"
    app = create_app({"IR_DATA_DIR": data, "IR_DATABASE_URL": f"sqlite:///{data / 'ir_app.sqlite3'}"})
    try:
        upgrade(app.extensions["ir_engine"])
        with app.extensions["ir_engine"].connect() as connection:  # WAL and SHM exist while connected
            connection.exec_driver_sql("SELECT 1")
            assert mode(data) == 0o700
            assert mode(data / "secret_key") == 0o600
            for name in ("ir_app.sqlite3", "ir_app.sqlite3-wal", "ir_app.sqlite3-shm"):
                assert mode(data / name) == 0o600, name
    finally:
        app.extensions["ir_engine"].dispose()


@posix_only
def test_an_older_install_with_open_files_is_tightened(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)  # noqa: S103 - the open folder of an older install, to be tightened
    (data / "secret_key").write_text(STRONG_KEY, encoding="ascii")
    os.chmod(data / "secret_key", 0o644)
    (data / "ir_app.sqlite3").touch()
    os.chmod(data / "ir_app.sqlite3", 0o644)
    app = create_app({"IR_DATA_DIR": data, "IR_DATABASE_URL": f"sqlite:///{data / 'ir_app.sqlite3'}"})
    app.extensions["ir_engine"].dispose()
    assert (mode(data), mode(data / "secret_key"), mode(data / "ir_app.sqlite3")) == (0o700, 0o600, 0o600)


@posix_only
def test_backup_archive_is_private(app, clock, tmp_path):
    out = tmp_path / "backups" / "ir-app.zip"
    make_backup(app.extensions["ir_engine"], out, clock.now())
    assert mode(out) == 0o600 and mode(out.parent) == 0o700
