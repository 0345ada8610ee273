"""Search text for the guide: Chinese as written, plus pinyin in full and by initials, so
"停车", "tingche" and "tc" all find the parking permit. Pure; no database."""

import re

from pypinyin import Style, lazy_pinyin

_SPACE_RE = re.compile(r"\s+")


def _phrases(*texts: str) -> list[str]:
    return [part for text in texts for part in _SPACE_RE.split(text.strip()) if part]


def search_text_for(name: str, keywords: str = "") -> str:
    """One lowercase line per spelling: the words, their full pinyin, their pinyin initials."""
    phrases = _phrases(name, keywords)
    full = " ".join("".join(lazy_pinyin(phrase)) for phrase in phrases)
    initials = " ".join(
        "".join(lazy_pinyin(phrase, style=Style.FIRST_LETTER)) for phrase in phrases
    )
    return "\n".join((" ".join(phrases), full, initials)).lower()


def search_terms(query: str) -> list[str]:
    """The lowercase terms of a query; every term must match (so "ting che" works too). NUL is
    dropped: no name holds one, and PostgreSQL refuses it in a query."""
    return [term.lower() for term in _phrases(query.replace("\x00", ""))][:8]
