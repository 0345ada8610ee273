"""What another app asks an applicant to do about their cases, shown in 我的办件 beside each
case (the feedback app's 待评价 with its 去评价 link).

An app registers its source in its AppConfig.ready, as it registers its case kinds and its
timeline entries, so the cases app never imports it:

    from qinkuaiban.cases.prompts import PromptSource, register_prompt_source
    register_prompt_source(PromptSource(slug="rating", for_cases=...))

`for_cases(actor=, cases=)` receives the cases of one page of the list (the actor's own, read
through the cases selectors) and returns, by case id, the prompt it has for each case that
needs one; it reads them in a fixed number of queries, however many cases there are.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CasePrompt:
    """One request to the applicant: a badge naming it, and a link to where it is done whose
    accessible name (`link_label`) starts with its visible text and names the case."""

    badge: str
    link_text: str
    link_label: str
    url: str


@dataclass(frozen=True)
class PromptSource:
    slug: str
    for_cases: Callable[..., Mapping[int, CasePrompt]]


_sources: dict[str, PromptSource] = {}


def register_prompt_source(source: PromptSource) -> None:
    """Add (or replace, by slug) one app's prompts to the list of one's cases."""
    _sources[source.slug] = source


def prompts_for(*, actor: Any, cases: Sequence[Any]) -> dict[int, list[CasePrompt]]:
    """Every registered app's prompts for the listed cases, by case id."""
    found: dict[int, list[CasePrompt]] = {}
    if not cases:
        return found
    for source in _sources.values():
        for pk, prompt in source.for_cases(actor=actor, cases=cases).items():
            found.setdefault(pk, []).append(prompt)
    return found
