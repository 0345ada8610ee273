"""Whole public pages for anonymous visitors, rendered once per server process and reused.

The guide is what everyone reads on the morning an allocation window opens, and a visitor who
has not signed in sees the same page as every other such visitor — except for the CSRF token
of the forms in the page shell (language switch, htmx headers). So the page is rendered with a
placeholder where the token goes, cached, and each request gets its own token substituted.

A request is served from the cache only when nothing about it can change the page: no signed-in
user, no session or flash-message cookie (a message to show), no query string, a safe method.
Everything else renders normally. The cache is the process's default cache (LocMem unless
configured), so each key must name everything the page depends on — the caller passes the
parts (an object's version, the language, the day) — and the timeout bounds anything else.
"""

import secrets
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

# Random per process, so no page content can contain it by chance or on purpose.
CSRF_PLACEHOLDER = f"qkb-csrf-{secrets.token_hex(16)}"
KEY_PREFIX = "qkb:public-page"


def is_cacheable(request: HttpRequest) -> bool:
    """A visitor whose page depends on nothing but the URL and the language."""
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not getattr(user, "is_authenticated", False)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_page(
    request: HttpRequest,
    *,
    key_parts: Sequence[object],
    timeout: int,
    render_page: Callable[[dict[str, object]], HttpResponse],
) -> HttpResponse:
    """The page `render_page` renders, from the cache when the request allows it.

    `render_page(extra_context)` must render the page with `extra_context` added to its
    template context (it carries the CSRF placeholder). Only a 200 is cached.
    """
    if timeout <= 0 or not is_cacheable(request):
        return render_page({})
    key = ":".join([KEY_PREFIX, request.path, get_language() or "", *map(str, key_parts)])
    html = cache.get(key)
    if html is None:
        response = render_page({"csrf_token": CSRF_PLACEHOLDER})
        html = response.content.decode(response.charset)
        if response.status_code != 200:
            response.content = html.replace(CSRF_PLACEHOLDER, get_token(request))
            return response
        cache.set(key, html, timeout)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
