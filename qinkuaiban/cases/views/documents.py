"""Official notices as PDF for the applicant and the staff of a case."""

import logging
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from qinkuaiban.cases.models import Case
from qinkuaiban.cases.notices import Notice, NoticeKind, get_notice, render_notice
from qinkuaiban.cases.views._common import actor_of, case_or_404
from qinkuaiban.core.errors import NotFound
from qinkuaiban.core.pdf import PdfFontMissing

logger = logging.getLogger(__name__)


def verify_url(request: HttpRequest, notice: Notice) -> str:
    """The public verify page with the notice's number and code filled in (for the QR code)."""
    query = urlencode({"number": notice.case.number, "code": notice.verification_code})
    return request.build_absolute_uri(f"{reverse('cases:verify')}?{query}")


def notice_pdf(request: HttpRequest, case: Case, kind: str) -> HttpResponse:
    """The PDF of one notice of a visible case; Http404 until the case reached its state.
    Raises PdfFontMissing when no Chinese font is installed."""
    if kind not in NoticeKind.values:
        raise Http404
    round_param = request.GET.get("round", "")
    try:
        notice = get_notice(case, kind, round_=int(round_param) if round_param.isdigit() else None)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    pdf = render_notice(notice, verify_url=verify_url(request, notice))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-{kind}.pdf"'
    return response


@login_required
@require_safe
def notice(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    case = case_or_404(actor_of(request), number)
    try:
        return notice_pdf(request, case, kind)
    except PdfFontMissing as exc:
        logger.error("Notice %s of %s not produced: %s", kind, case.number, exc.message)
        return render(request, "cases/notice_unavailable.html", {"case": case}, status=503)
