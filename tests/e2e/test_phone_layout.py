"""A phone (390×844): the menu folds behind "☰ Menu", "Việc của tôi" stays in the top bar, lists
become cards, and no page of any role scrolls sideways."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

PHONE = {"width": 390, "height": 844}
ROLES = ("admin@vinh-lai.demo.vn", "officer@vinh-lai.demo.vn", "staff@vinh-lai.demo.vn",
         "appraiser@vinh-lai.demo.vn", "approver@vinh-lai.demo.vn", "auditor@vinh-lai.demo.vn",
         "overseer@hai-phong.demo.vn")
MAIN_PAGES = ("/", "/work", "/systems/", "/dossiers/", "/measures/", "/incidents/", "/incidents/summary",
              "/backups/", "/checks/", "/contacts/", "/roster/", "/roster/new", "/organisations/", "/notifications/", "/audit/",
              "/admin/users", "/admin/templates", "/operations/", "/playbooks/", "/search?q=mot+cua", "/account/password",
              "/incidents/report", "/systems/new", "/contacts/new", "/checks/morning", "/requirements",
              "/security-policies", "/documents/fields", "/notifications/settings", "/notifications/calendar")
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.offsetParent !== null)
    .slice(0, 5).map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ': '
                          + (el.textContent || '').trim().slice(0, 60))"""


def _assert_no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways ({widths}): {page.evaluate(WIDE_ELEMENTS)}"


def _detail_urls(page) -> list[str]:
    """The first record's own page of each list (detail pages hold the widest content)."""
    hrefs = page.evaluate("""() => [...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))""")
    wanted = []
    for prefix in ("/systems/", "/dossiers/", "/incidents/", "/measures/", "/backups/plans/", "/checks/"):
        for href in hrefs:
            rest = href[len(prefix):] if href.startswith(prefix) else ""
            if rest.split("?")[0].split("/")[0].isdigit():
                wanted.append(href)
                break
    return wanted


@pytest.mark.parametrize("email", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(make_page, email):
    page = sign_in(make_page(viewport=PHONE), email)
    seen, details = set(), []
    for url in MAIN_PAGES:
        response = page.goto(url)
        if response is None or response.status in (403, 404):
            continue  # not this role's page
        assert response.status == 200, f"{email} {url}: {response.status}"
        seen.add(url)
        _assert_no_sideways_scroll(page, f"{email} {url}")
        details += [href for href in _detail_urls(page) if href not in details]
    for url in details[:12]:
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{email} {url}"
        _assert_no_sideways_scroll(page, f"{email} {url}")
    assert {"/", "/systems/", "/dossiers/", "/incidents/"} <= seen


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
