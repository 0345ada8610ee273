"""Official notices (文书) of a case as PDF: 受理通知书, 补正告知书, 不予受理决定书 and 办结通知书.

A notice exists only once the case reached the state it certifies. Each carries a verification
code derived from the case number, the kind, the round (for 补正) and the date of issue with a
keyed hash, so the same notice always prints the same code and nothing needs storing: the
public verify page recomputes the codes of the case's notices and compares.

Which law a notice cites, and how its decision may be challenged, depends on the item's type:
legal.py decides.
"""

import datetime as dt
import hmac
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from qinkuaiban.cases import legal
from qinkuaiban.cases.codes import CODE_ALPHABET
from qinkuaiban.cases.models import Case, Outcome, RejectGround, Status, SupplementRequest
from qinkuaiban.core import crypto
from qinkuaiban.core.errors import NotFound
from qinkuaiban.core.pdf import cjk_font
from qinkuaiban.identity.models import Organisation, OrganisationKind

CODE_LENGTH = 8
ACCENT = colors.HexColor("#b22222")
GRID = colors.HexColor("#999999")


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", gettext_lazy("Notice of acceptance")
    SUPPLEMENT = "supplement", gettext_lazy("One-time notice of materials to supplement")
    REJECTION = "rejection", gettext_lazy("Decision not to accept")
    COMPLETION = "completion", gettext_lazy("Notice of completion")


@dataclass(frozen=True)
class Notice:
    """One notice of a case: its kind, round (补正 only), date of issue and verification code."""

    case: Case
    kind: str
    issued_on: dt.date
    round: int = 0
    request: SupplementRequest | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return str(NoticeKind(self.kind).label)

    @property
    def verification_code(self) -> str:
        return notice_code(number=self.case.number or "", kind=self.kind, round_=self.round,
                           issued_on=self.issued_on)


def notice_code(*, number: str, kind: str, round_: int, issued_on: dt.date) -> str:
    """The verification code of a notice: a keyed hash spelled in unambiguous characters."""
    digest = int(crypto.keyed_hash(f"qkb-notice|{number}|{kind}|{round_}|{issued_on:%Y-%m-%d}"),
                 16)
    base = len(CODE_ALPHABET)
    chars = []
    for _i in range(CODE_LENGTH):
        digest, index = divmod(digest, base)
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def notices_of(case: Case) -> list[Notice]:
    """Every notice the case has now, in the order they were issued."""
    if case.number is None:
        return []
    found: list[Notice] = []
    requests = SupplementRequest.objects.filter(case=case).order_by("round")
    found += [Notice(case, NoticeKind.SUPPLEMENT, timezone.localdate(r.requested_at), r.round, r)
              for r in requests]
    accepted_on = _day(case.accepted_at)
    if accepted_on is not None:
        found.append(Notice(case, NoticeKind.ACCEPTANCE, accepted_on))
    rejected_on = _day(case.closed_at)
    if case.status == Status.REJECTED and rejected_on is not None:
        found.append(Notice(case, NoticeKind.REJECTION, rejected_on))
    completed_on = _day(case.completed_at)
    if case.status == Status.COMPLETED and completed_on is not None:
        found.append(Notice(case, NoticeKind.COMPLETION, completed_on))
    return found


def _missing() -> NotFound:
    return NotFound(_("This case has no such notice."), code="notice_not_found")


def get_notice(case: Case, kind: str, *, round_: int | None = None) -> Notice:
    """One notice of a case the caller may see; NotFound until the case reached its state.
    For 补正 the latest round unless `round_` names another."""
    matching = [n for n in notices_of(case) if n.kind == kind
                and (round_ is None or n.round == round_)]
    if not matching:
        raise _missing()
    return matching[-1]


def find_notice(*, number: str, code: str) -> Notice:
    """The notice a case number and verification code belong to (public); NotFound otherwise."""
    number, code = number.strip().upper(), code.strip().upper()
    case = (
        Case.objects.filter(number=number).select_related(
            "version", "item", "handling_org__parent__parent"
        ).first()
        if number and code else None
    )
    if case is not None:
        for notice in notices_of(case):
            if hmac.compare_digest(notice.verification_code.encode(), code.encode()):
                return notice
    raise NotFound(_("No notice matches this case number and notice verification code."),
                   code="notice_not_genuine")


def issuing_bodies(case: Case) -> tuple[Organisation, Organisation | None]:
    """The agency that issues the notice (the GOA) and its handling division, if any."""
    handling = case.handling_org
    agency = handling.legal_entity()
    division = handling if handling.pk != agency.pk else None
    return agency, division


