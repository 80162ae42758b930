"""A phone (390×844): the menu folds behind "☰ Menu", "Việc của tôi" stays in the top bar, lists
become cards, and no page of any role scrolls sideways — every page each role can reach is walked."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException

from tests.e2e.conftest import sign_in
from tests.e2e.phone_crawl import NO_SIDEWAYS_SCROLL, NOT_PAGES, Crawl, crawl

PHONE = {"width": 390, "height": 844}
ROLES = ("admin@vinh-lai.demo.vn", "officer@vinh-lai.demo.vn", "staff@vinh-lai.demo.vn",
         "appraiser@vinh-lai.demo.vn", "approver@vinh-lai.demo.vn", "auditor@vinh-lai.demo.vn",
         "overseer@hai-phong.demo.vn")
# Reached by a form rather than a link: the header search, the starter library's confirmation, and the
# commune's notification channels (linked from the commune's own page, which a walk may not choose).
FORM_PAGES = ("/search?q=mot+cua", "/search?q=25%2FQĐ", "/measures/adopt", "/notifications/channels/commune")
# GET pages a signed-in walk cannot show, each with the reason.
NOT_WALKED = {
    "main.healthz": "JSON for monitoring",
    "main.set_language": "sets a cookie and redirects",
    "two_factor.code": "a sign-in step of an account with two-factor (tests/e2e/test_journey_two_factor.py)",
    "two_factor.enrol_at_sign_in": "a sign-in step of an account that must enrol (test_journey_two_factor.py)",
}
_crawls: dict[str, Crawl] = {}


@pytest.fixture(scope="module")
def walkable_records(browser, live_server):
    """Records the demo lacks, so that their own pages are there to walk to: the officer, on a phone,
    plans a drill and saves this morning's check. (This file runs after the journeys, which see no such
    records.)"""
    page = _phone(browser, live_server)
    sign_in(page, "officer@vinh-lai.demo.vn")
    page.goto("/drills/")
    page.get_by_label("Tên cuộc diễn tập").fill("Diễn tập mã độc tống tiền trên điện thoại")
    page.get_by_label("Ngày diễn tập").fill("2026-12-20")
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã lập kế hoạch diễn tập")
    page.goto("/checks/morning")
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.locator(".notice.success")).to_be_visible()
    page.context.close()


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport=PHONE)
    context.set_default_timeout(15000)
    return context.new_page()


def _walk(browser, live_server, email: str) -> Crawl:
    """One walk per user and module: the coverage test reuses the walks of the width tests."""
    if email not in _crawls:
        page = sign_in(_phone(browser, live_server), email) if email else _phone(browser, live_server)
        # Drafts first: their wizard and proposal pages are reached only from a draft's page, and the walk
        # opens two pages per address shape (journeys before this file may have moved the demo's drafts on).
        starts = ("/dossiers/?state=draft", "/", "/work") if email else ("/login",)
        _crawls[email] = crawl(page, live_server, email, starts, FORM_PAGES if email else ())
        page.context.close()
    return _crawls[email]


@pytest.mark.parametrize("email", (*ROLES, ""))
def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, walkable_records, email):
    """Every page reachable from this user's menu and dashboard fits 390 px (scrollWidth <= innerWidth)."""
    walk = _walk(browser, live_server, email)
    assert walk.broken == [], f"{email or 'anonymous'}: links that fail: {walk.broken}"
    assert walk.too_wide == [], f"{email or 'anonymous'}: pages that scroll sideways: {walk.too_wide}"
    assert len(walk.loaded) >= (30 if email else 1), walk.loaded


