"""At most two statements per list page whatever the row count: a page of rows, then its count (none
when the page is the last and not full)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    size: int
    more: bool = False  # the count stopped at its limit: there are more than `total` rows

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or (self.more and len(self.items) == self.size)


def paginate(session: Session, query: Select, number: int, size: int, count_limit: int | None = None) -> Page:
    """A page of ``query``. With ``count_limit`` the count stops there: counting a province's whole
    audit log means reading every row of it, for a number nobody needs exactly.

    The rows come first: a page that is not full is the last one, so it tells the total itself and
    the count is skipped (a commune's short lists: one statement fewer). The queries given here select
    one entity with filters, no joins that could repeat a row."""
    offset = (number - 1) * size
    items = list(session.scalars(query.limit(size).offset(offset)).unique())
    if 0 < len(items) < size or (offset == 0 and not items):
        total = offset + len(items)
    else:
        counted = query.order_by(None)
        if count_limit is not None:
            counted = counted.limit(count_limit + 1)
        total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    more = count_limit is not None and total > count_limit
    return Page(items, min(total, count_limit) if more else total, number, size, more)
