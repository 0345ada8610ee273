"""The one timeline of a case page: the case's own history merged, oldest first, with the entries
other apps keep about the case (the feedback app's rating, rectification and complaints).

An app registers its source in its AppConfig.ready, as it registers its case kinds, so the cases
app never imports it:

    from qinkuaiban.cases.timeline import TimelineSource, register_timeline_source
    register_timeline_source(TimelineSource(slug="feedback", for_actor=..., for_public=...))

`for_actor(case=, actor=)` returns what that signed-in actor may see; `for_public(case=)` what
the public progress page (number and verification code, no sign-in) may show.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: the case's own history, or an entry another app keeps about
    the case; `badge` names that app's topic ("" for the case's own)."""

    at: dt.datetime
    label: str
    by: str = ""
    text: str = ""
    badge: str = ""


@dataclass(frozen=True)
class TimelineSource:
    slug: str
    for_actor: Callable[..., Sequence[TimelineEntry]]
    for_public: Callable[..., Sequence[TimelineEntry]] | None = None


_sources: dict[str, TimelineSource] = {}


def register_timeline_source(source: TimelineSource) -> None:
    """Add (or replace, by slug) one app's entries to every case page."""
    _sources[source.slug] = source


def timeline_sources() -> tuple[TimelineSource, ...]:
    return tuple(_sources.values())


def merged(own: Iterable[TimelineEntry], others: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Both in time order; at the same instant the case's own entry comes first (stable sort)."""
    return sorted([*own, *others], key=lambda entry: entry.at)


def case_timeline(*, case: Any, actor: Any, own: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The case page's timeline for a signed-in actor the caller already let see the case."""
    others = [entry for source in _sources.values()
              for entry in source.for_actor(case=case, actor=actor)]
    return merged(own, others)


def public_timeline(*, case: Any, own: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The public progress page's timeline (only what each source allows the public)."""
    others = [entry for source in _sources.values() if source.for_public is not None
              for entry in source.for_public(case=case)]
    return merged(own, others)
