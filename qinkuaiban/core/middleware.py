"""Cross-cutting HTTP behaviour: security headers and a clear answer when the database is away."""

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# No inline scripts anywhere: every script is a vendored static file, so XSS that slips past
# escaping still cannot run. Inline style attributes are allowed for htmx's swap transitions.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The OpenAPI docs page loads its own inline bootstrap; it gets its own policy.
        if not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into a 503 the user understands; Django
    closes the broken connection when that request ends and the next one connects afresh, so
    nothing needs restarting. Errors
    raised earlier, in middleware (loading the session of a signed-in user), never reach
    `process_exception`: the site's 500 handler, `core.views.server_error`, catches those."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s", exception)
        return service_unavailable(request)


def is_database_unavailable(exception: BaseException) -> bool:
    """A lost or refused database connection (or a transient lock failure): worth a retry."""
    return isinstance(exception, OperationalError | InterfaceError) or (
        isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    detail = _("The service is temporarily unavailable. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "service_unavailable", "detail": detail}, status=503
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"detail": detail}), status=503
        )
    response["Retry-After"] = "10"
    return response


class RejectNullCharactersMiddleware:
    """Refuse a NUL character anywhere in a request's text (path, query, form fields, JSON) with
    a clear 400/422 before any view runs: PostgreSQL cannot store NUL in text and would answer
    with a 500, and no legitimate input contains it. Uploaded files are not inspected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_null_character(request):
            from qinkuaiban.core.validators import NULL_CHARACTER_MESSAGE

            detail = str(NULL_CHARACTER_MESSAGE)
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_input", "detail": detail}, status=422)
            return HttpResponse(
                render_to_string("400.html", {"detail": detail}, request=None), status=400
            )
        return self.get_response(request)


def _has_null_character(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in value for values in request.GET.lists() for value in values[1]):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.content_type == "multipart/form-data":
        return any("\x00" in value for _, values in request.POST.lists() for value in values)
    # JSON and urlencoded bodies: a raw NUL, its JSON escape, or its percent-encoding.
    body = request.body
    return b"\x00" in body or b"\\u0000" in body or (
        request.content_type == "application/x-www-form-urlencoded" and b"%00" in body
    )
