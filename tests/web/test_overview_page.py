"""The overview: figures per commune, province view for overseers, bounded statements."""
from __future__ import annotations

from ir_app.cli.serving import demo
from ir_app.models import Role
from tests.incident_support import count_statements


def _statements(app, callback) -> int:
    return count_statements(app, callback, list_counts=True)


def test_overseer_sees_each_commune_of_the_province(app, make_web):
    app.test_cli_runner().invoke(demo, ["--no-serve"])
    client = make_web()
    client.login("overseer@hai-phong.demo.vn", "demo12345")
    page = client.get("/").get_data(as_text=True)
    assert "Xã Vĩnh Lại" in page and "Phường Hải An" in page and "Mai Phụ" not in page
    assert "HT theo NĐ 85 → 01/07/2027" in page  # Vĩnh Lại's document system was approved under NĐ 85


def test_overview_statement_count_does_not_grow_with_communes(app, make_web, make_user, province, session):
    from tests.conftest import make_org

    admin = make_user(Role.ADMIN, organisation=province)
    client = make_web(admin)
    for index in range(2):
        make_org(session, f"9{index:04d}", f"xa-{index}", f"Xã {index}", parent=province)
    few = _statements(app, lambda: client.get("/"))
    for index in range(2, 30):
        make_org(session, f"9{index:04d}", f"xa-{index}", f"Xã {index}", parent=province)
    many = _statements(app, lambda: client.get("/"))
    assert many == few
