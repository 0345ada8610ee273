"""The case kinds of the feedback app, registered in FeedbackConfig.ready: complaints,
suggestions, praise and letters to the leadership are cases, so the clock, transfers with
first-contact responsibility, history and notices come from the service hall."""

from typing import Any

from qinkuaiban.cases.kinds import CaseKind, register
from qinkuaiban.feedback.rules import FeedbackKind


def _on_submit(*, case: Any, actor: Any) -> None:
    from qinkuaiban.feedback.services import register_feedback

    register_feedback(case=case, actor=actor)


def _kind(slug: str) -> CaseKind:
    return CaseKind(
        slug=slug, label=FeedbackKind(slug).label, on_submit=_on_submit,
        # Any staff member may log a complaint phoned in or brought to them (首问负责).
        registered_by_any_staff=True, accepted_on_submit=True,
        # Applications go through feedback's own page, which also takes anonymous submissions;
        # staff work them in feedback's own to-do list, not in the general case queue.
        meta={"allows_anonymous": True, "feedback": True, "apply_url_name": "feedback:submit",
              "queue_url_name": "feedback:queue"},
    )


FEEDBACK_KINDS: tuple[CaseKind, ...] = tuple(_kind(slug) for slug in FeedbackKind.values)


def register_feedback_kinds() -> None:
    for kind in FEEDBACK_KINDS:
        register(kind)
