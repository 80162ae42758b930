"""Shared by the benchmarks: where the synthetic province lives, and building it once.

The databases are reused between runs (building takes minutes); `--rebuild` starts over.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from ir_app.db import make_engine
from ir_app.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/scale_bench"
DEFAULT_DATA = Path(os.environ.get("IR_BENCH_DIR", "/tmp/ir-bench"))
PASSWORD = "bench-mat-khau-123"


@dataclass(frozen=True)
class Province:
    code: str
    communes: int
    systems_per_commune: int
    incidents: int
    seed: int

    @property
    def officer(self) -> str:
        return f"officer@mp{self.code.lower()}-0001.synth.vn"

    @property
    def overseer(self) -> str:
        return f"overseer@mp{self.code.lower()}.synth.vn"

    @property
    def first_commune_code(self) -> str:
        return f"{self.code}{1:05d}"[-16:]

    def seed_args(self) -> list[str]:
        return ["--communes", str(self.communes), "--systems-per-commune", str(self.systems_per_commune),
                "--incidents", str(self.incidents), "--seed", str(self.seed), "--province-code", self.code]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--systems-per-commune", type=int, default=10)
    parser.add_argument("--incidents", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province-code", default="91")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL database for the province (reused)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="SQLite file, secret key, logs")
    parser.add_argument("--rebuild", action="store_true", help="drop the benchmark databases and build again")


def province_from(args: argparse.Namespace) -> Province:
    return Province(args.province_code, args.communes, args.systems_per_commune, args.incidents, args.seed)


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'province.sqlite3'}"


def server_env(url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """What every process of a benchmark gets: the database, a shared secret, the worktree first."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "IR_DATABASE_URL": url, "IR_DATA_DIR": str(data_dir),
            "IR_SECRET_KEY": "bench-secret-key-only-for-benchmarks-0123456789",
            "IR_DEMO_PASSWORD": PASSWORD, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            # The benchmark signs in an overseer with a password alone: no two-factor step to script.
            "IR_TOTP_REQUIRED_ROLES": "",
            # A worker that dies of a signal (a crash in a C extension) leaves its Python traceback in the log.
            "PYTHONFAULTHANDLER": "1", **extra}


def ensure_province(url: str, province: Province, data_dir: Path, rebuild: bool) -> str:
    """Build the province unless the database already has it; returns what was done."""
    if rebuild:
        drop_everything(url, data_dir)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            communes = connection.scalar(select(func.count()).select_from(Organisation).where(
                Organisation.parent_id == select(Organisation.id).where(
                    Organisation.code == province.code).scalar_subquery()))
    except Exception:  # no schema yet
        communes = 0
    finally:
        engine.dispose()
    if communes:
        return f"reused ({communes} communes already there)"
    command = [sys.executable, "-c", "from ir_app.cli import main; main()", "seed-synthetic", *province.seed_args()]
    subprocess.run(command, env=server_env(url, data_dir), check=True, cwd=data_dir)
    return "built"


def drop_everything(url: str, data_dir: Path) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{data_dir / 'province.sqlite3'}{suffix}").unlink(missing_ok=True)
        return
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
