"""Step 3 of 3 (see 0009): the new queue index takes the old one's name (a rename, at once on
PostgreSQL)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_drop_old_queue_index"),
    ]

    operations = [
        migrations.RenameIndex(model_name="case", new_name="cases_open_queue_idx",
                               old_name="cases_open_queue_new"),
    ]
