"""The open queue's index also carries `warning`, so the queue's deadline alert is counted from
the index alone. Built beside the old one without blocking submissions (PostgreSQL:
CONCURRENTLY), then swapped in by name; the queue keeps an index throughout."""

from django.db import migrations, models

from qinkuaiban.core.migration_operations import AddIndexOnline, RemoveIndexOnline

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
        RemoveIndexOnline(model_name="case", name="cases_open_queue_idx"),
        migrations.RenameIndex(model_name="case", new_name="cases_open_queue_idx",
                               old_name="cases_open_queue_new"),
    ]
