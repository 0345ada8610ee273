"""Template helpers of the feedback pages, and the two boxes other apps' pages include:

- the published figures on the guide's item page:
  `{% load feedback_tags %}{% rating_stats item %}`;
- the rating (and feedback) panel on the case page:
  `{% load feedback_tags %}{% case_feedback case %}`.
"""

from typing import Any

from django import template

from qinkuaiban.feedback import selectors
from qinkuaiban.feedback.models import Feedback
from qinkuaiban.feedback.permissions import is_staff_of
from qinkuaiban.feedback.rules import DeadlineWarning, Level
from qinkuaiban.feedback.statistics import Rate
from qinkuaiban.identity.models import User

register = template.Library()

WARNING_BADGES: dict[str, str] = {
    DeadlineWarning.NORMAL: "badge-green",
    DeadlineWarning.YELLOW: "badge-yellow",
    DeadlineWarning.RED: "badge-red",
}


@register.filter
def warning_badge(level: str) -> str:
    return WARNING_BADGES.get(level, "badge-grey")


@register.filter
def level_badge(level: int) -> str:
    """Green for 4–5, grey for 3, red for the 差评 levels 1–2."""
    return "badge-green" if level >= 4 else ("badge-grey" if level == 3 else "badge-red")


@register.filter
def level_label(level: int) -> str:
    return str(Level(level).label) if level in Level.values else str(level)


@register.inclusion_tag("feedback/_rate.html")
def show_rate(rate: Rate) -> dict[str, Any]:
    """A rate as a percentage, or 样本不足 below the minimum sample."""
    return {"rate": rate}


@register.inclusion_tag("feedback/_rating_stats.html")
def rating_stats(item: Any) -> dict[str, Any]:
    """The published 好差评 figures of a service item over the last 12 months."""
    figures, since, until = selectors.public_item_figures(item=item)
    return {"figures": figures, "since": since, "until": until}


@register.inclusion_tag("feedback/_case_feedback.html", takes_context=True)
def case_feedback(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """For the applicant: rate this service (or the rating given); for the case's staff: the
    ratings, the counter code and the rectification; for a feedback case: its feedback page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"show": False}
    feedback = Feedback.objects.filter(case=case).first()
    is_applicant = case.applicant_id == user.pk
    is_case_staff = is_staff_of(user, case.handling_org)
    state = selectors.rating_state(case=case) if feedback is None else None
    ratings = list(selectors.evaluations_of_case(case=case).select_related(
        "rectification")) if is_case_staff and feedback is None else []
    return {
        "show": is_applicant or is_case_staff, "case": case, "feedback": feedback,
        "state": state, "is_applicant": is_applicant, "is_case_staff": is_case_staff,
        "ratings": ratings,
    }
