"""What a serving process holds: RSS and peak RSS (VmHWM) of each app worker when ready, after
signing in, and after loading each benchmark page N times — the way bench_http.py starts them.

    PYTHONPATH=. .venv/bin/python bench/worker_memory.py --pg-url postgresql+psycopg://…/my_copy
    PYTHONPATH=. .venv/bin/python bench/worker_memory.py --sqlite --data-dir /tmp/my-bench   # ir-app serve

PostgreSQL: gunicorn -w 2 --threads 4 (as bench_http.py); SQLite: `ir-app serve` (waitress).
The province must exist already (bench_http.py or profile_pages.py build it).
"""
from __future__ import annotations

import argparse
import sys
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import province as bench_province  # noqa: E402
from bench.bench_http import (  # noqa: E402
    HOST,
    PAGES,
    Server,
    _children,
    _officer_dossier,
    gunicorn,
    ir_app_serve,
    sign_in,
)


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of one process."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def report(moment: str, server: Server) -> None:
    pids = _children(server.process.pid) or [server.process.pid]
    shown = ", ".join("pid {}: RSS {:.0f} MiB, peak {:.0f} MiB".format(pid, *(kib / 1024 for kib in memory_kib(pid)))
                      for pid in pids)
    print(f"{moment:<22} {shown}", flush=True)


def load(port: int, path: str, cookie: str, times: int) -> None:
    connection = HTTPConnection(HOST, port, timeout=120)
    for _ in range(times):
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench_province.add_arguments(parser)
    parser.add_argument("--sqlite", action="store_true", help="SQLite + ir-app serve instead of PostgreSQL + gunicorn")
    parser.add_argument("--times", type=int, default=10, help="loads of each page (per connection)")
    parser.add_argument("--connections", type=int, default=4, help="connections loading each page, one after another")
    parser.add_argument("--port", type=int, default=18790)
    parser.add_argument("--pages", default="", help="comma-separated labels (substrings) of the pages to load")
    args = parser.parse_args()
    province = bench_province.province_from(args)
    url = bench_province.sqlite_url(args.data_dir) if args.sqlite else args.pg_url
    command = ir_app_serve(args.port) if args.sqlite else gunicorn("ir_app:create_app()", args.port)
    env = bench_province.server_env(url, args.data_dir)
    dossier = _officer_dossier(url, province)
    server = Server("app", command, args.port, env, "/healthz", args.data_dir / "memory.log")
    try:
        server.wait_ready()
        report("ready (/healthz)", server)
        cookies = {who: sign_in(server.port, email) for who, email in
                   (("officer", province.officer), ("overseer", province.overseer))}
        report("after sign-in", server)
        wanted = [part.strip() for part in args.pages.split(",") if part.strip()]
        for label, who, path in PAGES:
            if wanted and not any(part in label for part in wanted):
                continue
            for _ in range(args.connections):  # a new connection each time: gunicorn spreads them
                load(server.port, path.format(dossier=dossier), cookies[who], args.times)
            report(label, server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
