"""The site's error handlers (wired in the root URLconf)."""

import sys

from django.http import HttpRequest, HttpResponse
from django.views.defaults import server_error as default_server_error

from qinkuaiban.core.middleware import is_database_unavailable, logger, service_unavailable


def server_error(request: HttpRequest) -> HttpResponse:
    """500 handler: a database that is away is a 503 wherever it surfaced, middleware included."""
    # Django calls the handler inside the `except` that caught the request's exception.
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        logger.error("Database unavailable: %s", exception)
        return service_unavailable(request)
    return default_server_error(request)
