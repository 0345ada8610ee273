"""Page-number pagination for the API lists, with a ceiling on the page number: ninja's own
accepts any integer, and an offset beyond 64 bits is a database error (a 500) instead of an
empty page."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Far beyond any list of the platform (a million pages of the largest page size).
MAX_PAGE = 1_000_000


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
