"""The floor for bench_http.py: a bare Flask app doing one indexed query per request, on the same
database, engine settings and server settings as ATTT xã. Benchmark-only; not part of the product.

    gunicorn -w 2 --threads 4 "bench.bare_app:create_app()"       (IR_DATABASE_URL set)
    waitress-serve --threads 8 --call bench.bare_app:create_app
"""
from __future__ import annotations

import os

from flask import Flask, jsonify
from sqlalchemy import text

from ir_app.db import make_engine


def create_app() -> Flask:
    app = Flask("bare")
    engine = make_engine(os.environ["IR_DATABASE_URL"])  # the product's engine: same pool, same pragmas

    @app.get("/bare")
    def bare():
        with engine.connect() as connection:  # one statement through the organisations.code index
            row = connection.execute(text("SELECT id, name FROM organisations WHERE code = :code"),
                                     {"code": os.environ.get("BENCH_COMMUNE_CODE", "9100001")}).first()
        return jsonify({"id": row[0] if row else None, "name": row[1] if row else None})

    return app
