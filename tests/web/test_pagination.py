"""A list page's total: counted when the page is full or past the end, told by the rows of a last
page that is not full (one statement fewer), the same figures either way."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ir_app.models import Role, User
from ir_app.web.pagination import paginate
from tests.incident_support import count_statements


@pytest.fixture
def seven_users(session, make_user, commune):
    for _ in range(7):
        make_user(Role.STAFF, organisation=commune)
    session.commit()
    session.execute(select(1))  # the transaction begun (SQLite's BEGIN is a statement of its own)
    return select(User).where(User.organisation_id == commune.id).order_by(User.id)


@pytest.mark.parametrize(("number", "rows", "total", "counted"), [
    (1, 3, 7, True),   # a full page: the rows, then the count
    (2, 3, 7, True),
    (3, 1, 7, False),  # the last page, not full: it tells the total
    (4, 0, 7, True),   # past the end: counted
])
def test_a_page_has_its_rows_and_the_total(app, session, seven_users, number, rows, total, counted):
    found = {}
    rows_only = count_statements(app, lambda: list(session.scalars(seven_users.limit(3).offset(3 * (number - 1)))))
    paged = count_statements(app, lambda: found.setdefault("page", paginate(session, seven_users, number, 3)),
                             list_counts=True)
    assert paged == rows_only + counted
    page = found["page"]
    assert (len(page.items), page.total, page.pages, page.more) == (rows, total, 3, False)


def test_an_empty_list_needs_no_count(app, session, commune):
    found = {}
    query = select(User).where(User.organisation_id == -1)
    rows_only = count_statements(app, lambda: list(session.scalars(query.limit(3))))
    assert count_statements(app, lambda: found.setdefault("page", paginate(session, query, 1, 3)),
                            list_counts=True) == rows_only
    assert (found["page"].items, found["page"].total, found["page"].has_next) == ([], 0, False)


@pytest.mark.parametrize(("number", "total", "more", "has_next"), [(1, 4, True, True), (3, 4, True, False)])
def test_a_limited_count_says_there_are_more(session, seven_users, number, total, more, has_next):
    page = paginate(session, seven_users, number, 3, count_limit=4)
    assert (page.total, page.more, page.has_next) == (total, more, has_next)
