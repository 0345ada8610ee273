"""Database triggers that refuse changing the rectification and feedback histories
(see qinkuaiban/core/append_only.py)."""

from django.db import migrations

from qinkuaiban.core.append_only import trigger_operation


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_ratings_rectifications_and_feedback")]

    operations = [
        trigger_operation("feedback_rectificationevent"),
        trigger_operation("feedback_feedbackevent"),
    ]
