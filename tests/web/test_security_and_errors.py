"""Headers, error pages, health check and a database outage."""
from __future__ import annotations

from ir_app import create_app
from ir_app.models import Role


def test_security_headers(web):
    response = web.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(make_web, make_user, commune):
    client = make_web(make_user(Role.ADMIN, organisation=commune))
    for url in ("/", "/systems/", "/systems/new", "/contacts/", "/audit/", "/admin/users"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "onclick" not in page, url


def test_missing_csrf_is_a_clear_400(web, make_user, commune):
    user = make_user(Role.STAFF, organisation=commune)
    response = web.post("/login", data={"email": user.email, "password": "x"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_404_page_is_vietnamese(make_web, make_user, commune):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.get_data(as_text=True)


def test_healthz_reports_the_database_and_the_version_only_to_signed_in_users(web, make_web, make_user, commune):
    response = web.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}
    signed_in = make_web(make_user(Role.STAFF, organisation=commune)).get("/healthz")
    assert signed_in.json == {"status": "ok", "database": True, "version": "0.1.0"}


def test_database_down_gives_503_not_a_traceback(tmp_path):
    broken = create_app({"IR_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                         "IR_DATA_DIR": tmp_path, "SECRET_KEY": "x"})
    client = broken.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["database"] is False
    page = client.get("/login")
    assert page.status_code in (200, 503)
    response = client.post("/login", data={})
    assert response.status_code in (400, 503)
    assert "Traceback" not in response.get_data(as_text=True)


def test_secret_key_is_generated_once_and_shared(tmp_path, database_url):
    first = create_app({"IR_DATA_DIR": tmp_path, "IR_DATABASE_URL": database_url})
    second = create_app({"IR_DATA_DIR": tmp_path, "IR_DATABASE_URL": database_url})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    first.extensions["ir_engine"].dispose()
    second.extensions["ir_engine"].dispose()


def test_huge_ids_in_urls_are_a_404(make_web, make_user, commune):
    client = make_web(make_user(Role.ADMIN, organisation=commune))
    for url in ("/systems/99999999999999999999", "/dossiers/99999999999999999999", "/incidents/99999999999999999999",
                "/backups/plans/99999999999999999999"):
        assert client.get(url).status_code == 404, url
