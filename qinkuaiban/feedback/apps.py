from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "qinkuaiban.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from qinkuaiban.feedback import receivers
        from qinkuaiban.feedback.kinds import register_feedback_kinds

        register_feedback_kinds()
        receivers.connect()
        from qinkuaiban.cases.timeline import TimelineSource, register_timeline_source
        from qinkuaiban.feedback.selectors import (
            case_feedback_events,
            case_feedback_public_steps,
        )

        # The case page's timeline shows what was said about the case here, without the
        # cases app importing feedback.
        register_timeline_source(TimelineSource(
            slug="feedback", for_actor=case_feedback_events,
            for_public=case_feedback_public_steps))
        from qinkuaiban.cases.prompts import PromptSource, register_prompt_source
        from qinkuaiban.feedback.selectors import rating_prompts

        # 我的办件 asks for the rating a finished case still waits for (待评价), by this app's
        # rule, likewise.
        register_prompt_source(PromptSource(slug="rating", for_cases=rating_prompts))