def test_the_walks_reach_every_page_of_the_app(app, browser, live_server, walkable_records):
    """A page added later is walked as soon as a menu, a dashboard or a page links to it; a page that
    nothing links to fails here (link it, or say in NOT_WALKED why a walk cannot show it)."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for email in (*ROLES, ""):
        for path in _walk(browser, live_server, email).loaded:
            try:
                reached.add(adapter.match(path, method="GET")[0])
            except HTTPException:
                continue
    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not NOT_PAGES.search(re.sub(r"<[^>]+>", "x", rule.rule))}
    assert sorted(pages - reached - set(NOT_WALKED)) == []
    # The round-11 pages by name, so that a change in their links cannot hide them from the walk.
    assert {"province.index", "province.commune", "province.incident_summary", "advisories.detail",
            "advisories.matrix", "drills.index", "drills.detail", "channels.mine", "channels.commune_channels",
            "design.show", "design.edit", "risks.index", "risks.edit", "risks.assessment", "measures.index",
            "measures.edit", "work.index", "search.index", "account.tokens", "two_factor.account",
            "api_v1_docs.docs_page"} <= reached


def test_the_menu_folds_behind_a_button_and_my_work_stays_in_view(make_page):
    page = sign_in(make_page(viewport=PHONE), "officer@vinh-lai.demo.vn")
    menu = page.locator("#main-menu")
    expect(menu).to_be_hidden()
    expect(page.locator("#my-work")).to_be_visible()
    expect(page.locator("#header-search")).to_be_hidden()
    # The content starts on the first screen: the heading is above the fold.
    assert page.locator("main h1").first.bounding_box()["y"] < PHONE["height"] / 3
    page.get_by_text("☰ Menu").click()
    expect(menu).to_be_visible()
    expect(page.locator("#header-search")).to_be_visible()
    menu.get_by_role("link", name="Sự cố", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sự cố")
    expect(page.locator("#main-menu")).to_be_hidden()  # a new page starts folded
    page.get_by_text("☰ Menu").click()
    page.get_by_text("☰ Menu").click()
    expect(page.locator("#main-menu")).to_be_hidden()


def test_lists_become_cards_labelled_by_their_columns(make_page):
    page = sign_in(make_page(viewport=PHONE), "officer@vinh-lai.demo.vn")
    page.goto("/systems/")
    table = page.locator("main table").first
    expect(table).to_have_class("as-cards")
    first_cell = table.locator("tbody tr").first.locator("td").first
    assert first_cell.get_attribute("data-label")
    label = page.evaluate("""() => getComputedStyle(document.querySelector('main table tbody td[data-label]'),
                                                     '::before').content""")
    assert label.strip('"')
    assert table.locator("tbody tr").first.bounding_box()["width"] <= PHONE["width"]


def test_on_a_wide_screen_the_menu_shows_without_a_button(make_page):
    page = sign_in(make_page(), "officer@vinh-lai.demo.vn")
    expect(page.locator("#main-menu")).to_be_visible()
    expect(page.get_by_text("☰ Menu")).to_be_hidden()
    page.locator("#header-search").fill("mot cua")
    page.locator("#header-search").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm kiếm")
    expect(page.locator("#search-system")).to_contain_text("một cửa điện tử")


def test_the_province_table_is_a_card_per_commune_with_its_colours_even_without_javascript(browser, live_server):
    """The overseer's table: one card per commune, every cell under its column's name, coloured and with
    its symbol and word; sorting, whose column headers a card hides, is a form."""
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=PHONE, java_script_enabled=False)
    page = sign_in(context.new_page(), "overseer@hai-phong.demo.vn")
    page.goto("/province/")
    card = page.locator("table.province-table tbody tr").first
    assert card.bounding_box()["width"] <= PHONE["width"]
    expect(card.locator("th")).to_have_attribute("data-label", "Xã / phường")
    cells = card.locator("td.rag")
    expect(cells.first).to_have_attribute("data-label", "Hồ sơ quá hạn bước")
    for index in range(cells.count()):
        cell = cells.nth(index)
        shown = cell.evaluate("""td => [getComputedStyle(td, '::before').content, getComputedStyle(td).backgroundColor,
                                        getComputedStyle(td).display]""")
        assert shown[0].strip('"') == cell.get_attribute("data-label") and shown[2] != "table-cell", shown
        assert shown[1] not in ("rgba(0, 0, 0, 0)", "transparent"), f"cell {index} lost its colour: {shown}"
        expect(cell).to_contain_text(re.compile(r"(✓.*Xanh|!.*Vàng|✖.*Đỏ)", re.S | re.I))
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_label("Sắp xếp theo").select_option(label="Sự cố quá hạn 72 giờ")
    page.get_by_role("button", name="Sắp xếp", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=clocks_72h"))
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    context.close()
