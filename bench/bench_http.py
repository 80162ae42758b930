"""HTTP figures for the synthetic province: ATTT xã's main pages next to a bare Flask floor.

For each target —
  (A) PostgreSQL + gunicorn (-w 2 --threads 4), the province deployment;
  (B) SQLite + waitress (`ir-app serve`, 8 threads), the single-PC install —
it builds (or reuses) the province, starts the app and, with the same server settings, the bare
app of bench/bare_app.py (one indexed query), signs in, and loads each page with 16 concurrent
clients from this process (threads, keep-alive connections). It prints median, p95 and requests/s
per page, the ratios to the bare floor, and the peak RSS (VmHWM) of the serving processes.

    PYTHONPATH=. .venv/bin/python bench/bench_http.py                 # both targets, 100 communes
    PYTHONPATH=. .venv/bin/python bench/bench_http.py --only sqlite --communes 20 --incidents 4000
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import province as bench_province  # noqa: E402
from ir_app.db import make_engine  # noqa: E402
from ir_app.models import Dossier, Organisation  # noqa: E402

HOST = "127.0.0.1"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# (label, who, path): the five pages, then the same lists as the province overseer sees them.
PAGES = (
    ("inventory list", "officer", "/systems/"),
    ("dossier list", "officer", "/dossiers/"),
    ("incident list", "officer", "/incidents/"),
    ("one dossier page", "officer", "/dossiers/{dossier}"),
    ("overview (officer)", "officer", "/"),
    ("inventory list (province)", "overseer", "/systems/"),
    ("dossier list (province)", "overseer", "/dossiers/"),
    ("incident list (province)", "overseer", "/incidents/"),
    ("my work (officer)", "officer", "/work"),
    ("advisories matrix (overseer)", "overseer", "/advisories/matrix"),
    # The slowest pages last: requests still running when a page's window ends would load the next.
    ("overview (overseer)", "overseer", "/"),
    ("province view (overseer)", "overseer", "/province/"),
)


@dataclass
class Stats:
    label: str
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds


# --------------------------------------------------------------------------- servers

class Server:
    """One serving process (and its workers), started with the benchmark's environment."""

    def __init__(self, name: str, command: list[str], port: int, env: dict[str, str], probe: str, log: Path):
        self.name, self.port, self.probe = name, port, probe
        self.log = log.open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        cwd=bench_province.ROOT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log.name}")
            try:
                connection = HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", self.probe)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer on port {self.port}")

    def peak_rss_kib(self) -> dict[int, int]:
        """VmHWM of the process and of its children (gunicorn workers)."""
        pids = [self.process.pid] + _children(self.process.pid)
        return {pid: _vm_hwm(pid) for pid in pids}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def gunicorn(app: str, port: int, workers: int = 2, threads: int = 4) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads), "-b", f"{HOST}:{port}",
            "--log-level", "warning", app]


def waitress(port: int) -> list[str]:
    return [sys.executable, "-m", "waitress", "--threads=8", f"--listen={HOST}:{port}", "--call",
            "bench.bare_app:create_app"]


def ir_app_serve(port: int) -> list[str]:
    return [sys.executable, "-c", "from ir_app.cli import main; main()", "serve", "--no-scheduler",
            "--host", HOST, "--port", str(port)]


# --------------------------------------------------------------------------- clients

