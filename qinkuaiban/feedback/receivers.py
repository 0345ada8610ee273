"""Signal receivers of the feedback app, connected in FeedbackConfig.ready."""

from typing import Any

from qinkuaiban.cases.signals import case_completed


def invite_on_completion(sender: Any, *, case: Any, **kwargs: Any) -> None:
    """Every completed case invites its applicant to rate it (in the completion's transaction)."""
    from qinkuaiban.feedback.services import invite_rating

    invite_rating(case=case)


def connect() -> None:
    case_completed.connect(invite_on_completion, dispatch_uid="feedback.invite_on_completion")
