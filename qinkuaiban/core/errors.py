"""The one error family of the platform: services raise these, each interface translates them once
(a form error in HTML, `{"code", "detail"}` with `http_status` in the API)."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused the operation; `message` is shown to the user as is."""

    http_status = 400

    def __init__(self, message: str | Promise, *, code: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.message}


class InvalidInput(DomainError):
    """The input breaks a rule of its content (a bad check digit, a date in the past)."""

    http_status = 422


class NotPermitted(DomainError):
    http_status = 403


class NotFound(DomainError):
    http_status = 404


class Conflict(DomainError):
    """The request is well formed but the current state does not allow it."""

    http_status = 409


class RateLimited(DomainError):
    http_status = 429
