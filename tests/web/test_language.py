"""Vietnamese first; English on request, remembered in a cookie."""
from __future__ import annotations

from ir_app.models import Role


def test_vietnamese_by_default_and_english_on_request(make_web, make_user, commune):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Tổng quan" in page and "Đăng xuất" in page
    switched = client.get("/lang/en?next=/")
    assert switched.status_code == 302 and switched.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Overview" in page and "Sign out" in page
    client.get("/lang/vi?next=https://evil.example/")
    assert "Tổng quan" in client.get("/").get_data(as_text=True)


def test_error_pages_follow_the_language(web):
    assert "Không tìm thấy trang" in web.get("/khong-co").get_data(as_text=True)
    assert "Page not found" in web.get("/khong-co?lang=en").get_data(as_text=True)
