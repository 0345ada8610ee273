"""Database triggers that refuse changing case events (see qinkuaiban/core/append_only.py)."""

from django.db import migrations

from qinkuaiban.core.append_only import trigger_operation


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases_history_clock_transfers_numbering")]

    operations = [trigger_operation("cases_caseevent")]
