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
