"""National scale: 34 provinces, 3,321 communes, ≈33,000 systems and 200,000 incidents (with their
dossiers, tasks, timelines, backups, checks, risks, advisories, audit trail…) in one PostgreSQL
database, built by the synthetic seeder's COPY path (foreign-key triggers skipped while loading:
the rows are consistent by construction; the database user must be a superuser), then VACUUM ANALYZE.

Provinces are shared between ``--workers`` processes (largest first, each to the least loaded
worker); each province is one transaction, so a run can be resumed: provinces already in the
database are skipped. Afterwards it prints the largest province, which `bench_http.py` and
`bench_scheduler.py` measure with the options it prints.

    createdb -h 127.0.0.1 -U postgres national_bench                  # once
    PYTHONPATH=. .venv/bin/python bench/national.py                   # build (≈ 15 min on 2 cores)
    PYTHONPATH=. .venv/bin/python bench/national.py --provinces 3 --communes 30 --incidents 2000   # a rehearsal
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import province as bench_province  # noqa: E402
from ir_app.db import make_engine  # noqa: E402
from ir_app.models import Organisation  # noqa: E402
from ir_app.seed.synthetic import SyntheticSpec  # noqa: E402
from ir_app.seed.synthetic.national import COMMUNES, INCIDENTS, PROVINCES, national_specs  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/national_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", default=DEFAULT_URL)
    parser.add_argument("--provinces", type=int, default=PROVINCES)
    parser.add_argument("--communes", type=int, default=COMMUNES)
    parser.add_argument("--incidents", type=int, default=INCIDENTS)
    parser.add_argument("--systems-per-commune", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=bench_province.DEFAULT_DATA,
                        help="secret key, audit key and logs: the same as the other benchmarks'")
    parser.add_argument("--rebuild", action="store_true", help="drop everything in the database first")
    args = parser.parse_args()
    specs = national_specs(args.provinces, args.communes, args.incidents, args.systems_per_commune, args.seed)
    env = bench_province.server_env(args.pg_url, args.data_dir)
    os.environ.update(env)
    if args.rebuild:
        bench_province.drop_everything(args.pg_url, args.data_dir)
    _upgrade()
    todo = [spec for spec in specs if spec.province_code not in _present(args.pg_url)]
    print(f"nation: {len(specs)} provinces, {sum(s.communes for s in specs)} communes, "
          f"{sum(s.communes * s.systems_per_commune for s in specs)} systems, {sum(s.incidents for s in specs)} "
          f"incidents; {len(todo)} provinces to build with {args.workers} workers; load {_load()}", flush=True)
    began = time.perf_counter()
    rows = build(todo, args.workers)
    seeded = time.perf_counter() - began
    vacuum_analyze(args.pg_url)
    total = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"built {rows} rows in {seeded:.0f} s, VACUUM ANALYZE {total - seeded:.0f} s: {total / 60:.1f} min in all; "
          f"peak RSS of a worker {peak:.0f} MiB; load {_load()}")
    largest = max(specs, key=lambda spec: spec.communes)
    print(f"largest province {largest.province_code}: {largest.communes} communes, {largest.incidents} incidents. "
          f"Measure it with: --pg-url {args.pg_url} --province-code {largest.province_code} "
          f"--communes {largest.communes} --incidents {largest.incidents}")


def build(specs: list[SyntheticSpec], workers: int) -> int:
    if not specs:
        return 0
    shares = _balanced(specs, workers)
    with multiprocessing.get_context("spawn").Pool(len(shares)) as pool:
        return sum(pool.map(_seed_share, shares))


def _balanced(specs: list[SyntheticSpec], workers: int) -> list[list[SyntheticSpec]]:
    """Largest province first, each to the worker with the least work so far."""
    shares: list[list[SyntheticSpec]] = [[] for _ in range(max(1, min(workers, len(specs))))]
    for spec in sorted(specs, key=lambda s: s.communes, reverse=True):
        min(shares, key=lambda share: sum(s.communes for s in share)).append(spec)
    return shares


def _seed_share(specs: list[SyntheticSpec]) -> int:
    """One worker: its own app (law data, playbooks, engine), its provinces one by one."""
    from ir_app import create_app
    from ir_app.seed.synthetic.national import seed_provinces
    from ir_app.services.incidents.data import response_data

    app = create_app()
    began = time.perf_counter()

    def report(done, spec: SyntheticSpec) -> None:
        print(f"  {spec.province_code}: {spec.communes} communes, {spec.incidents} incidents, {done.rows} rows "
              f"— {time.perf_counter() - began:.0f} s since this worker started; load {_load()}", flush=True)

    with app.app_context():
        reports = seed_provinces(app.extensions["ir_session_factory"], specs, app.extensions["ir_law"],
                                 response_data(app.config["IR_PLAYBOOKS_DIR"]), bench_province.PASSWORD, report,
                                 trusted=True)
    return sum(done.rows for done in reports)


def _upgrade() -> None:
    from ir_app import create_app
    from ir_app.cli.common import upgrade_database

    app = create_app()
    with app.app_context():
        upgrade_database()
    app.extensions["ir_engine"].dispose()


def vacuum_analyze(url: str) -> None:
    """Statistics, and the visibility map a fresh bulk load lacks: without it PostgreSQL cannot
    count a province's incidents from the index and reads every incident of the nation (88 ms
    instead of 3 ms at 82,000 incidents). Autovacuum does this in production, some time later."""
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
    finally:
        engine.dispose()


def _present(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(Organisation.code).where(Organisation.kind == "province")))
    finally:
        engine.dispose()


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
