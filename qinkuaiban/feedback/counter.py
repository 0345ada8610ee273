"""The counter rating (现场 "一次一评"): the window clerk shows a QR code of a short-lived signed
link; whoever holds it may rate that one case, once, without signing in. Nothing is stored: the
signature and its age are the whole token."""

import io

import segno
from django.core import signing
from django.utils.translation import gettext as _

from qinkuaiban.cases.models import Case, Channel, Status
from qinkuaiban.cases.permissions import CASE_ROLES, parties_for
from qinkuaiban.core.errors import Conflict, NotFound, NotPermitted
from qinkuaiban.feedback.conf import days
from qinkuaiban.identity.models import User

SALT = "qinkuaiban.feedback.counter-rating"


def issue_counter_token(*, case: Case, actor: User) -> str:
    """A token for the case's counter rating; only the staff handling the window case."""
    if not parties_for(case, actor) & CASE_ROLES:
        raise NotPermitted(_("Only the staff handling this case may show its rating code."),
                           code="not_case_staff")
    if case.status != Status.COMPLETED or case.channel == Channel.ONLINE:
        raise Conflict(_("Only completed cases handled off line are rated at the counter."),
                       code="not_counter_case")
    return signing.dumps({"case": case.pk}, salt=SALT, compress=True)


def case_for_counter_token(token: str) -> Case:
    """The case a counter token opens; NotFound when it is forged or expired."""
    max_age = days("QKB_FEEDBACK_COUNTER_TOKEN_MINUTES") * 60
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        raise NotFound(_("This rating code has expired. Ask the window for a new one."),
                       code="token_invalid") from None
    case = (Case.objects.filter(pk=payload.get("case"))
            .select_related("item", "version", "handling_org", "responsible").first())
    if case is None:
        raise NotFound(_("This rating code has expired. Ask the window for a new one."),
                       code="token_invalid")
    return case


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG markup (no external image, CSP-safe)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False,
                                    svgns=True, title=_("Scan to rate the service"))
    return buffer.getvalue().decode()
