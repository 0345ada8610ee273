"""The open queue's index also carries `warning`, so the queue's deadline alert is counted from
the index alone. Step 1 of 3: built beside the old one without blocking submissions
(PostgreSQL: CONCURRENTLY); 0010 drops the old one, 0011 gives the new one its name. One step
per migration, so an interrupted run resumes where it stopped (docs/deploy.md)."""

from django.db import migrations, models

from qinkuaiban.core.migration_operations import AddIndexOnline

OPEN_QUEUE = dict(
    condition=models.Q(("status__in", ["submitted", "awaiting_supplement", "accepted",
                                       "special_procedure"])),
    include=("status", "kind", "warning"),
)
QUEUE_ORDER = (
    models.F("handling_org"),
    models.ExpressionWrapper(models.Q(("due_on__isnull", False)),
                             output_field=models.BooleanField()),
    models.F("due_on"), models.F("submitted_at"), models.F("id"),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0008_intake_fewer_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="case",
            index=models.Index(*QUEUE_ORDER, name="cases_open_queue_new", **OPEN_QUEUE),
        ),
    ]
