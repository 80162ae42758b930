"""Where a page's time goes: each benchmark page loaded in-process (Flask test client, no HTTP)
against the synthetic province, with its SQL statement count, its mean time and a cProfile
breakdown of self time by layer (Jinja templates, SQLAlchemy, the database driver, Flask and its
extensions, ATTT xã's own code).

    PYTHONPATH=. .venv/bin/python bench/profile_pages.py --pg-url postgresql+psycopg://…/perf_bench
    PYTHONPATH=. .venv/bin/python bench/profile_pages.py --sqlite --pages "overview (overseer)" --top 25
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import province as bench_province  # noqa: E402
from bench.bench_http import PAGES, _officer_dossier  # noqa: E402

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# First match wins: a file's path decides its layer.
LAYERS = (("templates (Jinja)", ("/jinja2/", "/markupsafe/", "<template>", ".html")),
          ("database driver", ("/psycopg/", "/psycopg_pool/", "sqlite3", "{method 'execute'", "{method 'fetch")),
          ("SQLAlchemy", ("/sqlalchemy/",)),
          ("Flask and extensions", ("/flask", "/werkzeug/", "/babel/", "/wtforms/", "/itsdangerous/")),
          ("ATTT xã code", ("/ir_app/",)))


def layer_of(filename: str) -> str:
    for name, needles in LAYERS:
        if any(needle in filename for needle in needles):
            return name
    return "other (stdlib…)"


def sign_in(client, email: str) -> None:
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email,
                                           "password": bench_province.PASSWORD})
    assert response.status_code == 302, email


def bare_floor(repeat: int) -> float:
    """CPU milliseconds of one request to the bare app (Flask + one indexed query), in this process."""
    from bench.bare_app import create_app as create_bare

    client = create_bare().test_client()
    for _ in range(20):
        client.get("/bare")
    began = time.process_time()
    for _ in range(repeat):
        client.get("/bare")
    return (time.process_time() - began) * 1000 / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench_province.add_arguments(parser)
    parser.add_argument("--sqlite", action="store_true", help="the SQLite province instead of PostgreSQL")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pages", default="", help="comma-separated labels (substrings)")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions per page")
    parser.add_argument("--sql", action="store_true", help="also print each statement of a page with its time")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="compute every view (IR_PAGE_CACHE_ENTRIES=0): the cost after each change")
    args = parser.parse_args()
    province = bench_province.province_from(args)
    url = bench_province.sqlite_url(args.data_dir) if args.sqlite else args.pg_url
    os.environ.update(bench_province.server_env(url, args.data_dir))
    if args.no_page_cache:
        os.environ["IR_PAGE_CACHE_ENTRIES"] = "0"
    from ir_app import create_app

    app = create_app()
    engine = app.extensions["ir_engine"]
    statements: list[int] = []
    event.listen(engine, "before_cursor_execute", lambda *_: statements.append(time.perf_counter()))
    timings: list[tuple[float, str]] = []
    event.listen(engine, "after_cursor_execute",
                 lambda _c, _cur, sql, *_: timings.append((time.perf_counter() - statements[-1], sql)))
    dossier = _officer_dossier(url, province)
    clients = {"officer": app.test_client(), "overseer": app.test_client()}
    sign_in(clients["officer"], province.officer)
    sign_in(clients["overseer"], province.overseer)
    wanted = [part.strip() for part in args.pages.split(",") if part.strip()]
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    floor_cpu = bare_floor(args.repeat * 5)
    print(f"floor (bench/bare_app.py, same process): {floor_cpu:.2f} ms CPU per request")
    print("| page | statements | ms per page (wall) | ms CPU | CPU ÷ floor | " + " | ".join(name for name, _ in LAYERS) + " | other |")
    print("|---|---:|---:|---:|---:|" + "---:|" * (len(LAYERS) + 1))
    for label, who, path in PAGES:
        if wanted and not any(part in label for part in wanted):
            continue
        client, target = clients[who], path.format(dossier=dossier)
        for _ in range(3):
            assert client.get(target).status_code == 200, (label, target)
        statements.clear()
        timings.clear()
        client.get(target)
        count = len(statements)
        if args.sql:
            for took, sql in timings:
                print(f"    {took * 1000:7.2f} ms  {' '.join(sql.split())[:160]}")
        began, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            client.get(target)
        mean_ms = (time.perf_counter() - began) * 1000 / args.repeat
        cpu_ms = (time.process_time() - cpu) * 1000 / args.repeat
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            client.get(target)
        profile.disable()
        stats = pstats.Stats(profile)
        by_layer: dict[str, float] = defaultdict(float)
        for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
            by_layer[layer_of(filename if filename != "~" else function)] += own
        total = sum(by_layer.values()) or 1
        shares = " | ".join(f"{100 * by_layer[name] / total:.0f} %" for name, _ in LAYERS)
        print(f"| {label} | {count} | {mean_ms:.1f} | {cpu_ms:.1f} | {cpu_ms / floor_cpu:.1f}× | {shares} | {100 * by_layer['other (stdlib…)'] / total:.0f} % |")
        if args.top:
            stats.sort_stats("tottime").print_stats(args.top)
    engine.dispose()


if __name__ == "__main__":
    main()
