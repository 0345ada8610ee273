"""`GET /api/v1/cases/{number}/notices/{kind}`: an official notice as PDF, for the applicant and
the staff of the case. Mounted by the API root beside the cases router."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from qinkuaiban.cases import selectors
from qinkuaiban.cases.views.documents import notice_pdf
from qinkuaiban.core.pdf import PdfFontMissing

router = Router(tags=["cases"])


@router.get("/{number}/notices/{kind}", openapi_extra={
    # Integer keys, as django-ninja's own: string ones would stand beside them in the JSON.
    "responses": {200: {"description": "The notice", "content": {"application/pdf": {}}},
                  401: {"description": "Authentication required"},
                  404: {"description": "No such case, or the case has no such notice yet"},
                  503: {"description": "No Chinese font is installed on the server"}},
})
def case_notice(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """The notice PDF; kinds `acceptance`, `supplement` (latest round, or `?round=`),
    `rejection`, `completion`. 404 until the case reached the state the notice certifies."""
    case = selectors.get_case_for_actor(actor=request.auth, number=number)  # type: ignore[attr-defined]
    try:
        return notice_pdf(request, case, kind)
    except PdfFontMissing as exc:
        raise HttpError(503, _("Notices cannot be produced: no Chinese font is installed "
                               "on the server.")) from exc
