"""Database triggers that refuse changing audit entries (see qinkuaiban/core/append_only.py)."""

from django.db import migrations

from qinkuaiban.core.append_only import trigger_operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_trail")]

    operations = [trigger_operation("audit_auditentry")]
