"""Every write of the feedback app; the public names of the modules below."""

from qinkuaiban.feedback.services.admin import save_reply_template, save_routing_rule
from qinkuaiban.feedback.services.evaluations import (
    RatingInput,
    invite_rating,
    rate_case,
    rate_visit,
)
from qinkuaiban.feedback.services.feedback import (
    FeedbackReceipt,
    Target,
    adopt_suggestion,
    answer_reply,
    close_unanswered,
    extend_reply,
    merge_feedback,
    publish_feedback,
    register_feedback,
    reply_to_feedback,
    set_publication_consent,
    submit_feedback,
    template_for,
    transfer_feedback,
)
from qinkuaiban.feedback.services.rectifications import (
    act_on_rectification,
    appeal_rating,
    call_back,
    contact_rater,
    decide_appeal,
    explain,
    rectify,
    verify_rating,
)

__all__ = [
    "FeedbackReceipt", "RatingInput", "Target", "act_on_rectification", "adopt_suggestion",
    "answer_reply", "appeal_rating", "call_back", "close_unanswered", "contact_rater",
    "decide_appeal", "explain", "extend_reply", "invite_rating", "merge_feedback",
    "publish_feedback", "rate_case", "rate_visit", "rectify", "register_feedback",
    "reply_to_feedback", "save_reply_template", "save_routing_rule", "set_publication_consent",
    "submit_feedback", "template_for", "transfer_feedback", "verify_rating",
]
