"""The Chinese font for PDF documents (the guide booklet, official notices).

reportlab embeds only TrueType-outline fonts, and its built-in CID fonts (STSong-Light) are not
embedded at all, so a PDF using them shows boxes or substitutes on machines without that font.
We therefore look for a TrueType CJK font on the system — WenQuanYi Zen Hei from the Debian
package `fonts-wqy-zenhei` first — or take the file named by the QKB_PDF_FONT setting
(docs/adr/0002-pdf-font.md). The font is subset and embedded in every document.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = "QkbCJK"

# (path, index in a .ttc collection), most preferred first. All have TrueType outlines.
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
)

_lock = threading.Lock()
_registered: list["PdfFont"] = []


class PdfFontMissing(Exception):
    """No embeddable Chinese font is installed; `message` tells the operator what to do."""

    # For the log and the operator; pages show their own translated explanation.
    message = (
        "No embeddable Chinese font was found for PDF documents. Install the Debian package "
        "fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or set QKB_PDF_FONT to the path "
        "of a TrueType-outline Chinese font."
    )

    def __init__(self) -> None:
        super().__init__(self.message)


@dataclass(frozen=True)
class PdfFont:
    name: str
    path: str
    subfont_index: int


def _candidates() -> list[tuple[str, int]]:
    configured = getattr(settings, "QKB_PDF_FONT", "")
    return ([(configured, 0)] if configured else []) + list(CANDIDATES)


def cjk_font() -> PdfFont:
    """Register the Chinese font with reportlab (once per process) and return it."""
    with _lock:
        if _registered:
            return _registered[0]
        for path, index in _candidates():
            if not Path(path).is_file():
                continue
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
            except TTFError:
                # PostScript (CFF) outlines, e.g. Noto CJK: reportlab cannot embed them.
                continue
            _registered.append(PdfFont(FONT_NAME, path, index))
            return _registered[0]
    raise PdfFontMissing()
