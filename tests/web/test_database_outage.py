"""Database unreachable: a clear 503 and a failing /healthz, never a traceback; the app recovers by
itself when the database returns."""
from __future__ import annotations

import shutil
import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from ir_app import create_app
from tests.conftest import PG_URL


def _assert_down(client):
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["database"] is False
    page = client.get("/systems/")
    assert page.status_code in (302, 503)
    login = client.get("/login")
    body = login.get_data(as_text=True)
    assert "Traceback" not in body


def _assert_up(client):
    assert client.get("/healthz").status_code == 200


def test_sqlite_outage_and_recovery(template_database, tmp_path):
    if PG_URL:
        pytest.skip("SQLite-specific; the PostgreSQL outage is tested through a proxy")
    folder = tmp_path / "db"
    app = create_app({"IR_DATABASE_URL": f"sqlite:///{folder / 'ir.sqlite3'}", "IR_DATA_DIR": tmp_path,
                      "SECRET_KEY": "x"})
    shutil.rmtree(folder)  # the disk holding the database is gone
    client = app.test_client()
    _assert_down(client)
    folder.mkdir()
    shutil.copyfile(template_database, folder / "ir.sqlite3")
    _assert_up(client)
    app.extensions["ir_engine"].dispose()


class Proxy:
    """A TCP forwarder we can cut and restore, standing between the app and PostgreSQL."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, destination):
                try:
                    end.close()
                except OSError:
                    pass

    def cut(self):
        self.open = False
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.connections.clear()

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.mark.postgres
def test_postgresql_outage_and_recovery(database_url, tmp_path):
    url = make_url(database_url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        app = create_app({"IR_DATABASE_URL": url.set(host="127.0.0.1", port=proxy.port).render_as_string(False),
                          "IR_DATA_DIR": tmp_path, "SECRET_KEY": "x"})
        client = app.test_client()
        _assert_up(client)
        proxy.cut()
        _assert_down(client)
        proxy.restore()
        _assert_up(client)
        app.extensions["ir_engine"].dispose()
    finally:
        proxy.close()
