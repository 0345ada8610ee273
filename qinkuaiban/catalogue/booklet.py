"""The printed guide: a PDF booklet of every published item with a cover, a table of contents
with page numbers and one section per item, in an embedded Chinese font (core/pdf.py)."""

import io
from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import NextPageTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from qinkuaiban.catalogue import presentation
from qinkuaiban.catalogue.models import ServiceItemVersion
from qinkuaiban.core.pdf import cjk_font

ACCENT = colors.HexColor("#b22222")
GRID = colors.HexColor("#999999")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontSize=30, leading=40,
                                      alignment=TA_CENTER, textColor=ACCENT),
        "cover_sub": ParagraphStyle("cover_sub", parent=base, fontSize=14, leading=22,
                                    alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base, fontSize=16, leading=22, spaceAfter=6,
                             textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11.5, leading=17, spaceBefore=8,
                             spaceAfter=3),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=10.5, leading=17),
    }


class _Booklet(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, *, font: str, title: str) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                         topMargin=20 * mm, bottomMargin=20 * mm, title=title,
                         author="勤快办", subject=title, initialFontName=font)
        self.font = font
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[frame]),
            PageTemplate(id="pages", frames=[frame], onPage=self._footer),
        ])

    def _footer(self, canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 8.5)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, str(doc.page))
        canvas.drawString(self.leftMargin, 10 * mm, _("\"Qinkuaiban\" service guide"))
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        # Item headings feed the table of contents with the page they landed on.
        if getattr(flowable, "toc_text", None):
            self.notify("TOCEntry", (0, flowable.toc_text, self.page))


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], style: ParagraphStyle,
           header: bool = True) -> Table:
    table = Table([[_p(cell, style) for cell in row] for row in rows], colWidths=list(widths),
                  repeatRows=1 if header else 0)
    commands: list[Any] = [
        # Cells set their font even around paragraphs; anything but ours would add an
        # unembedded Helvetica to the document.
        ("FONTNAME", (0, 0), (-1, -1), style.fontName),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")))
    table.setStyle(TableStyle(commands))
    return table


def _item_section(version: ServiceItemVersion, st: dict[str, ParagraphStyle],
                  width: float) -> list[Flowable]:
    guide = presentation.guide_for(version)
    heading = _p(f"{version.name}", st["h1"])
    heading.toc_text = escape(version.name)
    story: list[Flowable] = [heading]
    facts = [[label, value] for label, value in guide.facts]
    story.append(_table(facts, [width * 0.25, width * 0.75], st["body"], header=False))
    for title, text in guide.texts:
        story += [_p(title, st["h2"]), _p(text, st["body"])]
    if guide.materials:
        story.append(_p(_("Materials"), st["h2"]))
        rows = [[_("No."), _("Material"), _("Necessity"), _("Form"), _("Source and notes")]]
        rows += [[str(i), m.name, m.get_necessity_display(),
                  presentation.material_form(m), presentation.material_notes(m)]
                 for i, m in enumerate(guide.materials, start=1)]
        story.append(_table(rows, [width * f for f in (0.07, 0.3, 0.12, 0.2, 0.31)],
                            st["small"]))
    if guide.steps:
        story.append(_p(_("Process"), st["h2"]))
        story += [_p(f"{i}. {s.get('name', '')}：{s.get('description', '')}", st["body"])
                  for i, s in enumerate(guide.steps, start=1)]
    if guide.special_steps:
        story.append(_p(_("Special steps"), st["h2"]))
        story += [_p(line, st["body"]) for line in guide.special_step_lines]
    if guide.legal_basis_lines:
        story.append(_p(_("Legal basis"), st["h2"]))
        story += [_p(line, st["small"]) for line in guide.legal_basis_lines]
    if guide.faq:
        story.append(_p(_("Frequently asked questions"), st["h2"]))
        for entry in guide.faq:
            story.append(KeepTogether([
                _p(_("Q: %(question)s") % {"question": entry.get("question", "")}, st["body"]),
                _p(_("A: %(answer)s") % {"answer": entry.get("answer", "")}, st["body"]),
            ]))
    story.append(PageBreak())
    return story


def render_booklet(versions: Sequence[ServiceItemVersion], *, organisation_name: str,
                   today: date) -> bytes:
    """The whole guide as PDF bytes; raises core.pdf.PdfFontMissing without a Chinese font."""
    font = cjk_font().name
    st = _styles(font)
    title = _("\"Qinkuaiban\" service guide")
    buffer = io.BytesIO()
    doc = _Booklet(buffer, font=font, title=title)
    toc = TableOfContents(
        levelStyles=[st["toc1"]], dotsMinLevel=0,
        tableStyle=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]),
    )
    story: list[Flowable] = [
        Spacer(1, 70 * mm),
        _p(title, st["cover_title"]),
        Spacer(1, 12 * mm),
        _p(organisation_name, st["cover_sub"]),
        _p(_("%(count)s services") % {"count": len(versions)}, st["cover_sub"]),
        Spacer(1, 50 * mm),
        _p(date_format(today, "DATE_FORMAT"), st["cover_sub"]),
        _p(_("Zero visits is normal, one visit is the most."), st["cover_sub"]),
        NextPageTemplate("pages"),
        PageBreak(),
        _p(_("Contents"), st["h1"]),
        toc,
        PageBreak(),
    ]
    for version in versions:
        story += _item_section(version, st, doc.width)
    doc.multiBuild(story)
    return buffer.getvalue()