def sign_in(port: int, email: str) -> str:
    """The session cookie of a signed-in user (a real CSRF token, as a browser would)."""
    connection = HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    cookie = _session_cookie(response)
    token = CSRF_RE.search(response.read().decode()).group(1)
    body = urlencode({"csrf_token": token, "email": email, "password": bench_province.PASSWORD, "next": ""})
    connection.request("POST", "/login", body, {"Cookie": cookie,
                                                "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"sign-in of {email} failed ({response.status})")
    return _session_cookie(response)


def _session_cookie(response) -> str:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("ir_session="):
            return value.split(";", 1)[0]
    raise RuntimeError("no session cookie")


def hammer(port: int, path: str, cookie: str, clients: int, seconds: float, warmup: float) -> Stats:
    """``clients`` threads, each on its own keep-alive connection, for ``seconds`` after a warm-up."""
    results: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    window: dict[str, float] = {}

    def client(number: int) -> None:
        connection = HTTPConnection(HOST, port, timeout=60)
        start.wait()
        while True:
            began = time.perf_counter()
            if began >= window["end"]:
                return
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection.close()
                connection = HTTPConnection(HOST, port, timeout=60)
                ok = False
            if began >= window["begin"]:
                if ok:
                    results[number].append(time.perf_counter() - began)
                else:
                    errors[number] += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window.update(begin=now + warmup, end=now + warmup + seconds)
    start.wait()
    for thread in threads:
        thread.join()
    return Stats(path, [latency for chunk in results for latency in chunk], seconds, sum(errors))


# --------------------------------------------------------------------------- one target

@dataclass(frozen=True)
class Target:
    name: str
    url: str
    app_command: list[str]
    bare_command: list[str]


def run_target(target: Target, province: bench_province.Province, args: argparse.Namespace) -> None:
    data_dir = args.data_dir
    print(f"\n== {target.name}")
    print(f"province: {bench_province.ensure_province(target.url, province, data_dir, args.rebuild)}")
    dossier = _officer_dossier(target.url, province)
    env = bench_province.server_env(target.url, data_dir, BENCH_COMMUNE_CODE=province.first_commune_code)
    servers = [Server("app", target.app_command, args.port, env, "/healthz", data_dir / "app.log"),
               Server("bare", target.bare_command, args.port + 1, env, "/bare", data_dir / "bare.log")]
    try:
        for server in servers:
            server.wait_ready()
        app, bare = servers
        cookies = {"officer": sign_in(app.port, province.officer), "overseer": sign_in(app.port, province.overseer)}
        _print_load("start")
        floor = hammer(bare.port, "/bare", "", args.clients, args.seconds, args.warmup)
        rows = [("bare Flask + 1 indexed query", floor)]
        wanted = [part.strip() for part in args.pages.split(",") if part.strip()]
        for label, who, path in PAGES:
            if wanted and not any(part in label for part in wanted):
                continue
            rows.append((label, hammer(app.port, path.format(dossier=dossier), cookies[who], args.clients,
                                       args.seconds, args.warmup)))
        _print_load("end")
        _print_table(rows, floor)
        for server in servers:
            peaks = server.peak_rss_kib()
            shown = ", ".join(f"pid {pid}: {kib / 1024:.0f} MiB" for pid, kib in peaks.items())
            print(f"peak RSS (VmHWM) of {server.name}: {shown}")
    finally:
        for server in servers:
            server.stop()
        for server in servers:  # a worker that crashed or timed out says so here, with its traceback
            lines = Path(server.log.name).read_text(errors="replace").splitlines()
            logged = "\n".join(line for line in lines if "Task queue depth" not in line).strip()  # waitress, busy
            if logged:
                print(f"{server.name} log ({server.log.name}):\n{logged[-4000:]}")


def _officer_dossier(url: str, province: bench_province.Province) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(Dossier.id).join(Organisation, Organisation.id == Dossier.commune_id)
                .where(Organisation.code == province.first_commune_code, Dossier.state != "superseded")
                .order_by((Dossier.state == "operating").desc(), Dossier.id).limit(1))
    finally:
        engine.dispose()


def _print_load(moment: str) -> None:
    print(f"load average at {moment}: {' '.join(f'{value:.2f}' for value in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")


def _print_table(rows: list[tuple[str, Stats]], floor: Stats) -> None:
    print("| page | median ms | p95 ms | req/s | median / bare | bare req/s ÷ page req/s | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, stats in rows:
        if not stats.latencies:
            print(f"| {label} | – | – | 0 | – | – | {stats.errors} |")
            continue
        print(f"| {label} | {stats.median_ms:.1f} | {stats.p95_ms:.1f} | {stats.per_second:.0f} | "
              f"{stats.median_ms / floor.median_ms:.1f}× | {floor.per_second / stats.per_second:.1f}× | "
              f"{stats.errors} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench_province.add_arguments(parser)
    parser.add_argument("--only", choices=("pg", "sqlite"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per page")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds before each page")
    parser.add_argument("--port", type=int, default=18700)
    parser.add_argument("--pages", default="", help="comma-separated labels (substrings) of the pages to load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (PostgreSQL target)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()
    province = bench_province.province_from(args)
    print(f"synthetic province {province.code}: {province.communes} communes, "
          f"{province.communes * province.systems_per_commune} systems, {province.incidents} incidents; "
          f"{args.clients} clients, {args.seconds:.0f} s per page")
    targets = []
    if args.only != "sqlite":
        workers = {"workers": args.workers, "threads": args.threads}
        targets.append(Target(f"PostgreSQL + gunicorn -w {args.workers} --threads {args.threads}", args.pg_url,
                              gunicorn("ir_app:create_app()", args.port, **workers),
                              gunicorn("bench.bare_app:create_app()", args.port + 1, **workers)))
    if args.only != "pg":
        targets.append(Target("SQLite + waitress (ir-app serve, 8 threads)", bench_province.sqlite_url(args.data_dir),
                              ir_app_serve(args.port), waitress(args.port + 1)))
    for target in targets:
        run_target(target, province, args)


if __name__ == "__main__":
    main()
