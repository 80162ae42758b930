"""Serve the app with a clock the browser journeys can move: it reads the time from a file.

    python tests/e2e/clock_server.py PORT CLOCK_FILE

(The environment gives the data folder, as for `ir-app serve`.) Test-only: production reads the
system clock and has no such switch."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path


class FileClock:
    def __init__(self, path: Path):
        self.path = path

    def now(self) -> datetime:
        text = self.path.read_text().strip() if self.path.exists() else ""
        return datetime.fromisoformat(text).astimezone(timezone.utc) if text else datetime.now(timezone.utc)


def main() -> None:
    from waitress import serve

    from ir_app import create_app

    port, clock_file = int(sys.argv[1]), Path(sys.argv[2])
    app = create_app({"IR_CLOCK": FileClock(clock_file)})
    serve(app, host="127.0.0.1", port=port, threads=4)


if __name__ == "__main__":
    main()
