"""Step 2 of 3 (see 0009): the old queue index goes, without blocking (PostgreSQL:
CONCURRENTLY); the new one serves the queue meanwhile."""

from django.db import migrations

from qinkuaiban.core.migration_operations import RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0009_queue_index_includes_warning"),
    ]

    operations = [
        RemoveIndexOnline(model_name="case", name="cases_open_queue_idx"),
    ]
