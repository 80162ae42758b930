"""Walks the app as one user at phone size: from the menu and the dashboard, every same-origin link
(GET), breadth first, a bounded number of pages, and measures each page's width.

Pages are grouped by the shape of their address (ids and codes become "#", the query keeps only its
keys): at most PER_SHAPE pages of one shape are loaded, so a list of 60 requirements costs two loads
while a new page, whatever its shape, is reached as soon as something links to it."""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Error as PlaywrightError

PER_SHAPE = 2
MAX_PAGES = 220
# Files, the API's JSON, language switches and the static folder are not pages to lay out.
NOT_PAGES = re.compile(r"\.(xlsx|docx|pdf|zip|ics|csv|json|png|svg|txt|xml)$|^/static/|^/lang/|^/files/|^/api/(?!v1/docs$)|/(file|attachment)$", re.I)
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What sticks out, to say which element to fix.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ': '
                          + (el.textContent || '').trim().slice(0, 60))"""
LINKS = "() => [...document.querySelectorAll('a[href]:not([download])')].map(a => a.href)"


@dataclass
class Crawl:
    """What one user's walk found: the addresses loaded, the pages too wide, the links that failed."""
    email: str
    loaded: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)


def shape(address: str) -> str:
    parts = urlsplit(address)
    path = re.sub(r"/[^/]*\d[^/]*(?=/|$)", "/#", parts.path)
    return path + "?" + ",".join(sorted({key for key, _value in parse_qsl(parts.query)}))


def _local(href: str, origin: str) -> str | None:
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin or NOT_PAGES.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(page, origin: str, email: str, starts: tuple[str, ...], extra: tuple[str, ...] = ()) -> Crawl:
    """`starts` must load (the menu and the dashboard); `extra` pages may be another role's (403)."""
    found = Crawl(email)
    queue = deque([(address, True) for address in starts] + [(address, False) for address in extra])
    per_shape: dict[str, int] = {}
    done: set[str] = set()
    while queue and len(found.loaded) < MAX_PAGES:
        address, must_load = queue.popleft()
        if address in done or per_shape.get(shape(address), 0) >= PER_SHAPE:
            continue
        done.add(address)
        try:
            response = page.goto(address)
        except PlaywrightError as error:  # a download behind an address that does not say so
            found.broken.append(f"{address} → {str(error).splitlines()[0]}")
            continue
        if response is None or response.status >= 400 or "html" not in response.headers.get("content-type", ""):
            if must_load and (response is None or response.status >= 400):
                found.broken.append(f"{address} → {response.status if response else 'no response'}")
            continue
        per_shape[shape(address)] = per_shape.get(shape(address), 0) + 1
        found.loaded.append(urlsplit(page.url).path)
        if not page.evaluate(NO_SIDEWAYS_SCROLL):
            found.too_wide.append(f"{address} {page.evaluate(WIDTHS)}: {page.evaluate(WIDE_ELEMENTS)}")
        for href in page.evaluate(LINKS):
            link = _local(href, origin)
            if link and link not in done:
                queue.append((link, True))
    return found