def applicant_line(case: Case) -> str:
    """The addressee: the applicant and their organisation."""
    org = case.applicant_org
    if org is None:
        return case.applicant_display
    unit = org.name
    if org.kind == OrganisationKind.DEPARTMENT and org.parent_id is not None:
        unit = f"{org.parent.name} {org.name}"  # type: ignore[union-attr]
    return _("%(name)s (%(unit)s)") % {"name": case.applicant_display, "unit": unit}


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return date_format(value, "DATE_FORMAT")


# --- the texts --------------------------------------------------------------------------------

def _remedies_statement(case: Case) -> str:
    return legal.remedies_statement(case.version.item_type)


def _opening(case: Case) -> str:
    return _("On %(date)s you applied for “%(item)s” (case number %(number)s).") % {
        "date": _date(case.submitted_at), "item": case.version.name, "number": case.number}


def _paragraphs(notice: Notice) -> tuple[list[str], list[list[str]], list[str]]:
    """(paragraphs before the table, table rows with a header, paragraphs after the table)."""
    case = notice.case
    before: list[str] = [_opening(case)]
    rows: list[list[str]] = []
    after: list[str] = []
    if notice.kind == NoticeKind.ACCEPTANCE:
        if case.is_deemed_accepted:
            before.append(legal.deemed_acceptance_notice(case.version.item_type,
                                                         accepted=_date(case.accepted_at)))
        else:
            before.append(legal.acceptance_statement(case.version.item_type,
                                                     accepted=_date(case.accepted_at)))
        if case.version.is_instant:
            before.append(_("This service is handled at once: it is completed on the spot."))
        elif case.due_on is not None:
            promised = case.promised_days or 0
            promise = ngettext(
                "The promised time limit is %(days)s working day (the legal limit is %(legal)s). "
                "The case is due on %(due)s.",
                "The promised time limit is %(days)s working days (the legal limit is "
                "%(legal)s). The case is due on %(due)s.", promised,
            ) % {"days": promised, "legal": case.version.legal_days, "due": _date(case.due_on)}
            if case.due_provisional:
                promise += _(" This date is provisional: the official holidays of that year "
                             "are not yet published.")
            before.append(promise)
        if case.deferred_materials:
            before.append(_("The following materials were accepted as deferred (容缺). Please "
                            "supply them by %(date)s; if they are not supplied in time, the "
                            "case is terminated.") % {"date": _date(case.deferred_due_on)})
            rows = [[_("No."), _("Material")]] + [
                [str(i), entry.get("name", "")]
                for i, entry in enumerate(case.deferred_materials, start=1)]
    elif notice.kind == NoticeKind.SUPPLEMENT:
        request = notice.request
        assert request is not None  # every supplement notice carries its request
        before.append(legal.supplement_opening(case.version.item_type))
        rows = [[_("No."), _("Material"), _("What must be supplemented or corrected")]] + [
            [str(i), entry.get("name", ""), entry.get("problem", "")]
            for i, entry in enumerate(request.items, start=1)]
        if request.note:
            after.append(_("Note: %(note)s") % {"note": request.note})
        if request.round > 1:
            after.append(_("This is supplement round %(round)s; it only names materials "
                           "supplied in the previous round that are still deficient.")
                         % {"round": request.round})
        after.append(_("Please supply everything listed and hand it in on the platform or at "
                       "the service window. The time limit does not run until the materials "
                       "are supplied."))
    elif notice.kind == NoticeKind.REJECTION:
        ground = str(RejectGround(case.reject_ground).label) if case.reject_ground else ""
        before.append(_("Having examined the application, this agency decided not to accept "
                        "it. Ground: %(ground)s.") % {"ground": ground})
        if case.decision_reason:
            before.append(_("Reason: %(reason)s") % {"reason": case.decision_reason})
        if case.reject_ground == RejectGround.NOT_OUR_REMIT and case.competent_agency:
            before.append(_("Please apply to the competent agency: %(agency)s.")
                          % {"agency": case.competent_agency})
        after += _remedies(case)
    else:
        outcome = str(Outcome(case.outcome).label) if case.outcome else ""
        before.append(_("The case was completed on %(date)s. Outcome: %(outcome)s.")
                      % {"date": _date(case.completed_at), "outcome": outcome})
        if case.outcome == Outcome.APPROVED:
            result = "；".join(p for p in (case.version.result_name, case.version.result_delivery)
                              if p)
            if result:
                before.append(_("Result: %(result)s.") % {"result": result})
            if case.decision_reason:
                before.append(_("Note: %(note)s") % {"note": case.decision_reason})
        else:
            before.append(_("Reason: %(reason)s") % {"reason": case.decision_reason})
            after += _remedies(case)
    # The opening and the first finding read as one sentence, as on a printed notice.
    joined = _("%(opening)s %(finding)s") % {"opening": before[0], "finding": before[1]}
    return [joined, *before[2:]], rows, after


