"""Writing the audit trail. `record()` is called by services inside their own transaction, so
an entry exists exactly when the change it describes was committed."""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from qinkuaiban.audit.chain import canonical_time, entry_digest
from qinkuaiban.audit.context import current_ip
from qinkuaiban.audit.models import AuditChainHead, AuditEntry, Outcome

SECRET_KEY_RE = re.compile(r"pass|secret|token|otp|pin|key|id_number", re.IGNORECASE)
MASK = "***"


def mask_secrets(value: Any) -> Any:
    """Replace the values of secret-looking keys, at any depth, before anything is stored."""
    if isinstance(value, dict):
        return {
            key: MASK if SECRET_KEY_RE.search(str(key)) else mask_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(item) for item in value]
    return value


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    """The content an entry's hash covers (also used by verification)."""
    return {
        "sequence": entry.sequence,
        "occurred_at": canonical_time(entry.occurred_at),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "organisation_id": entry.organisation_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "outcome": entry.outcome,
        "ip_address": entry.ip_address,
        "changes": entry.changes,
    }


def _entry(
    *,
    sequence: int,
    prev_hash: str,
    action: str,
    actor: Any = None,
    organisation: Any = None,
    target: models.Model | None = None,
    target_repr: str = "",
    outcome: str = Outcome.SUCCESS,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """One chained entry, hashed, not yet saved."""
    # Plain JSON types only, so the hash computed now equals the hash of what is read back.
    clean_changes = json.loads(json.dumps(mask_secrets(changes or {}), cls=DjangoJSONEncoder))
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    entry = AuditEntry(
        sequence=sequence,
        occurred_at=timezone.now(),
        actor=actor_obj,
        actor_username=getattr(actor_obj, "username", "") or "",
        organisation_id=getattr(organisation, "pk", organisation),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:200],
        outcome=outcome,
        ip_address=ip_address if ip_address is not None else current_ip.get(),
        changes=clean_changes,
        prev_hash=prev_hash,
    )
    entry.entry_hash = entry_digest(hashed_fields(entry), entry.prev_hash)
    return entry


def record(
    *,
    action: str,
    actor: Any = None,
    organisation: Any = None,
    target: models.Model | None = None,
    target_repr: str = "",
    outcome: str = Outcome.SUCCESS,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain. `action` is `app.event_past_tense`."""
    # No savepoint: inside the caller's transaction an error here aborts it anyway, and two
    # round trips fewer shorten the time the chain head stays locked.
    with transaction.atomic(savepoint=False):
        # Lock the head row: appends are serialised, so every entry has exactly one successor.
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        entry = _entry(sequence=head.sequence + 1, prev_hash=head.last_hash, action=action,
                       actor=actor, organisation=organisation, target=target,
                       target_repr=target_repr, outcome=outcome, changes=changes,
                       ip_address=ip_address)
        entry.save()
        head.sequence = entry.sequence
        head.last_hash = entry.entry_hash
        head.save(update_fields=["sequence", "last_hash"])
    return entry


def record_many(entries: Sequence[Mapping[str, Any]]) -> list[AuditEntry]:
    """Append several entries (each the keyword arguments of `record`) under one lock of the
    chain head and in one insert: for batch work, such as recomputing a thousand due dates."""
    if not entries:
        return []
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        built: list[AuditEntry] = []
        sequence, last_hash = head.sequence, head.last_hash
        for spec in entries:
            sequence += 1
            entry = _entry(sequence=sequence, prev_hash=last_hash, **spec)
            last_hash = entry.entry_hash
            built.append(entry)
        AuditEntry.objects.bulk_create(built)
        head.sequence, head.last_hash = sequence, last_hash
        head.save(update_fields=["sequence", "last_hash"])
    return built
