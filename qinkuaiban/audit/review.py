"""The audit administrator's audited reads: verifying the chain and exporting the trail. Each
leaves an entry of its own, so reading the trail is itself on the trail."""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from qinkuaiban.audit.models import AuditEntry, Outcome
from qinkuaiban.audit.selectors import AuditFilters, audit_entries_for, ensure_audit_reader
from qinkuaiban.audit.services import record
from qinkuaiban.audit.verification import ChainReport, verify_chain
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import organisation_ids_for

PROBLEM_LABELS = {
    "entry missing": gettext_lazy("entry missing"),
    "link to previous entry broken": gettext_lazy("link to previous entry broken"),
    "content altered": gettext_lazy("content altered"),
}


def problem_label(problem: str) -> str:
    """The translated description of a problem reported by `verify_chain`."""
    return str(PROBLEM_LABELS.get(problem, problem))


def _organisation_id(actor: User) -> int | None:
    return next(iter(sorted(organisation_ids_for(actor, [Role.AUDIT_ADMIN]))), None)


def verify_chain_as(*, actor: User) -> ChainReport:
    """Verify the whole chain and record that it was verified, with the result."""
    ensure_audit_reader(actor)
    # Not inside one transaction: on SQLite that would hold the write lock for the whole walk.
    report = verify_chain()
    record(
        action="audit.chain_verified",
        actor=actor,
        organisation=_organisation_id(actor),
        outcome=Outcome.SUCCESS if report.ok else Outcome.FAILURE,
        changes={
            "checked": report.checked,
            "intact": report.ok,
            "broken_sequence": report.broken_sequence,
            "problem": report.problem,
        },
    )
    return report


def export_entries_as(*, actor: User, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The filtered entries for a CSV export, after recording the export; the export entry
    itself is left out so the file matches the count recorded."""
    entries = audit_entries_for(actor=actor, filters=filters)
    count = entries.count()
    entry = record(
        action="audit.trail_exported",
        actor=actor,
        organisation=_organisation_id(actor),
        changes={"filters": filters.as_dict(), "count": count},
    )
    return entries.filter(sequence__lt=entry.sequence)


# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """The CSV text of `entries`, line by line, with a BOM so spreadsheet programs read UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([
        _("Sequence"), _("Time"), _("Actor username"), _("Organisation ID"),
        pgettext("audit", "Action"), _("Target type"), _("Target ID"), _("Target description"),
        _("Outcome"), pgettext("audit", "Address"), _("Changes"), _("Previous hash"),
        _("Entry hash"),
    ])
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow([_cell(value) for value in (
            entry.sequence,
            timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_username,
            entry.organisation_id,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.target_repr,
            entry.get_outcome_display(),
            entry.ip_address,
            json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
            entry.prev_hash,
            entry.entry_hash,
        )])
