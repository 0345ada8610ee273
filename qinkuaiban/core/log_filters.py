"""Logging filters. A refused request (4xx) is an everyday event, not an error: Django logs a
permission refusal with the exception's traceback, which buries real errors in the log."""

import logging

from django.utils.functional import empty

REQUEST_LOGGER = "django.request"


class OneLineRefusals(logging.Filter):
    """Turn `django.request`'s record of a 4xx answer into one line: what Django says, the
    status, who asked and the refusal's code; the traceback is dropped. 5xx pass untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        exception = record.exc_info[1] if record.exc_info else None
        said = record.getMessage()
        record.msg = "%s [status=%s user=%s code=%s]"
        record.args = (said, status, _user_of(record), _code_of(exception))
        record.exc_info = None
        record.exc_text = None
        return True


def _user_of(record: logging.LogRecord) -> str:
    request = getattr(record, "request", None)
    user = getattr(request, "user", None)
    # request.user is lazy: logging must not load the session (a query) to name the user.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return "-"
    return str(user.pk) if getattr(user, "is_authenticated", False) else "anonymous"


def _code_of(exception: BaseException | None) -> str:
    """The domain error's code when a view turned one into PermissionDenied (`raise ... from`),
    else the exception's class name."""
    if exception is None:
        return "-"
    for candidate in (exception.__cause__, exception):
        code = getattr(candidate, "code", None)
        if isinstance(code, str) and code:
            return code
    return type(exception).__name__


def install() -> None:
    """Attach the filter to Django's request logger once (CoreConfig.ready)."""
    logger = logging.getLogger(REQUEST_LOGGER)
    if not any(isinstance(f, OneLineRefusals) for f in logger.filters):
        logger.addFilter(OneLineRefusals())
