"""Keyset ("newer / older") pagination for long, append-mostly lists such as the audit trail:
one query per page whatever the page number, and no COUNT over the whole table."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class KeysetPage:
    object_list: list[Any]
    has_previous: bool  # newer entries exist
    has_next: bool  # older entries exist
    previous_cursor: int | None
    next_cursor: int | None
    is_keyset: bool = True

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def parse_cursor(value: str | None) -> int | None:
    """A cursor from the query string, or None when it is absent or not a positive number."""
    if value is None or not value.isdigit():
        return None
    return int(value)


def keyset_page(
    queryset: QuerySet[Any], *, key: str, before: int | None = None, after: int | None = None,
    per_page: int = 50,
) -> KeysetPage:
    """Rows of `queryset` newest first by the unique integer `key`, starting below `before` or
    just above `after` (the cursors of the links on the previous page)."""
    if after is not None:
        rows = list(queryset.filter(**{f"{key}__gt": after}).order_by(key)[: per_page + 1])
        has_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        # We came here from an older page, so older rows exist.
        has_older = True
    else:
        base = queryset if before is None else queryset.filter(**{f"{key}__lt": before})
        rows = list(base.order_by(f"-{key}")[: per_page + 1])
        has_older = len(rows) > per_page
        rows = rows[:per_page]
        has_newer = before is not None
    return KeysetPage(
        object_list=rows,
        has_previous=has_newer and bool(rows),
        has_next=has_older and bool(rows),
        previous_cursor=getattr(rows[0], key) if rows else None,
        next_cursor=getattr(rows[-1], key) if rows else None,
    )
