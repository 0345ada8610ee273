"""The REST API root: `/api/v1/`, OpenAPI at `/api/v1/openapi.json`, docs at `/api/v1/docs`.

Errors everywhere have one shape, `{"code": ..., "detail": ...}`, with the HTTP status of the
`DomainError` subclass raised by the service.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from qinkuaiban.cases.api import intakes_router
from qinkuaiban.cases.api import public_router as public_cases_router
from qinkuaiban.cases.api import router as cases_router
from qinkuaiban.cases.api_notices import router as case_notices_router
from qinkuaiban.catalogue.api import router as catalogue_router
from qinkuaiban.core.errors import DomainError
from qinkuaiban.feedback.api import evaluation_router, rectifications_router
from qinkuaiban.feedback.api import router as feedback_router
from qinkuaiban.identity.api import router as auth_router
from qinkuaiban.identity.auth import api_auth
from qinkuaiban.workdays.api import router as workdays_router

# Every operation can answer with these, through the exception handlers below (a DomainError's
# status, input validation, authentication, rate limits, a database that is away).
COMMON_ERRORS: dict[int, str] = {
    400: "Refused by a business rule",
    401: "Authentication required",
    403: "Not permitted",
    404: "Not found, or not visible to the caller",
    409: "Not possible in the current state",
    422: "Invalid input",
    429: "Too many requests",
    503: "Service temporarily unavailable",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "A stable, machine-readable error code"},
        "detail": {"type": "string", "description": "The message for people, translated"},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "Field errors of invalid input"},
    },
    "required": ["code", "detail"],
}


class QkbAPI(NinjaAPI):
    """The API with its shared error responses documented on every operation."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_ERRORS.items():
                    if status == 401 and not operation.get("security"):
                        continue
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": reference}
        return schema


api = QkbAPI(
    title="勤快办 API",
    version="1",
    description=_("REST API of the integrated service platform 勤快办."),
    urls_namespace="api",
    docs_url="/docs",
    auth=api_auth,
)


def _error(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.http_status, exc.code, exc.message)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    parts = []
    for error in exc.errors:
        location = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "payload"))
        parts.append(f"{location}: {error.get('msg', '')}" if location else error.get("msg", ""))
    return api.create_response(
        request,
        {"code": "invalid_input", "detail": "; ".join(parts) or _("Invalid input."),
         "errors": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Authentication required."))


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", _("You may not do this."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


api.add_router("/auth", auth_router)
api.add_router("/workdays", workdays_router)
api.add_router("/services", catalogue_router)
api.add_router("/cases", cases_router)
api.add_router("/cases", case_notices_router)
api.add_router("/public/cases", public_cases_router)
api.add_router("/intakes", intakes_router)
api.add_router("/cases", evaluation_router)
api.add_router("/feedback", feedback_router)
api.add_router("/rectifications", rectifications_router)
