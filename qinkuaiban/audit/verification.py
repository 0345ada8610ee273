"""Walking the chain to find the first entry that was altered, removed or inserted."""

from dataclasses import dataclass

from qinkuaiban.audit.chain import GENESIS_HASH, entry_digest
from qinkuaiban.audit.models import AuditChainHead, AuditEntry
from qinkuaiban.audit.services import hashed_fields


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_sequence: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_sequence is None


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Check every entry in order: contiguous sequence, link to the previous hash, own hash."""
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    checked = 0
    last_sequence = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(sequence__gte=expected_sequence).order_by("sequence")[
                :batch_size
            ]
        )
        if not batch:
            break
        for entry in batch:
            if entry.sequence != expected_sequence:
                return ChainReport(checked, expected_sequence, "entry missing")
            if entry.prev_hash != prev_hash:
                return ChainReport(checked, entry.sequence, "link to previous entry broken")
            if entry_digest(hashed_fields(entry), entry.prev_hash) != entry.entry_hash:
                return ChainReport(checked, entry.sequence, "content altered")
            prev_hash = entry.entry_hash
            last_sequence = entry.sequence
            expected_sequence += 1
            checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.sequence != last_sequence:
        # Entries at the end were removed (or the head was tampered with).
        return ChainReport(checked, last_sequence + 1, "entry missing")
    return ChainReport(checked)