def _remedies(case: Case) -> list[str]:
    lines = [_remedies_statement(case)]
    if case.remedies:
        lines.append(case.remedies)
    return lines


# --- the PDF ----------------------------------------------------------------------------------


class QrCode(Flowable):
    """A QR code drawn as vector squares (no image library, crisp in print)."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        import segno

        self.matrix = segno.make(data, error="m").matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        quiet = 2
        count = len(self.matrix) + 2 * quiet
        cell = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    canvas.rect((x + quiet) * cell, self.size - (y + quiet + 1) * cell,
                                cell, cell, stroke=0, fill=1)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=19, wordWrap="CJK",
                          firstLineIndent=22)
    return {
        "body": body,
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=13,
                                firstLineIndent=0),
        "agency": ParagraphStyle("agency", parent=body, fontSize=20, leading=28,
                                 alignment=TA_CENTER, textColor=ACCENT, firstLineIndent=0),
        "title": ParagraphStyle("title", parent=body, fontSize=17, leading=26,
                                alignment=TA_CENTER, firstLineIndent=0, spaceBefore=4),
        "number": ParagraphStyle("number", parent=body, fontSize=10, alignment=TA_RIGHT,
                                 firstLineIndent=0),
        "sign": ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], style: ParagraphStyle,
           ) -> Table:
    table = Table([[_p(cell, style) for cell in row] for row in rows], colWidths=list(widths),
                  repeatRows=1)
    table.setStyle(TableStyle([
        # Without our font on the cells reportlab adds an unembedded Helvetica to the file.
        ("FONTNAME", (0, 0), (-1, -1), style.fontName),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
    ]))
    return table


def render_notice(notice: Notice, *, verify_url: str) -> bytes:
    """The notice as PDF bytes with the Chinese font embedded; `verify_url` goes in the QR code.
    Raises core.pdf.PdfFontMissing when no embeddable font is installed."""
    font = cjk_font().name
    st = _styles(font)
    case = notice.case
    agency, division = issuing_bodies(case)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=22 * mm,
        bottomMargin=20 * mm, title=f"{notice.label} {case.number}", author=agency.name,
        subject=notice.label, initialFontName=font,
    )
    before, rows, after = _paragraphs(notice)
    story: list[Flowable] = [
        _p(agency.name, st["agency"]),
        _p(notice.label, st["title"]),
        _p(_("No. %(number)s") % {"number": case.number}, st["number"]),
        Spacer(1, 4 * mm),
        _p(_("%(addressee)s:") % {"addressee": applicant_line(case)}, st["plain"]),
    ]
    story += [_p(text, st["body"]) for text in before]
    if rows:
        widths = ([doc.width * 0.1, doc.width * 0.9] if len(rows[0]) == 2
                  else [doc.width * 0.1, doc.width * 0.35, doc.width * 0.55])
        story += [Spacer(1, 2 * mm), _table(rows, widths, st["plain"]), Spacer(1, 2 * mm)]
    story += [_p(text, st["body"]) for text in after]
    contact = case.version.consultation_phone
    if contact:
        story.append(_p(_("Enquiries: %(phone)s; supervision and complaints: %(complaints)s.")
                        % {"phone": contact, "complaints": case.version.complaint_phone},
                        st["body"]))
    story += [Spacer(1, 10 * mm), _p(agency.name, st["sign"])]
    if division is not None:
        story.append(_p(_("(handled by %(division)s)") % {"division": division.name},
                        st["sign"]))
    story += [_p(_date(notice.issued_on), st["sign"]), Spacer(1, 12 * mm)]
    check = _p(
        _("Verification: scan the code, or open %(url)s and enter the case number %(number)s "
          "and the notice verification code %(code)s to confirm this notice is genuine. This "
          "is an electronic document issued through the platform.")
        % {"url": verify_url.split("?", 1)[0], "number": case.number,
           "code": notice.verification_code},
        st["small"],
    )
    code_line = _p(_("Notice verification code: %(code)s") % {"code": notice.verification_code},
                   st["plain"])
    footer = Table([[QrCode(verify_url, 28 * mm), [code_line, Spacer(1, 2 * mm), check]]],
                   colWidths=[32 * mm, doc.width - 32 * mm])
    footer.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font),
                                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LINEABOVE", (0, 0), (-1, 0), 0.4, GRID)]))
    story.append(footer)
    doc.build(story)
    return buffer.getvalue()
